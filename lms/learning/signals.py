"""Named signals of the learning domain, for the domains that follow it (certificates, reporting)."""
from blinker import Namespace

signals = Namespace()

# Sent inside the transaction that records a course completion, with ``completion``:
# receivers write outbox rows (never send anything themselves), so a rollback undoes all.
course_completed = signals.signal("course_completed")
