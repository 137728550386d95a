"""The callers of the permission matrix (tests/test_permissions.py) and the usual expectations."""

ANON, OWNER, OTHER, TRAINER, COORD = "anonymous", "learner", "other_learner", "trainer", "coordinator"
ACTORS = (ANON, OWNER, OTHER, TRAINER, COORD)


def everyone(status):
    return dict.fromkeys(ACTORS, status)


def signed_in(status, anon=302):
    return {ANON: anon, OWNER: status, OTHER: status, TRAINER: status, COORD: status}


def coordinator_only(ok=200, anon=302):
    return {ANON: anon, OWNER: 403, OTHER: 403, TRAINER: 403, COORD: ok}


def owner_or_coordinator(ok=200, anon=401):
    return {ANON: anon, OWNER: ok, OTHER: 403, TRAINER: 403, COORD: ok}


def staff_only(ok=200, anon=401):
    return {ANON: anon, OWNER: 403, OTHER: 403, TRAINER: ok, COORD: ok}


def course_editors(ok=200, anon=401):
    """The draft course of the matrix is owned by people[TRAINER]; learners do not see drafts (404)."""
    return {ANON: anon, OWNER: 404, OTHER: 404, TRAINER: ok, COORD: ok}
