"""Named signals of the learning domain, for the domains that follow it (certificates, reporting)."""
from blinker import Namespace

signals = Namespace()

# Sent inside the transaction that records a course completion, with ``completion``:
# receivers write outbox rows (never send anything themselves), so a rollback undoes all.
course_completed = signals.signal("course_completed")

# What the following domains made of a learner's completions, for the learner's pages, without
# learning importing them (no cycle): the certificates domain appends
# ``function(user, completion_ids) -> {completion_id: certificate}``.
certificate_finders: list = []


def certificates_for(user, completion_ids) -> dict:
    found: dict = {}
    for finder in certificate_finders:
        found.update(finder(user, list(completion_ids)))
    return found
