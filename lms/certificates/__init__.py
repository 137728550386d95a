"""Certificates: the "attestation de fin de formation" issued once a course is completed, its PDF,
its HTML equivalent, public verification and revocation."""
from flask import Blueprint

bp = Blueprint("certificates", __name__)

from lms.auth.person_record import person_sections  # noqa: E402
from lms.certificates import services, views  # noqa: E402,F401  (services registers its task, GDPR export and eraser)
from lms.learning.signals import certificate_finders, course_completed  # noqa: E402

# A completion recorded by the learning domain writes the certificate's trigger in the same transaction.
course_completed.connect(services.on_course_completed)
# The learner's pages (learning domain) show the certificate of each completion.
certificate_finders.append(services.certificates_by_completion)
# The coordinator's page of a person (auth domain) lists that person's certificates.
person_sections.append(services.person_certificates)
