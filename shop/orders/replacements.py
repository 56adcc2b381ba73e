"""Replacement orders: a free unit sent for a return or a warranty claim.

A replacement is its own order (paid, nothing to pay) that goes through packing and
shipping like any other, to the original address by the original method, so the
original order keeps its own delivery date (and with it its return window and
warranty). Its stock is taken through `shop.orders.service.change_on_hand`, like
every other stock change that belongs to an order.
"""
from dataclasses import dataclass

from sqlalchemy import select

from shop import clock
from shop.catalog.models import Variant
from shop.extensions import db
from shop.orders import service as orders
from shop.orders.models import Order, OrderLine
from shop.rules import delivery


class CannotReplace(Exception):
    """No replacement can be sent from stock; the message says why, for staff."""


@dataclass(frozen=True)
class Replacement:
    line: OrderLine     # the zero-price copy of the line replaced
    order: Order        # the replacement order it ships on
    on_hand: int        # the variant's on-hand after the unit(s) were taken


def available_units(variant_id: int | None) -> int | None:
    """On hand minus reserved, or None for an item no longer in the catalog."""
    if variant_id is None:
        return None
    return db.session.scalar(select(Variant.on_hand - Variant.reserved)
                             .where(Variant.id == variant_id))


def send_replacement(order: Order, line: OrderLine, quantity: int, actor: str, note: str,
                     return_id: int | None = None) -> Replacement:
    """A zero-price copy of `line` on a new replacement order, its stock taken by a
    conditional UPDATE; raises CannotReplace otherwise. The caller commits or rolls back."""
    if line.variant_id is None:
        raise CannotReplace(f"{line.sku} is no longer in the catalog, so no replacement can be "
                            "sent from stock.")
    shipment = _replacement_order(order, actor, note)
    on_hand = orders.change_on_hand(line.variant_id, -quantity, "replacement", actor,
                                    f"{note}; order {order.number}", order_id=shipment.id,
                                    return_id=return_id)
    if on_hand is None:
        available = available_units(line.variant_id) or 0
        raise CannotReplace(f"Not enough {line.name} ({line.sku}) in stock for a replacement: "
                            f"{quantity} needed, {max(available, 0)} available. Nothing was "
                            "changed.")
    replacement = OrderLine(
        order_id=shipment.id, variant_id=line.variant_id, product_slug=line.product_slug,
        sku=line.sku, name=line.name, option=line.option, quantity=quantity, unit_price_cents=0,
        weight_g=line.weight_g, shipping_class=line.shipping_class, shipping_cents=0,
        warranty_terms=list(line.warranty_terms or []), final_sale=line.final_sale,
        return_window_days=line.return_window_days, is_replacement=True)
    db.session.add(replacement)
    db.session.flush()
    return Replacement(replacement, shipment, on_hand)


def _replacement_order(order: Order, actor: str, note: str) -> Order:
    """A paid, zero-total order to the original's address, waiting to be packed."""
    now = clock.now()
    method = order.shipping_method
    try:
        promise = delivery.order_delivery_window(now, method.split("+")).to_dict()
    except ValueError:  # a method the calendar no longer knows: staff still see the order
        promise = {"method": method}
    shipment = Order(
        number=orders.new_order_number(), status="paid", email=order.email,
        name=order.name, phone=order.phone, address1=order.address1, address2=order.address2,
        city=order.city, region=order.region, postal_code=order.postal_code,
        country=order.country, shipping_method=method, shipping_label=order.shipping_label,
        discreet=order.discreet, note=f"{note} (order {order.number})"[:1000],
        subtotal_cents=0, shipping_cents=0, total_cents=0, captured_cents=0,
        delivery_promise=promise, created_at=now, paid_at=now, replacement_for_id=order.id)
    db.session.add(shipment)
    db.session.flush()
    orders.record_status(shipment, "paid", actor=actor,
                         note=f"Replacement for order {order.number}: nothing to pay")
    return shipment
