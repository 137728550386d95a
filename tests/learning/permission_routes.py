"""The learner's pages in the permission matrix (tests/test_permissions.py).

ctx["published"] is a published course with one module holding a video item (a ready video with
French captions): every signed-in person sees it. ctx["draft"] is a draft owned by people[TRAINER]:
only its editors (that trainer, coordinators) preview it; learners get 404, as if it did not exist
(one rule has one path here, so the draft cases are in tests/learning/test_course_pages.py).
"""
from lms.extensions import db
from tests.permission_matrix import signed_in


def _first_item(course):
    return course.modules[0].items[0]


def _with_transcript(ctx):
    ctx["video"].transcript = "*Anne, psychologue*\n\nBonjour."
    db.session.flush()
    return f"/formations/{ctx['published'].id}/elements/{_first_item(ctx['published']).id}/transcription.md"


ROUTES = [
    ("GET", "/formations", None, signed_in(200)),
    ("GET", "/formations/<int:course_id>", None, signed_in(200)),
    ("GET", "/formations/<int:course_id>/elements/<int:item_id>", None, signed_in(200)),
    ("GET", "/formations/<int:course_id>/elements/<int:item_id>/transcription.md", None, signed_in(200)),
]

PATHS = {
    "/formations/<int:course_id>": lambda ctx: f"/formations/{ctx['published'].id}",
    "/formations/<int:course_id>/elements/<int:item_id>":
        lambda ctx: f"/formations/{ctx['published'].id}/elements/{_first_item(ctx['published']).id}",
    "/formations/<int:course_id>/elements/<int:item_id>/transcription.md": _with_transcript,
}
