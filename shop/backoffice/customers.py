"""The customer list for staff: every email that ordered or holds an account, with its orders.

A customer here is an email: guests are known by the email on their orders, account
holders by their account (verified or not), and both meet on the same row.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, union

from shop.accounts.customers.models import Customer
from shop.extensions import db
from shop.orders.models import Order
from shop.orders.presenters import STATUS_LABELS
from shop.pagination import Page, paginate

PAGE_SIZE = 50
RECENT = 5  # orders listed on each row; the rest are one link away
NOT_ORDERS = ("expired",)  # checkouts abandoned before paying


@dataclass(frozen=True)
class RecentOrder:
    number: str
    status_label: str
    created_at: datetime
    total_cents: int


@dataclass(frozen=True)
class CustomerRow:
    email: str
    name: str
    account: str  # "verified", "unverified" or "" (a guest)
    orders: int
    spent_cents: int  # captured minus refunded
    last_order_at: datetime | None
    recent: list[RecentOrder]


def _query(q: str):
    placed = Order.status.not_in(NOT_ORDERS)
    emails = union(select(Order.email.label("email")).where(placed),
                   select(Customer.email.label("email"))).subquery()
    totals = (select(Order.email.label("email"), func.count().label("orders"),
                     func.sum(Order.captured_cents - Order.refunded_cents).label("spent"),
                     func.max(Order.created_at).label("last_order"))
              .where(placed).group_by(Order.email).subquery())
    query = (select(emails.c.email, totals.c.orders, totals.c.spent, totals.c.last_order,
                    Customer.name, Customer.email_verified_at, Customer.id.label("account_id"))
             .select_from(emails)
             .outerjoin(totals, totals.c.email == emails.c.email)
             .outerjoin(Customer, Customer.email == emails.c.email))
    if q.strip():
        query = query.where(emails.c.email.contains(q.strip().lower(), autoescape=True))
    return query.order_by(totals.c.last_order.desc().nulls_last(), emails.c.email)


def customer_list(q: str, page: int) -> Page:
    """One page of customers matching `q` (part of an email), latest buyers first, each
    with their most recent orders (three queries whatever the page size)."""
    listing = paginate(_query(q), page, PAGE_SIZE, build=lambda row: row._mapping)
    recent = _recent_orders([row["email"] for row in listing.rows])
    rows = [CustomerRow(
        email=row["email"], name=row["name"] or "",
        account=("" if row["account_id"] is None
                 else "verified" if row["email_verified_at"] else "unverified"),
        orders=row["orders"] or 0, spent_cents=row["spent"] or 0,
        last_order_at=row["last_order"], recent=recent.get(row["email"], []))
        for row in listing.rows]
    return Page(rows, listing.page, listing.pages, listing.total)


def _recent_orders(emails: list[str]) -> dict[str, list[RecentOrder]]:
    if not emails:
        return {}
    found: dict[str, list[RecentOrder]] = {}
    rows = db.session.execute(
        select(Order.email, Order.number, Order.status, Order.created_at, Order.total_cents)
        .where(Order.email.in_(emails), Order.status.not_in(NOT_ORDERS))
        .order_by(Order.created_at.desc(), Order.id.desc())).mappings()
    for row in rows:
        mine = found.setdefault(row["email"], [])
        if len(mine) < RECENT:
            mine.append(RecentOrder(row["number"], STATUS_LABELS.get(row["status"], row["status"]),
                                    row["created_at"], row["total_cents"]))
    return found
