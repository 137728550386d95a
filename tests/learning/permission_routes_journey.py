"""Permission matrix entries of the learner's journey (see tests/test_permissions.py).

HTML paths get form posts with a CSRF token: the progression route takes the beacon as a
``payload`` field too (what navigator.sendBeacon with FormData would send). ctx["published"] has
one module with one video item (a ready 2 s video); a text item is added for "J'ai lu".
"""
import json

from lms.authoring.models import TEXT, Item
from lms.core.db import commit
from lms.extensions import db
from tests.permission_matrix import signed_in


def _video_item(ctx) -> str:
    course = ctx["published"]
    return f"/formations/{course.id}/elements/{course.modules[0].items[0].id}/progression"


def _text_item(ctx) -> str:
    course = ctx["published"]
    module = course.modules[0]
    item = Item(module=module, key="texte", kind=TEXT, title="À lire", body_markdown="Lire.",
                position=len(module.items) + 1)
    db.session.add(item)
    commit()
    return f"/formations/{course.id}/elements/{item.id}/lu"


ROUTES = [
    ("POST", "/formations/<int:course_id>/elements/<int:item_id>/progression",
     {"payload": json.dumps({"position_s": 1, "watched": [[0, 1]]})}, signed_in(200)),
    ("POST", "/formations/<int:course_id>/elements/<int:item_id>/lu", {}, signed_in(302)),
    ("GET", "/mon-parcours", None, signed_in(200)),
]

PATHS = {
    "/formations/<int:course_id>/elements/<int:item_id>/progression": _video_item,
    "/formations/<int:course_id>/elements/<int:item_id>/lu": _text_item,
}
