"""Authoring pages for courses (/edition): the list, a course's description and content, items, quizzes,
publication. Every page: sign-in, then require_author (learners: 403), then the course's require_edit_course.
Buttons that change something are small POST forms with the CSRF token (checked app-wide by Flask-WTF); after a change the page comes back
with an anchor on what was changed (authoring.js then puts the focus there)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from lms.authoring import bp, services
from lms.authoring.forms import (
    ITEM_KIND_NAMES,
    CourseForm,
    ItemForm,
    ModuleForm,
    NewCourseForm,
    NewItemForm,
    as_int,
    place_errors,
    video_choices,
)
from lms.authoring.models import QUIZ, TEXT, VIDEO, Course, Item, Module, Quiz
from lms.authoring.permissions import require_author, require_edit_course
from lms.core.db import commit
from lms.core.errors import DomainError, Invalid
from lms.core.web import show_errors


def _course_of(row) -> Course:
    if isinstance(row, Course):
        return row
    if isinstance(row, Module):
        return row.course
    if isinstance(row, Item):
        return row.module.course
    quiz = row if isinstance(row, Quiz) else row.quiz  # a Question
    return quiz.item.module.course


def _editable(load, row_id: int):
    """Load a row by id and check the signed-in person may edit its course; returns (row, course)."""
    require_author(current_user)
    row = load(row_id)
    course = _course_of(row)
    require_edit_course(current_user, course)
    return row, course


def _refused(exc: DomainError) -> list[str]:
    """The reasons of a refused publication or change (a list), or the message alone."""
    return list(exc.extra.get("reasons") or []) or [exc.message]


# -- the list ----------------------------------------------------------------------

@bp.route("/edition", methods=["GET", "POST"])
@login_required
def list_courses():
    require_author(current_user)
    form = NewCourseForm()
    if form.validate_on_submit():
        try:
            course = services.create_course(current_user, form.title.data)
            course_id = course.id
            commit()
        except DomainError as exc:
            show_errors(form, exc)
        else:
            flash(_("Parcours créé. Complétez sa fiche puis ajoutez des modules."), "success")
            return redirect(url_for("authoring.edit_course", course_id=course_id))
    status = 422 if request.method == "POST" else 200
    return render_template("authoring/course_list.html", form=form,
                           courses=services.editable_courses(current_user)), status


# -- a course: its description and its content --------------------------------------

def render_course(course, status: int = 200, *, course_form=None, module_form=None, forms=None, reasons=None,
                  reasons_title=None):
    """The course page; a form that failed comes back with its errors (``forms`` keyed by their prefix)."""
    forms = dict(forms or {})
    videos = video_choices(services.usable_videos(current_user))
    for module in course.modules:
        forms.setdefault(f"rename-{module.id}", ModuleForm(formdata=None, prefix=f"rename-{module.id}",
                                                           data={"title": module.title}))
        new_item = forms.setdefault(f"item-{module.id}", NewItemForm(formdata=None, prefix=f"item-{module.id}"))
        new_item.video_id.choices = videos
    return render_template(
        "authoring/course_edit.html", course=course, forms=forms, kinds=ITEM_KIND_NAMES,
        course_form=course_form or CourseForm.for_course(course),
        module_form=module_form or ModuleForm(formdata=None, prefix="module"),
        reasons=reasons, reasons_title=reasons_title, problems=services.publish_problems(course),
    ), status


@bp.route("/edition/parcours/<int:course_id>", methods=["GET", "POST"])
@login_required
def edit_course(course_id: int):
    course, _course = _editable(services.get_course, course_id)
    form = CourseForm() if request.method == "POST" else None
    if form is not None and form.validate_on_submit():
        form.number_rows()
        try:
            services.update_course(current_user, course, **form.values())
            commit()
        except Invalid as exc:
            left = place_errors(form, exc.fields, rows={"remote_activities": form.activity_index()})
            return render_course(course, 422, course_form=form, reasons=_refused(exc) if left else None,
                                 reasons_title=exc.message)
        flash(_("Fiche du parcours enregistrée."), "success")
        return redirect(url_for("authoring.edit_course", course_id=course.id, _anchor="fiche"))
    if form is not None:
        form.number_rows()
        return render_course(course, 422, course_form=form)
    return render_course(course)


@bp.post("/edition/parcours/<int:course_id>/modules")
@login_required
def add_module(course_id: int):
    course, _course = _editable(services.get_course, course_id)
    form = ModuleForm(prefix="module")
    if form.validate_on_submit():
        try:
            module = services.add_module(current_user, course, form.title.data)
            module_id = module.id
            commit()
        except Invalid as exc:
            left = place_errors(form, exc.fields)
            return render_course(course, 422, module_form=form, reasons=_refused(exc) if left else None,
                                 reasons_title=exc.message)
        flash(_("Module ajouté."), "success")
        return redirect(url_for("authoring.edit_course", course_id=course_id, _anchor=f"module-{module_id}"))
    return render_course(course, 422, module_form=form)


def _back_to(course, anchor: str, exc: Invalid | None = None):
    """After a button: the course page at ``anchor``, or the page with the reasons the change was refused."""
    if exc is not None:
        return render_course(course, 422, reasons=_refused(exc), reasons_title=exc.message)
    commit()
    return redirect(url_for("authoring.edit_course", course_id=course.id, _anchor=anchor))


@bp.post("/edition/modules/<int:module_id>/titre")
@login_required
def rename_module(module_id: int):
    module, course = _editable(services.get_module, module_id)
    form = ModuleForm(prefix=f"rename-{module.id}")
    if form.validate_on_submit():
        try:
            services.rename_module(current_user, module, form.title.data)
        except Invalid as exc:
            if not place_errors(form, exc.fields):
                return render_course(course, 422, forms={f"rename-{module.id}": form})
            return _back_to(course, "", exc)
        flash(_("Module renommé."), "success")
        return _back_to(course, f"module-{module.id}")
    return render_course(course, 422, forms={f"rename-{module.id}": form})


def _direction() -> int:
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        raise Invalid(fields={"direction": _("Valeurs permises : %(values)s.", values="up, down")})
    return -1 if direction == "up" else 1


def _after_move(prefix: str, row, count: int) -> str:
    """The button to focus after a move: the same one, or the other when the row reached an end."""
    direction = request.form.get("direction")
    if (direction == "up" and row.position == 1) or (direction == "down" and row.position == count):
        direction = "down" if direction == "up" else "up"
    return f"{prefix}-{row.id}-{direction}"


@bp.post("/edition/modules/<int:module_id>/deplacer")
@login_required
def move_module(module_id: int):
    module, course = _editable(services.get_module, module_id)
    try:
        services.move_module(current_user, module, module.position + _direction())
    except Invalid as exc:
        return _back_to(course, "", exc)
    return _back_to(course, _after_move("module", module, len(course.modules)))


@bp.route("/edition/modules/<int:module_id>/supprimer", methods=["GET", "POST"])
@login_required
def remove_module(module_id: int):
    module, course = _editable(services.get_module, module_id)
    if request.method == "GET":
        return render_template("authoring/course_confirm.html", course=course, thing=module,
                               question=ngettext("Supprimer le module « %(title)s » et son élément ?",
                                                 "Supprimer le module « %(title)s » et ses %(num)d éléments ?",
                                                 len(module.items), title=module.title))
    try:
        services.remove_module(current_user, module)
    except Invalid as exc:
        return _back_to(course, "", exc)
    flash(_("Module supprimé."), "success")
    return _back_to(course, "contenu")


# -- items ---------------------------------------------------------------------------

@bp.post("/edition/modules/<int:module_id>/elements")
@login_required
def add_item(module_id: int):
    module, course = _editable(services.get_module, module_id)
    form = NewItemForm(prefix=f"item-{module.id}")
    if form.validate_on_submit():
        kind = form.kind.data
        try:
            item = services.add_item(
                current_user, module, kind, form.title.data,
                video_id=as_int(form.video_id.data) if kind == VIDEO else None,
                quiz={"pass_mark": 80, "role": "graded", "questions": []} if kind == QUIZ else None)
            item_id = item.id
            commit()
        except Invalid as exc:
            if place_errors(form, exc.fields):
                return render_course(course, 422, reasons=_refused(exc), reasons_title=exc.message)
            return render_course(course, 422, forms={f"item-{module.id}": form})
        flash(_("Élément ajouté. Complétez-le maintenant."), "success")
        return redirect(url_for("authoring.edit_quiz", item_id=item_id) if kind == QUIZ
                        else url_for("authoring.edit_item", item_id=item_id))
    return render_course(course, 422, forms={f"item-{module.id}": form})


@bp.route("/edition/elements/<int:item_id>", methods=["GET", "POST"])
@login_required
def edit_item(item_id: int):
    item, course = _editable(services.get_item, item_id)
    form = ItemForm(data={"title": item.title, "required": item.required, "body_markdown": item.body_markdown,
                          "estimated_minutes": "" if item.estimated_minutes is None else str(item.estimated_minutes),
                          "video_id": str(item.video_id or "")})
    form.video_id.choices = video_choices(services.usable_videos(current_user, item.video))
    reasons = reasons_title = None
    if form.validate_on_submit():
        try:
            services.update_item(current_user, item, title=form.title.data, required=form.required.data,
                                 estimated_minutes=as_int(form.estimated_minutes.data),
                                 body_markdown=form.body_markdown.data if item.kind == TEXT else item.body_markdown,
                                 **({"video_id": as_int(form.video_id.data)} if item.kind == VIDEO else {}))
            commit()
        except Invalid as exc:
            if place_errors(form, exc.fields):
                reasons, reasons_title = _refused(exc), exc.message
        else:
            flash(_("Élément enregistré."), "success")
            return redirect(url_for("authoring.edit_course", course_id=course.id, _anchor=f"item-{item.id}"))
    status = 422 if request.method == "POST" else 200
    return render_template("authoring/course_item.html", course=course, item=item, form=form,
                           reasons=reasons, reasons_title=reasons_title, kinds=ITEM_KIND_NAMES), status


@bp.post("/edition/elements/<int:item_id>/deplacer")
@login_required
def move_item(item_id: int):
    item, course = _editable(services.get_item, item_id)
    try:
        services.move_item(current_user, item, item.position + _direction())
    except Invalid as exc:
        return _back_to(course, "", exc)
    return _back_to(course, _after_move("item", item, len(item.module.items)))


@bp.route("/edition/elements/<int:item_id>/supprimer", methods=["GET", "POST"])
@login_required
def remove_item(item_id: int):
    item, course = _editable(services.get_item, item_id)
    module_id = item.module_id
    if request.method == "GET":
        return render_template("authoring/course_confirm.html", course=course, thing=item,
                               question=_("Supprimer l'élément « %(title)s » ?", title=item.title))
    try:
        services.remove_item(current_user, item)
    except Invalid as exc:
        return _back_to(course, "", exc)
    flash(_("Élément supprimé."), "success")
    return _back_to(course, f"module-{module_id}")


# -- publication ---------------------------------------------------------------------------

@bp.post("/edition/parcours/<int:course_id>/publier")
@login_required
def publish_course(course_id: int):
    course, _course = _editable(services.get_course, course_id)
    try:
        services.publish_course(current_user, course)
    except DomainError as exc:
        return render_course(course, exc.status, reasons=_refused(exc), reasons_title=exc.message)
    flash(_("Parcours publié : les apprenants peuvent le suivre."), "success")
    return _back_to(course, "publication")


@bp.post("/edition/parcours/<int:course_id>/depublier")
@login_required
def unpublish_course(course_id: int):
    course, _course = _editable(services.get_course, course_id)
    try:
        services.unpublish_course(current_user, course)
    except DomainError as exc:
        return render_course(course, exc.status, reasons=_refused(exc), reasons_title=exc.message)
    flash(_("Parcours retiré de la publication : il redevient un brouillon."), "success")
    return _back_to(course, "publication")


from lms.authoring.views import quiz_editor  # noqa: E402,F401  (the quiz editor pages)
