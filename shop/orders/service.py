"""Order use cases shared by checkout, payments and staff: numbers, history, stock moves.

Every stock change here is a conditional UPDATE decided by the database, so two
workers can never reserve, sell or release the same unit twice.
"""
import secrets

from sqlalchemy import or_, select, update

from shop.catalog.models import StockMovement, Variant
from shop.engagement import restock
from shop.extensions import db
from shop.orders.models import Order, OrderLine, OrderStatusChange

NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: easy to read aloud


class OutOfStock(Exception):
    """Not enough sellable stock for a line; the message names the product."""


def new_order_number() -> str:
    """A number customers can read aloud, like IO-7K3M-9QX2 (31^8 possibilities)."""
    chars = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))
    return f"IO-{chars[:4]}-{chars[4:]}"


def normalise_order_number(text: str) -> str:
    """Accept what a customer types: lower case, spaces, missing dashes."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    if raw.startswith("IO"):
        raw = raw[2:]
    return f"IO-{raw[:4]}-{raw[4:8]}" if len(raw) == 8 else text.strip().upper()


def record_status(order: Order, status: str, actor: str = "system", note: str = "") -> None:
    db.session.add(OrderStatusChange(order_id=order.id, status=status, actor=actor, note=note))


def reserve_line(variant_id: int, quantity: int, name: str) -> None:
    """Hold `quantity` units for an open checkout, or raise OutOfStock."""
    held = db.session.execute(
        update(Variant)
        .where(Variant.id == variant_id, Variant.on_hand - Variant.reserved >= quantity)
        .values(reserved=Variant.reserved + quantity)
    ).rowcount
    if held != 1:
        raise OutOfStock(f"Sorry, there is not enough {name} left for your order.")


def release_lines(order: Order) -> None:
    """Give back the units an unpaid order was holding."""
    for line in _stock_lines(order):
        db.session.execute(
            update(Variant).where(Variant.id == line.variant_id, Variant.reserved >= line.quantity)
            .values(reserved=Variant.reserved - line.quantity))


def sell_lines(order: Order, actor: str = "stripe") -> None:
    """Turn an order's reservation into a sale: on-hand and reserved both drop, ledger rows added."""
    for line in _stock_lines(order):
        sold = db.session.execute(
            update(Variant)
            .where(Variant.id == line.variant_id, Variant.reserved >= line.quantity,
                   Variant.on_hand >= line.quantity)
            .values(on_hand=Variant.on_hand - line.quantity,
                    reserved=Variant.reserved - line.quantity)
        ).rowcount
        if sold != 1:
            raise OutOfStock(f"Stock for {line.sku} is no longer reserved.")
        db.session.add(StockMovement(variant_id=line.variant_id, delta=-line.quantity,
                                     reason="sale", actor=actor, order_id=order.id,
                                     note=f"Order {order.number}"))


def change_on_hand(variant_id: int, delta: int, reason: str, actor: str, note: str,
                   order_id: int | None = None, return_id: int | None = None) -> int | None:
    """The one way on-hand stock changes outside a sale (goods in, adjustments, cancelled
    orders, returns, replacements): add `delta` with its ledger row, unless the result
    would be less than open checkouts hold (so never below zero). Returns the new
    on-hand, or None when refused or the variant is gone (`refusal` says why); the
    caller commits, then calls `shop.web_cache.versions.stock_moved`."""
    after = db.session.execute(
        update(Variant)
        .where(Variant.id == variant_id, Variant.on_hand + delta >= Variant.reserved)
        .values(on_hand=Variant.on_hand + delta)
        .returning(Variant.on_hand)).scalar_one_or_none()
    if after is not None:
        db.session.add(StockMovement(variant_id=variant_id, delta=delta, reason=reason,
                                     actor=actor, order_id=order_id, return_id=return_id,
                                     note=note[:300]))
        restock.stock_received(variant_id, delta)  # back-in-stock emails, once, in this transaction
    return after


def refusal(variant_id: int, delta: int) -> str | None:
    """Why `change_on_hand(variant_id, delta, ...)` was refused, for staff; None when the
    variant is gone."""
    variant = db.session.get(Variant, variant_id)
    if variant is None:
        return None
    would_be = variant.on_hand + delta
    if would_be < 0:
        return (f"Refused: {variant.sku} has {variant.on_hand} on hand, so removing "
                f"{-delta} would leave {would_be}. Nothing was changed.")
    return (f"Refused: {variant.sku} would have {would_be} on hand, fewer than the "
            f"{variant.reserved} held by open checkouts. Nothing was changed.")


def _stock_lines(order: Order) -> list[OrderLine]:
    return [line for line in order.lines if line.variant_id is not None]


def held_units(order: Order) -> list[tuple[int, int]]:
    """(variant id, units) the order's lines hold: what `release_lines` gives back, for
    `shop.web_cache.versions.stock_moved` once the caller has committed."""
    return [(line.variant_id, line.quantity) for line in _stock_lines(order)]


def transition(order_id: int, from_statuses: tuple[str, ...], to_status: str, *conditions,
               **values) -> bool:
    """Move an order to `to_status` only if it is still in one of `from_statuses` (and meets
    `conditions`, SQL expressions on Order, such as `NOT_REFUNDED_IN_FULL`).

    The database decides: of two workers racing, exactly one sees True.
    """
    return db.session.execute(
        update(Order).where(Order.id == order_id, Order.status.in_(from_statuses), *conditions)
        .values(status=to_status, **values)
    ).rowcount == 1


# A refund claims its amount before Stripe answers (`shop.payments.refunds`): an order whose
# whole payment is claimed, refunded or still pending, is not packed or shipped. (A
# replacement order costs nothing: nothing captured, nothing to refund.)
NOT_REFUNDED_IN_FULL = or_(Order.captured_cents == 0, Order.refunded_cents < Order.captured_cents)


def refunded_in_full(order: Order) -> bool:
    """Its whole payment is refunded or being refunded (the Python side of the condition)."""
    return order.refunded_cents >= order.captured_cents > 0


def find_order(number: str, email: str) -> Order | None:
    """An order by number and email together (case-insensitive email); None otherwise."""
    order = db.session.scalar(select(Order).where(Order.number == normalise_order_number(number)))
    if order is None or order.email.strip().lower() != email.strip().lower():
        return None
    return order
