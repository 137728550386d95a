from flask import render_template
from flask_login import current_user, login_required

from lms.auth.permissions import require_read_outbox
from lms.core import outbox
from lms.core.errors import NotFound
from lms.core.pagination import searched_page
from lms.extensions import db
from lms.messages import bp


@bp.get("/admin/envois")
@login_required
def list_messages():
    require_read_outbox(current_user)
    query, status, page = searched_page(outbox.search_messages, "status")
    return render_template("messages/list.html", page=page, query=query, status=status,
                           counts=outbox.status_counts(), statuses=outbox.STATUSES)


@bp.get("/admin/envois/<int:message_id>")
@login_required
def show_message(message_id: int):
    require_read_outbox(current_user)
    message = db.session.get(outbox.OutboxMessage, message_id)
    if message is None:
        raise NotFound()
    return render_template("messages/show.html", message=message)
