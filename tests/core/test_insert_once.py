"""lms.core.db.insert_once: the savepoint, the insert, and on a unique key's refusal the row already there."""
import pytest
from sqlalchemy.exc import IntegrityError

from lms.core.db import insert_once
from lms.core.outbox import MailSuppression
from lms.extensions import db


def suppression(email):
    return db.session.query(MailSuppression).filter_by(email=email).first()


def test_a_new_row_is_inserted_and_a_second_one_with_the_same_key_gives_the_first(app):
    first = insert_once(MailSuppression(email="x@example.org", reason="un"), lambda: suppression("x@example.org"))
    second = insert_once(MailSuppression(email="x@example.org", reason="deux"), lambda: suppression("x@example.org"))
    assert second is first and first.reason == "un"
    assert db.session.query(MailSuppression).filter_by(email="x@example.org").count() == 1


def test_a_refusal_with_no_row_to_find_goes_on_and_leaves_the_transaction_usable(app):
    kept = insert_once(MailSuppression(email="y@example.org", reason="gardée"), lambda: None)
    with pytest.raises(IntegrityError):
        insert_once(MailSuppression(email="y@example.org", reason="refusée"), lambda: None)
    assert suppression("y@example.org") is kept  # only the savepoint was rolled back
