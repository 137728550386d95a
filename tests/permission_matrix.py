"""The callers of the permission matrix (tests/test_permissions.py) and the usual expectations.

Every row names the answer of every caller. TRAINER owns the matrix's video and its draft course;
OTHER_TRAINER is a trainer with no claim on them. There is no referent role in lms.auth.models.ROLES."""

ANON, OWNER, OTHER, TRAINER, OTHER_TRAINER, COORD = (
    "anonymous", "learner", "other_learner", "trainer", "other_trainer", "coordinator")
ACTORS = (ANON, OWNER, OTHER, TRAINER, OTHER_TRAINER, COORD)


def everyone(status):
    return dict.fromkeys(ACTORS, status)


def signed_in(status, anon=302):
    return {**everyone(status), ANON: anon}


def coordinator_only(ok=200, anon=302):
    return {ANON: anon, OWNER: 403, OTHER: 403, TRAINER: 403, OTHER_TRAINER: 403, COORD: ok}


def owner_or_coordinator(ok=200, anon=401):
    return {ANON: anon, OWNER: ok, OTHER: 403, TRAINER: 403, OTHER_TRAINER: 403, COORD: ok}


def staff_only(ok=200, anon=401):
    """Any trainer or coordinator, whoever owns what the route touches."""
    return {ANON: anon, OWNER: 403, OTHER: 403, TRAINER: ok, OTHER_TRAINER: ok, COORD: ok}


def editors_only(ok=200, anon=401):
    """The owner of the matrix's video or draft course (TRAINER) and coordinators; another trainer gets 403."""
    return {**staff_only(ok, anon), OTHER_TRAINER: 403}


def course_editors(ok=200, anon=401, other_trainer=403):
    """The draft course of the matrix is owned by people[TRAINER]; learners do not see drafts (404); another
    trainer sees it (``other_trainer`` on a read) but may not change it (403)."""
    return {ANON: anon, OWNER: 404, OTHER: 404, TRAINER: ok, OTHER_TRAINER: other_trainer, COORD: ok}
