"""Stock use cases for staff: the stock list, a variant's ledger, receiving, adjusting, thresholds.

On-hand stock changes only through `shop.orders.service.change_on_hand`: one
conditional UPDATE that the database decides (`on_hand = on_hand + d WHERE
on_hand + d >= reserved`), never read-then-write, so concurrent changes can
neither push stock below zero nor below what open checkouts hold. Each change adds a ledger row (StockMovement)
and an audit row with the on-hand before and after, in the same transaction.
"""
from dataclasses import dataclass
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from shop.accounts import service as accounts
from shop.catalog.models import Product, StockMovement, Variant
from shop.extensions import db
from shop.orders import service as orders
from shop.orders.models import Order
from shop.pagination import Page, paginate
from shop.web_cache import versions

ADJUST_REASONS = {
    "count_correction": "Count correction",
    "damaged": "Damaged",
    "returned": "Returned by a customer",
}
PAGE_SIZE = 100  # variants per page: a stock count walks the whole list
LEDGER_LIMIT = 200


class StockError(Exception):
    """A stock change the shop refuses; the message is for staff."""


class UnknownVariant(StockError):
    """No variant with that id."""


@dataclass(frozen=True)
class StockRow:
    variant_id: int
    sku: str
    product: str
    option: str
    on_hand: int
    reserved: int
    threshold: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def low(self) -> bool:
        return self.available <= self.threshold


@dataclass(frozen=True)
class LedgerRow:
    movement: StockMovement
    order_number: str | None


@dataclass(frozen=True)
class VariantStock:
    variant: Variant
    ledger: list[LedgerRow]
    ledger_count: int
    ledger_sum: int


def _stock_query(search: str, low_only: bool):
    available = Variant.on_hand - Variant.reserved
    query = (select(Variant.id.label("variant_id"), Variant.sku, Product.name.label("product"),
                    Variant.option_value.label("option"), Variant.on_hand, Variant.reserved,
                    Variant.low_stock_threshold.label("threshold"))
             .join(Product, Product.id == Variant.product_id))
    if search:
        needle = search.lower()
        query = query.where(or_(func.lower(Variant.sku).contains(needle, autoescape=True),
                                func.lower(Product.name).contains(needle, autoescape=True),
                                func.lower(Variant.option_value).contains(needle, autoescape=True)))
    if low_only:
        query = query.where(available <= Variant.low_stock_threshold)
    return query


def _stock_row(row) -> StockRow:
    """A StockRow from a row of `_stock_query`, whose columns are labelled by field name."""
    return StockRow(**row._mapping)


def stock_page(search: str = "", low_only: bool = False, page: int = 1) -> Page:
    """One page of variants (StockRow) with their numbers (two queries whatever the page size)."""
    query = _stock_query(search, low_only).order_by(Product.name, Variant.position, Variant.sku)
    return paginate(query, page, PAGE_SIZE, build=_stock_row)


def stock_sheet() -> list[StockRow]:
    """Every variant in SKU order, for the printed stock count (one query)."""
    rows = db.session.execute(_stock_query("", False).order_by(Variant.sku)).all()
    return [_stock_row(row) for row in rows]


def variant_stock(variant_id: int) -> VariantStock | None:
    """A variant with its product and its newest ledger rows, each with its order number."""
    variant = db.session.get(Variant, variant_id, options=[joinedload(Variant.product)])
    if variant is None:
        return None
    rows = db.session.execute(
        select(StockMovement, Order.number)
        .outerjoin(Order, Order.id == StockMovement.order_id)
        .where(StockMovement.variant_id == variant_id)
        .order_by(StockMovement.id.desc()).limit(LEDGER_LIMIT)).all()
    count, total = db.session.execute(
        select(func.count(StockMovement.id), func.coalesce(func.sum(StockMovement.delta), 0))
        .where(StockMovement.variant_id == variant_id)).one()
    return VariantStock(variant, [LedgerRow(m, number) for m, number in rows], count, int(total))


def _change_on_hand(variant_id: int, delta: int, reason: str, actor: str, note: str,
                    order_id: int | None = None) -> tuple[int, int]:
    """`shop.orders.service.change_on_hand`, raising StockError (the rollback left to the
    use case) when refused. Returns (before, after)."""
    after = orders.change_on_hand(variant_id, delta, reason, actor, note, order_id=order_id)
    if after is None:
        why = orders.refusal(variant_id, delta)
        if why is None:
            raise UnknownVariant("There is no such variant.")
        raise StockError(why)
    return after - delta, after


def _audit_stock(actor: str, action: str, variant_id: int, before: int, after: int,
                 note: str) -> None:
    accounts.record(actor, action, "variant", variant_id, before={"on_hand": before},
                    after={"on_hand": after}, note=note)


def receive(variant_id: int, quantity: int, note: str, actor: str) -> tuple[int, int]:
    """Goods in from a supplier: on-hand grows by `quantity`. Returns (before, after)."""
    if quantity <= 0:
        raise StockError("Quantity received must be more than zero.")
    try:
        before, after = _change_on_hand(variant_id, quantity, "received", actor, note)
    except StockError:
        db.session.rollback()
        raise
    _audit_stock(actor, "stock_received", variant_id, before, after, note)
    db.session.commit()
    versions.stock_moved([(variant_id, quantity)])
    return before, after


def adjust(variant_id: int, delta: int, reason: str, note: str, actor: str) -> tuple[int, int]:
    """A correction after a count, damage or a customer return. Returns (before, after)."""
    if reason not in ADJUST_REASONS:
        raise StockError(f"Reason must be one of: {', '.join(ADJUST_REASONS)}.")
    if delta == 0:
        raise StockError("An adjustment must change the stock by at least one unit.")
    if not note.strip():
        raise StockError("Say why in the note.")
    try:
        before, after = _change_on_hand(variant_id, delta, reason, actor, note)
    except StockError:
        db.session.rollback()
        raise
    _audit_stock(actor, "stock_adjusted", variant_id, before, after, f"{reason}: {note}")
    db.session.commit()
    versions.stock_moved([(variant_id, delta)])
    return before, after


def set_threshold(variant_id: int, threshold: int, actor: str) -> None:
    """The level at or below which the variant counts as low stock."""
    variant = db.session.get(Variant, variant_id)
    if variant is None:
        raise UnknownVariant("There is no such variant.")
    if threshold < 0:
        raise StockError("The threshold can't be negative.")
    before = variant.low_stock_threshold
    variant.low_stock_threshold = threshold
    accounts.record(actor, "stock_threshold_changed", "variant", variant_id,
                    before={"low_stock_threshold": before},
                    after={"low_stock_threshold": threshold})
    db.session.commit()


def put_back_order_stock(order: Order, actor: str, reason: str = "cancelled") -> None:
    """Return a paid order's sold units to the shelf, inside the caller's transaction
    (the lines `shop.orders.service.sell_lines` took them for). After its commit, the
    caller calls `shop.web_cache.versions.stock_moved(order_stock_changes(order))`."""
    for line in order.lines:
        if line.variant_id is None:
            continue
        _change_on_hand(line.variant_id, line.quantity, reason, actor,
                        f"Order {order.number} {reason}", order_id=order.id)


def order_stock_changes(order: Order) -> list[tuple[int, int]]:
    """(variant id, units) of each line `put_back_order_stock` returns to the shelf."""
    return [(line.variant_id, line.quantity) for line in order.lines
            if line.variant_id is not None]
