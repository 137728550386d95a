"""Page-number pagination for HTML lists and cursor pagination for the API."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import request
from sqlalchemy import Select, func, select

from lms.core.web import decimal, search_arg
from lms.extensions import db


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(stmt: Select, per_page: int = 50) -> Page:
    page = decimal(request.args.get("page"), 9) or 1  # anything else than 1 to 999,999,999: the first page
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, page=page, per_page=per_page, total=total)


def searched_page(search: Callable[[str, str], Select], filter_name: str, per_page: int = 50) -> tuple[str, str, Page]:
    """A list page's search box (``?q=``), its one filter (``?<filter_name>=``) and the page of the rows
    ``search(query, filter)`` selects."""
    query, chosen = search_arg(), request.args.get(filter_name, "")
    return query, chosen, paginate(search(query, chosen), per_page=per_page)
