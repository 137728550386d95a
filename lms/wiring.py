"""Every list of hooks of the app, declared here and nowhere else (ARCHITECTURE rule 2: wiring is explicit).

lms.core runs these lists without knowing the domains: create_app calls ``install(app)``, which hands
each list to the module that runs it. Importing a domain module registers nothing; a hook is a plain
function of its domain's services, named below. tests/test_wiring.py checks that the lists are complete.
"""
from __future__ import annotations

from flask import Flask

from lms.auth.queries import install_person_sections
from lms.auth.services import gdpr
from lms.auth.services import retention as accounts
from lms.certificates import retention as certificate_evidence
from lms.certificates import services as certificates
from lms.core.jobs import install_due_jobs
from lms.core.outbox import install_task_handlers
from lms.core.privacy import install_privacy
from lms.learning import retention as evidence
from lms.learning.queries import overview as learning_overview
from lms.learning.signals import course_completed, install_certificate_finders
from lms.videos import services as videos

# What runs every minute: the periodic scan (worker/schedule.py "run-due", and `flask jobs run-due`) runs
# these in this order, committing after each, then hands the due task triggers and mail on (lms.core.jobs).
DUE_JOBS = (
    accounts.process_inactive_accounts,     # warn accounts inactive for 23 months, erase them a month later
    videos.remove_abandoned_uploads,        # uploads left behind by a web worker killed mid-request
    videos.requeue_stuck_videos,            # processing lost with its worker: trigger again, or give up
    evidence.schedule_evidence_retention,   # once a day: drop the training evidence past its retention period
)

# The in-process equivalent of each task the outbox triggers, by its Celery name (worker/tasks/ declares
# the Celery task of the same name): run when OUTBOX_DISPATCH = "inline" and by `flask jobs run-due`.
TASK_HANDLERS = {
    videos.PROCESS_TASK: videos.process_video,
    evidence.PROCESS_TASK: evidence.process_expired_evidence,
    certificates.ISSUE_TASK: certificates.issue_certificate,
}

# What a person's data export contains (GDPR access and portability: GET /api/v1/me/export and the
# account page), section by section, beside "exported_at".
EXPORT_SECTIONS = {
    "profile": gdpr.export_profile,
    "api_tokens": gdpr.export_api_tokens,
    "sign_ins": gdpr.export_sign_ins,
    "email_links": gdpr.export_email_links,
    "account_events": gdpr.export_account_events,
    "emails": gdpr.export_emails,
    "learning_progress": evidence.export_progress,
    "certificates": certificate_evidence.export_certificates,
}

# What erasing a person does in the other domains, before lms.auth.services.gdpr.erase_user anonymises the account.
ERASERS = (
    certificate_evidence.erase_certificates,        # the certificate stays (evidence), without the holder's name
)

# What the other domains drop of a learner's evidence on a course past its retention period, before
# lms.learning.retention deletes its own rows.
EXPIRERS = (
    certificate_evidence.expire_certificates,
)

# Who finds the certificate of a completion for the learner's pages (learning does not import certificates).
CERTIFICATE_FINDERS = (
    certificates.certificates_by_completion,
)

# What the coordinator's page of a person shows beyond the account (auth does not import the other domains),
# section by section, in this order.
PERSON_SECTIONS = (
    learning_overview.person_learning,      # courses, progress, time spent, quiz results
    certificates.person_certificates,       # certificates and their codes
)

# Receivers of lms.learning.signals.course_completed, sent in the transaction that records a completion.
ON_COURSE_COMPLETED = (
    certificates.on_course_completed,       # writes the certificate's trigger in the same transaction
)


def install(app: Flask) -> None:
    install_due_jobs(app, DUE_JOBS)
    install_task_handlers(app, TASK_HANDLERS)
    install_privacy(app, export_sections=EXPORT_SECTIONS, erasers=ERASERS, expirers=EXPIRERS)
    install_certificate_finders(app, CERTIFICATE_FINDERS)
    install_person_sections(app, PERSON_SECTIONS)
    for receiver in ON_COURSE_COMPLETED:
        course_completed.connect(receiver)  # one connection however many apps are made (blinker keys it by receiver)
