"""Courses and their content: create, edit, add modules and items, reorder, remove, quizzes, publish.

Services take the acting user, check what they may do, add and flush; the request commits. Positions of
modules in a course, items in a module and questions in a quiz are dense, from 1. Callers use
``from lms.authoring import services`` then ``services.<verb>``; the verbs live in:
common.py (checks, loading, lists), courses.py, quizzes.py (definitions and the quiz editor), publication.py.
"""
from lms.authoring.services.common import (  # noqa: F401
    SLUG_MAX,
    TITLE_MAX,
    editable_courses,
    get_course,
    get_item,
    get_module,
    get_question,
    get_quiz,
    slugify,
    unique_course_slug,
    usable_videos,
    visible_courses,
)
from lms.authoring.services.courses import (  # noqa: F401
    SUPPORT_KEYS,
    add_item,
    add_module,
    create_course,
    move_item,
    move_module,
    remove_item,
    remove_module,
    rename_module,
    update_course,
    update_item,
)
from lms.authoring.services.publication import (  # noqa: F401
    keeping_publishable,
    publish_course,
    publish_problems,
    required_item_count,
    unpublish_course,
)
from lms.authoring.services.quizzes import (  # noqa: F401
    add_question,
    build_quiz,
    move_question,
    remove_question,
    update_question,
    update_quiz_settings,
    validate_quiz,
)
