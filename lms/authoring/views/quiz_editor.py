"""The quiz editor (/edition): the settings of a quiz item, then one question per page. It works without
JavaScript: the choice rows are a fixed set (the answers plus blank rows); "Ajouter un choix", "Monter",
"Descendre" and "Retirer" are submit buttons that send the whole form back and show it changed, and
"Enregistrer la question" saves it. The checks are those of the API (lms.authoring.services.quizzes)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.authoring import bp, services
from lms.authoring.forms import QuestionForm, QuizSettingsForm, as_int, place_errors
from lms.authoring.views.common import after_move, button, confirm_removal, direction, editable, refusal, refused
from lms.core.db import commit
from lms.core.errors import Invalid


def _render_quiz(item, course, form, status=200, **reasons):
    return render_template("authoring/quiz_edit.html", item=item, course=course, quiz=item.quiz, form=form,
                           **reasons), status


def _button(quiz, course, change, anchor, done: str | None = None):
    """A button on the quiz page; ``anchor`` (a callable is read after the change) is where the page comes back."""
    return button(change, lambda exc: _render_quiz(quiz.item, course, QuizSettingsForm(formdata=None, obj=quiz),
                                                   exc.status, **refused(exc)),
                  lambda: url_for("authoring.edit_quiz", item_id=quiz.item_id,
                                  _anchor=anchor() if callable(anchor) else anchor), done)


@bp.route("/edition/elements/<int:item_id>/quiz", methods=["GET", "POST"])
@login_required
def edit_quiz(item_id: int):
    quiz, course = editable(services.get_quiz, item_id)
    item = quiz.item
    form = QuizSettingsForm(data={"role": quiz.role, "pass_mark": str(quiz.pass_mark),
                                  "max_attempts": "" if quiz.max_attempts is None else str(quiz.max_attempts)})
    if form.validate_on_submit():
        try:
            services.update_quiz_settings(current_user, quiz, pass_mark=as_int(form.pass_mark.data),
                                          max_attempts=as_int(form.max_attempts.data), role=form.role.data)
            commit()
        except Invalid as exc:
            return _render_quiz(item, course, form, 422, **refusal(form, exc, prefix="quiz."))
        flash(_("Réglages du quiz enregistrés."), "success")
        return redirect(url_for("authoring.edit_quiz", item_id=item.id))
    return _render_quiz(item, course, form, 422 if request.method == "POST" else 200)


def _changed_rows(action: str, rows: list[dict]) -> tuple[list[dict], str]:
    """Apply a row button ("add_choice", "up-2", "down-0", "remove-1"); returns the rows and what happened."""
    if action == "add_choice":
        return [*rows, {}], _("Une ligne de réponse a été ajoutée.")
    verb, _sep, number = action.partition("-")
    n = as_int(number)
    if not isinstance(n, int) or not 0 <= n < len(rows) or verb not in ("up", "down", "remove"):
        return rows, ""
    if verb == "remove":
        return rows[:n] + rows[n + 1:], _("La réponse %(n)d a été retirée.", n=n + 1)
    other = n - 1 if verb == "up" else n + 1
    if not 0 <= other < len(rows):
        return rows, ""
    rows[n], rows[other] = rows[other], rows[n]
    return rows, _("La réponse %(n)d est maintenant en position %(m)d.", n=n + 1, m=other + 1)


def _question_page(quiz, course, question=None):
    """Shared by the new-question and the edit-question pages."""
    item, reasons, list_errors, notice = quiz.item, {}, {}, ""
    form = QuestionForm() if request.method == "POST" else QuestionForm.for_question(question)
    status = 200
    if form.validate_on_submit():
        action = request.form.get("action", "save")
        if action != "save":
            rows, notice = _changed_rows(action, form.rows())
            form = QuestionForm.for_question(rows=rows, kind=form.kind.data, prompt=form.prompt.data,
                                             explanation=form.explanation.data)
        else:
            data, index = form.values()
            form.number_rows()
            try:
                if question is None:
                    question = services.add_question(current_user, quiz, data)
                else:
                    services.update_question(current_user, question, data)
                question_id = question.id
                commit()
            except Invalid as exc:
                list_errors = place_errors(form, exc.fields, prefix="question.", rows={"choices": index})
                if exc.extra.get("reasons"):
                    reasons = refused(exc)
                status = 422
            else:
                flash(_("Question enregistrée."), "success")
                return redirect(url_for("authoring.edit_quiz", item_id=item.id, _anchor=f"question-{question_id}"))
    elif request.method == "POST":
        form.number_rows()
        status = 422
    return render_template("authoring/quiz_question.html", item=item, course=course, quiz=quiz, question=question,
                           form=form, list_errors=list_errors, notice=notice, **reasons), status


@bp.route("/edition/elements/<int:item_id>/quiz/questions", methods=["GET", "POST"])
@login_required
def add_question(item_id: int):
    quiz, course = editable(services.get_quiz, item_id)
    return _question_page(quiz, course)


@bp.route("/edition/questions/<int:question_id>", methods=["GET", "POST"])
@login_required
def edit_question(question_id: int):
    question, course = editable(services.get_question, question_id)
    return _question_page(question.quiz, course, question)


@bp.post("/edition/questions/<int:question_id>/deplacer")
@login_required
def move_question(question_id: int):
    question, course = editable(services.get_question, question_id)
    quiz = question.quiz
    return _button(quiz, course, lambda: services.move_question(current_user, question, question.position + direction()),
                   lambda: after_move("question", question, len(quiz.questions)))


@bp.route("/edition/questions/<int:question_id>/supprimer", methods=["GET", "POST"])
@login_required
def remove_question(question_id: int):
    question, course = editable(services.get_question, question_id)
    quiz = question.quiz
    if request.method == "GET":
        return confirm_removal(course, question, _("Supprimer la question « %(prompt)s » ?", prompt=question.prompt),
                               back=url_for("authoring.edit_quiz", item_id=quiz.item_id))
    return _button(quiz, course, lambda: services.remove_question(current_user, question), "questions",
                   _("Question supprimée."))
