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
    video_choices,
)
from lms.authoring.models import QUIZ, TEXT, VIDEO
from lms.authoring.permissions import require_author
from lms.authoring.views.common import after_move, button, confirm_removal, direction, editable, refusal, refused
from lms.core.db import commit
from lms.core.errors import DomainError, Invalid
from lms.core.web import show_errors

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
    course, _course = editable(services.get_course, course_id)
    form = CourseForm() if request.method == "POST" else None
    if form is not None and form.validate_on_submit():
        form.number_rows()
        try:
            services.update_course(current_user, course, **form.values())
            commit()
        except Invalid as exc:
            return render_course(course, 422, course_form=form,
                                 **refusal(form, exc, rows={"remote_activities": form.activity_index()}))
        flash(_("Fiche du parcours enregistrée."), "success")
        return redirect(url_for("authoring.edit_course", course_id=course.id, _anchor="fiche"))
    if form is not None:
        form.number_rows()
        return render_course(course, 422, course_form=form)
    return render_course(course)


@bp.post("/edition/parcours/<int:course_id>/modules")
@login_required
def add_module(course_id: int):
    course, _course = editable(services.get_course, course_id)
    form = ModuleForm(prefix="module")
    if form.validate_on_submit():
        try:
            module = services.add_module(current_user, course, form.title.data)
            module_id = module.id
            commit()
        except Invalid as exc:
            return render_course(course, 422, module_form=form, **refusal(form, exc))
        flash(_("Module ajouté."), "success")
        return redirect(url_for("authoring.edit_course", course_id=course_id, _anchor=f"module-{module_id}"))
    return render_course(course, 422, module_form=form)


def _button(course, change, anchor, done: str | None = None):
    """A button on the course page; ``anchor`` (a callable is read after the change) is where the page comes back."""
    return button(change, lambda exc: render_course(course, exc.status, **refused(exc)),
                  lambda: url_for("authoring.edit_course", course_id=course.id,
                                  _anchor=anchor() if callable(anchor) else anchor), done)


@bp.post("/edition/modules/<int:module_id>/titre")
@login_required
def rename_module(module_id: int):
    module, course = editable(services.get_module, module_id)
    form = ModuleForm(prefix=f"rename-{module.id}")
    if form.validate_on_submit():
        try:
            services.rename_module(current_user, module, form.title.data)
            commit()
        except Invalid as exc:
            return render_course(course, 422, forms={f"rename-{module.id}": form}, **refusal(form, exc))
        flash(_("Module renommé."), "success")
        return redirect(url_for("authoring.edit_course", course_id=course.id, _anchor=f"module-{module.id}"))
    return render_course(course, 422, forms={f"rename-{module.id}": form})


@bp.post("/edition/modules/<int:module_id>/deplacer")
@login_required
def move_module(module_id: int):
    module, course = editable(services.get_module, module_id)
    return _button(course, lambda: services.move_module(current_user, module, module.position + direction()),
                   lambda: after_move("module", module, len(course.modules)))


@bp.route("/edition/modules/<int:module_id>/supprimer", methods=["GET", "POST"])
@login_required
def remove_module(module_id: int):
    module, course = editable(services.get_module, module_id)
    if request.method == "GET":
        return confirm_removal(course, module, ngettext("Supprimer le module « %(title)s » et son élément ?",
                                                        "Supprimer le module « %(title)s » et ses %(num)d éléments ?",
                                                        len(module.items), title=module.title))
    return _button(course, lambda: services.remove_module(current_user, module), "contenu", _("Module supprimé."))


# -- items ---------------------------------------------------------------------------

@bp.post("/edition/modules/<int:module_id>/elements")
@login_required
def add_item(module_id: int):
    module, course = editable(services.get_module, module_id)
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
            return render_course(course, 422, forms={f"item-{module.id}": form}, **refusal(form, exc))
        flash(_("Élément ajouté. Complétez-le maintenant."), "success")
        return redirect(url_for("authoring.edit_quiz", item_id=item_id) if kind == QUIZ
                        else url_for("authoring.edit_item", item_id=item_id))
    return render_course(course, 422, forms={f"item-{module.id}": form})


@bp.route("/edition/elements/<int:item_id>", methods=["GET", "POST"])
@login_required
def edit_item(item_id: int):
    item, course = editable(services.get_item, item_id)
    form = ItemForm(data={"title": item.title, "required": item.required, "body_markdown": item.body_markdown,
                          "estimated_minutes": "" if item.estimated_minutes is None else str(item.estimated_minutes),
                          "video_id": str(item.video_id or "")})
    form.video_id.choices = video_choices(services.usable_videos(current_user, item.video))
    reasons = {}
    if form.validate_on_submit():
        try:
            services.update_item(current_user, item, title=form.title.data, required=form.required.data,
                                 estimated_minutes=as_int(form.estimated_minutes.data),
                                 body_markdown=form.body_markdown.data if item.kind == TEXT else item.body_markdown,
                                 **({"video_id": as_int(form.video_id.data)} if item.kind == VIDEO else {}))
            commit()
        except Invalid as exc:
            reasons = refusal(form, exc)
        else:
            flash(_("Élément enregistré."), "success")
            return redirect(url_for("authoring.edit_course", course_id=course.id, _anchor=f"item-{item.id}"))
    status = 422 if request.method == "POST" else 200
    return render_template("authoring/course_item.html", course=course, item=item, form=form, kinds=ITEM_KIND_NAMES,
                           **reasons), status


@bp.post("/edition/elements/<int:item_id>/deplacer")
@login_required
def move_item(item_id: int):
    item, course = editable(services.get_item, item_id)
    return _button(course, lambda: services.move_item(current_user, item, item.position + direction()),
                   lambda: after_move("item", item, len(item.module.items)))


@bp.route("/edition/elements/<int:item_id>/supprimer", methods=["GET", "POST"])
@login_required
def remove_item(item_id: int):
    item, course = editable(services.get_item, item_id)
    module_id = item.module_id
    if request.method == "GET":
        return confirm_removal(course, item, _("Supprimer l'élément « %(title)s » ?", title=item.title))
    return _button(course, lambda: services.remove_item(current_user, item), f"module-{module_id}",
                   _("Élément supprimé."))


# -- publication ---------------------------------------------------------------------------

@bp.post("/edition/parcours/<int:course_id>/publier")
@login_required
def publish_course(course_id: int):
    course, _course = editable(services.get_course, course_id)
    return _button(course, lambda: services.publish_course(current_user, course), "publication",
                   _("Parcours publié : les apprenants peuvent le suivre."))


@bp.post("/edition/parcours/<int:course_id>/depublier")
@login_required
def unpublish_course(course_id: int):
    course, _course = editable(services.get_course, course_id)
    return _button(course, lambda: services.unpublish_course(current_user, course), "publication",
                   _("Parcours retiré de la publication : il redevient un brouillon."))

