"""Discount code use cases: price a cart with a code, take and give back a use, manage codes.

A use is taken when an order is placed (still unpaid), by conditional UPDATEs that the
database decides: `uses < max_uses` on the code, and `uses < per_email_limit` on the one
row per (code, customer email), inserted once under a unique constraint. However many
buyers race for the last use, one gets it. A checkout that closes unpaid (expired,
abandoned, cancelled) gives its use back in the same transaction that closes it.
"""
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from shop.accounts import service as accounts
from shop.catalog.models import Category, Product
from shop.discounts.models import DiscountCode, DiscountEmailUse
from shop.extensions import db
from shop.rules import discounts as rules

CODE_MAX = 40


class DiscountRefused(Exception):
    """The code can't be used; the message is for the customer."""


def normalise(code: str | None) -> str:
    """What customers type, as codes are kept: trimmed, upper case."""
    return (code or "").strip().upper()


def find(code: str) -> DiscountCode | None:
    code = normalise(code)
    if not code or len(code) > CODE_MAX:
        return None
    return db.session.scalar(select(DiscountCode).where(DiscountCode.code == code))


def terms_of(row: DiscountCode) -> rules.DiscountTerms:
    """The code's row as the pure rules see it."""
    return rules.DiscountTerms(
        code=row.code, kind=row.kind, percent=row.percent, amount_cents=row.amount_cents,
        min_subtotal_cents=row.min_subtotal_cents, starts_at=row.starts_at, ends_at=row.ends_at,
        max_uses=row.max_uses, uses=row.uses, active=row.active,
        category_ids=frozenset(c.id for c in row.categories),
        product_ids=frozenset(p.id for p in row.products),
        per_email_limit=row.per_email_limit, code_id=row.id)


def discount_lines(lines) -> list[rules.DiscountLine]:
    """Cart or order lines (anything with sku, product_id, category_id, line_total_cents)."""
    return [rules.DiscountLine(line.sku, line.product_id, line.category_id, line.line_total_cents)
            for line in lines]


@dataclass(frozen=True)
class CartDiscount:
    """A cart's code as checked now: its terms when usable, else why not."""
    code: str
    terms: rules.DiscountTerms | None
    problem: str


def for_cart(code: str, lines, now: datetime) -> CartDiscount | None:
    """Check the code a cart holds against its lines; None when the cart holds no code."""
    code = normalise(code)
    if not code:
        return None
    row = find(code)
    if row is None:
        return CartDiscount(code, None, f"We don't know the code {code}. Check the spelling.")
    terms = terms_of(row)
    verdict = rules.check(terms, discount_lines(lines), now)
    return CartDiscount(code, terms if verdict.allowed else None, verdict.reason)


def usable_with_a_use_back(code: str, lines, now: datetime) -> bool:
    """Whether the code would pass its checks with one use given back: what closing the
    cart's own open checkout, which holds a use of it, would do."""
    row = find(normalise(code))
    if row is None:
        return False
    terms = terms_of(row)
    terms = replace(terms, uses=max(terms.uses - 1, 0))
    return rules.check(terms, discount_lines(lines), now).allowed


def set_cart_code(cart, code: str, lines, now: datetime) -> str:
    """Put a code on the cart if it can be used on it now; returns the message for the
    customer, raises DiscountRefused (nothing changed) otherwise."""
    checked = for_cart(code, lines, now)
    if checked is None:
        raise DiscountRefused("Enter a discount code.")
    if checked.terms is None:
        raise DiscountRefused(checked.problem)
    cart.discount_code = checked.code
    db.session.commit()
    return f"The code {checked.code} is applied."


def clear_cart_code(cart) -> None:
    cart.discount_code = ""
    db.session.commit()


# --- taking and giving back a use (inside the caller's transaction) ---------------------

def _insert_ignoring_duplicate(table, values: dict, unique_columns: list[str]):
    """INSERT ... ON CONFLICT DO NOTHING on either database."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).values(**values).on_conflict_do_nothing(
        index_elements=unique_columns)


def take_use(terms: rules.DiscountTerms, email: str, now: datetime) -> None:
    """Take one use of the code for an order being placed by `email`, or raise
    DiscountRefused. Two conditional UPDATEs: the code's own limit and dates, then the
    email's limit. The caller's transaction commits or rolls back both with the order."""
    taken = db.session.execute(
        update(DiscountCode)
        .where(DiscountCode.id == terms.code_id, DiscountCode.active.is_(True),
               or_(DiscountCode.max_uses.is_(None), DiscountCode.uses < DiscountCode.max_uses),
               or_(DiscountCode.starts_at.is_(None), DiscountCode.starts_at <= now),
               or_(DiscountCode.ends_at.is_(None), DiscountCode.ends_at > now))
        .values(uses=DiscountCode.uses + 1)
        .execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        raise DiscountRefused(f"The code {terms.code} was just used up or is no longer valid. "
                              "Remove it from your cart to check out without it.")
    if terms.per_email_limit is None:
        return
    email = email.strip().lower()
    db.session.execute(_insert_ignoring_duplicate(
        DiscountEmailUse.__table__, {"discount_code_id": terms.code_id, "email": email, "uses": 0},
        ["discount_code_id", "email"]))
    counted = db.session.execute(
        update(DiscountEmailUse)
        .where(DiscountEmailUse.discount_code_id == terms.code_id, DiscountEmailUse.email == email,
               DiscountEmailUse.uses < terms.per_email_limit)
        .values(uses=DiscountEmailUse.uses + 1)
        .execution_options(synchronize_session=False)).rowcount
    if counted != 1:
        times = "once" if terms.per_email_limit == 1 else f"{terms.per_email_limit} times"
        raise DiscountRefused(f"The code {terms.code} can be used {times} per customer, and "
                              f"{email} already has. Remove it from your cart to check out.")


def give_back_use(code_id: int | None, email: str) -> None:
    """An order closed unpaid: its use of the code returns (never below zero). Called once
    per order, in the transaction whose conditional status change closed it."""
    if code_id is None:
        return
    db.session.execute(update(DiscountCode).where(DiscountCode.id == code_id,
                                                  DiscountCode.uses > 0)
                       .values(uses=DiscountCode.uses - 1)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(DiscountEmailUse)
                       .where(DiscountEmailUse.discount_code_id == code_id,
                              DiscountEmailUse.email == email.strip().lower(),
                              DiscountEmailUse.uses > 0)
                       .values(uses=DiscountEmailUse.uses - 1)
                       .execution_options(synchronize_session=False))


def retake_use(code_id: int | None, email: str) -> None:
    """A payment that arrived after its checkout had closed is honoured: the use it gave
    back is counted again, even past the limit (the customer has paid that price)."""
    if code_id is None:
        return
    db.session.execute(update(DiscountCode).where(DiscountCode.id == code_id)
                       .values(uses=DiscountCode.uses + 1)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(DiscountEmailUse)
                       .where(DiscountEmailUse.discount_code_id == code_id,
                              DiscountEmailUse.email == email.strip().lower())
                       .values(uses=DiscountEmailUse.uses + 1)
                       .execution_options(synchronize_session=False))


# --- managers ------------------------------------------------------------------------

@dataclass(frozen=True)
class CodeValues:
    """A code's settings as the form gives them."""
    code: str
    kind: str
    percent: int
    amount_cents: int
    min_subtotal_cents: int
    starts_at: datetime | None
    ends_at: datetime | None
    max_uses: int | None
    per_email_limit: int | None
    category_ids: list[int]
    product_ids: list[int]
    note: str


def all_codes() -> list[DiscountCode]:
    return db.session.scalars(select(DiscountCode).order_by(DiscountCode.active.desc(),
                                                            DiscountCode.code)).all()


def category_choices() -> list[tuple[int, str]]:
    return [(row.id, row.name) for row in db.session.execute(
        select(Category.id, Category.name).order_by(Category.name)).mappings()]


def product_choices() -> list[tuple[int, str]]:
    return [(row.id, row.name) for row in db.session.execute(
        select(Product.id, Product.name).order_by(Product.name)).mappings()]


def _snapshot(row: DiscountCode) -> dict:
    return {"code": row.code, "kind": row.kind, "percent": row.percent,
            "amount_cents": row.amount_cents, "min_subtotal_cents": row.min_subtotal_cents,
            "starts_at": row.starts_at.isoformat() if row.starts_at else None,
            "ends_at": row.ends_at.isoformat() if row.ends_at else None,
            "max_uses": row.max_uses, "per_email_limit": row.per_email_limit,
            "active": row.active, "categories": sorted(c.id for c in row.categories),
            "products": sorted(p.id for p in row.products)}


def _fill(row: DiscountCode, values: CodeValues) -> None:
    row.kind = values.kind
    row.percent = values.percent if values.kind == rules.PERCENT else 0
    row.amount_cents = values.amount_cents if values.kind == rules.FIXED else 0
    row.min_subtotal_cents = values.min_subtotal_cents
    row.starts_at, row.ends_at = values.starts_at, values.ends_at
    row.max_uses, row.per_email_limit = values.max_uses, values.per_email_limit
    row.note = values.note
    row.categories = db.session.scalars(select(Category).where(
        Category.id.in_(values.category_ids))).all() if values.category_ids else []
    row.products = db.session.scalars(select(Product).where(
        Product.id.in_(values.product_ids))).all() if values.product_ids else []


def create_code(values: CodeValues, actor: str) -> DiscountCode:
    """Add a code; raises DiscountRefused when the code is taken."""
    code = normalise(values.code)
    if find(code) is not None:
        raise DiscountRefused(f"There is already a code {code}; choose another.")
    row = DiscountCode(code=code, uses=0, active=True, created_by=actor)
    _fill(row, values)
    db.session.add(row)
    db.session.flush()
    accounts.record(actor, "discount_created", "discount_code", row.code, after=_snapshot(row))
    db.session.commit()
    return row


def update_code(code_id: int, values: CodeValues, actor: str) -> DiscountCode:
    """Change a code's terms (its text and its use counter stay)."""
    row = db.session.get(DiscountCode, code_id)
    if row is None:
        raise DiscountRefused("There is no such discount code.")
    before = _snapshot(row)
    _fill(row, values)
    accounts.record(actor, "discount_changed", "discount_code", row.code, before=before,
                    after=_snapshot(row))
    db.session.commit()
    return row


def set_active(code_id: int, active: bool, actor: str) -> DiscountCode:
    """Deactivate (or reactivate) a code: a conditional change, audited once."""
    row = db.session.get(DiscountCode, code_id)
    if row is None:
        raise DiscountRefused("There is no such discount code.")
    changed = db.session.execute(update(DiscountCode).where(
        and_(DiscountCode.id == code_id, DiscountCode.active.is_(not active)))
        .values(active=active).execution_options(synchronize_session=False)).rowcount
    if changed:
        accounts.record(actor, "discount_activated" if active else "discount_deactivated",
                        "discount_code", row.code, before={"active": not active},
                        after={"active": active})
    db.session.commit()
    db.session.refresh(row)
    return row
