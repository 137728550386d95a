"""The bases of every HTML form: each text field reads through ``lms.core.inputs.clean_text``.

A value holding a control character (NUL, escape, ...) is refused with the field's error, in the reader's
language; invisible formatting characters (a right-to-left override that would reverse a name on a
certificate) are dropped. A text area keeps its tabs and line breaks; a one-line field turns them into a
space. Passwords are taken as typed (they are hashed, never shown) and hidden fields are the app's own.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Form as PlainForm
from wtforms import HiddenField, PasswordField, StringField, TextAreaField

from lms.core.inputs import TextRefused, clean_text


def _cleaner(*, multiline: bool):
    def clean(value):
        if not isinstance(value, str):
            return value
        try:
            return clean_text(value, multiline=multiline)
        except TextRefused as exc:
            raise ValueError(exc.message) from None  # WTForms shows a filter's ValueError as the field's error

    return clean


_ONE_LINE, _MULTILINE = _cleaner(multiline=False), _cleaner(multiline=True)


class CleanTextMeta:
    """Form options (WTForms ``Meta``) adding the text filter to every text field when the form binds it."""

    def bind_field(self, form, unbound_field, options):
        field_class = unbound_field.field_class
        if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField | HiddenField):
            cleaner = _MULTILINE if issubclass(field_class, TextAreaField) else _ONE_LINE
            options = {**options, "filters": [cleaner, *unbound_field.kwargs.get("filters", ())]}
        return super().bind_field(form, unbound_field, options)


class Form(FlaskForm):
    """Every form of a page (CSRF-protected)."""

    class Meta(CleanTextMeta):
        pass


class Subform(PlainForm):
    """A repeated group of fields inside a form (``FormField``), e.g. one choice of a question."""

    class Meta(CleanTextMeta):
        pass
