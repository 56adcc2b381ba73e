"""One page of a list for the back office: the rows, where we are, and how many there are.

Templates show it with the `pagination` macro in templates/macros.html.
"""
from collections.abc import Callable
from dataclasses import dataclass
from math import ceil

from sqlalchemy import func, select

from shop.extensions import db

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    rows: list
    page: int    # 1-based, within 1..pages
    pages: int   # at least 1, even when there are no rows
    total: int


def page_count(total: int, per_page: int = PAGE_SIZE) -> int:
    return max(1, ceil(total / per_page))


def paginate(query, page: int, per_page: int = PAGE_SIZE,
             build: Callable | None = None) -> Page:
    """Run `query` (ordered) for page `page`, moved into range: two queries whatever the
    page size. `build(row)` turns each row into what the page lists."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = page_count(total, per_page)
    page = min(max(page, 1), pages)
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return Page([build(row) for row in rows] if build else rows, page, pages, total)
