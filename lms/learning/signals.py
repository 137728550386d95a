"""Named signals of the learning domain, for the domains that follow it (certificates, reporting)."""
from blinker import Namespace
from flask import Flask, current_app

signals = Namespace()

# Sent inside the transaction that records a course completion, with ``completion``:
# receivers write outbox rows (never send anything themselves), so a rollback undoes all.
# Its receivers are connected by lms/wiring.py (ON_COURSE_COMPLETED).
course_completed = signals.signal("course_completed")

# What the following domains made of a learner's completions, for the learner's pages, without
# learning importing them (no cycle): lms/wiring.py CERTIFICATE_FINDERS, each
# ``function(user, completion_ids) -> {completion_id: certificate}``.
FINDERS_EXTENSION = "lms.certificate_finders"


def install_certificate_finders(app: Flask, finders) -> None:
    app.extensions[FINDERS_EXTENSION] = tuple(finders)


def certificates_for(user, completion_ids) -> dict:
    found: dict = {}
    for finder in current_app.extensions[FINDERS_EXTENSION]:
        found.update(finder(user, list(completion_ids)))
    return found
