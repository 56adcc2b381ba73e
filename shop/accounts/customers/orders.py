"""A customer's orders: history, one order, cancelling it before it is packed, buying again.

An account's orders are the orders placed with its email, once that email is verified:
guest orders made earlier with it appear as soon as the customer proves they read that
inbox, and orders placed while signed in carry the account's email. No order row
names an account, so deleting the account leaves every order as it was.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.accounts.customers.models import Customer
from shop.backoffice import order_payments
from shop.backoffice.fulfilment import FulfilmentError
from shop.cart import service as cart_service
from shop.catalog.models import Variant
from shop.database import utcnow
from shop.extensions import db
from shop.orders import service as orders
from shop.orders.models import Order, Refund
from shop.orders.presenters import STATUS_LABELS
from shop.pagination import Page, paginate
from shop.payments import gateway, refunds

PAGE_SIZE = 10
# Until it is packed, a customer may cancel: nothing has been done to it in the warehouse.
SELF_CANCELLABLE = ("pending_payment", "paid")
HIDDEN = ("expired",)  # checkouts abandoned before paying: not orders to the customer
CANCEL_PURPOSE = "cancel"
# A cancellation whose refund was sent this recently is still being made by its request.
IN_FLIGHT = timedelta(seconds=30)


class OrderNotFound(Exception):
    """No order with that number on this account."""


class CancelRefused(Exception):
    """The order cannot be cancelled by the customer now; the message says why."""


@dataclass(frozen=True)
class OrderRow:
    """One order in the account's history."""
    number: str
    created_at: datetime
    status: str
    status_label: str
    total_cents: int
    items: int
    carrier: str
    tracking_number: str
    tracking_url: str
    cancellable: bool


def _mine(customer: Customer):
    return select(Order).where(Order.email == customer.email, Order.status.not_in(HIDDEN))


def history(customer: Customer, page: int = 1) -> Page:
    """One page of the account's orders, newest first; empty until the email is verified."""
    query = (_mine(customer).options(selectinload(Order.lines))
             .order_by(Order.created_at.desc(), Order.id.desc()))
    if not customer.verified:
        query = query.where(False)

    def build(row) -> OrderRow:
        order = row[0]
        return OrderRow(order.number, order.created_at, order.status,
                        STATUS_LABELS.get(order.status, order.status), order.total_cents,
                        sum(line.quantity for line in order.lines), order.carrier,
                        order.tracking_number, order.tracking_url,
                        order.status in SELF_CANCELLABLE)
    return paginate(query, page, PAGE_SIZE, build=build)


def owned_order(customer: Customer, number: str) -> Order:
    """The account's order with this number; OrderNotFound for any other (or unverified)."""
    if not customer.verified:
        raise OrderNotFound(number)
    order = db.session.scalar(_mine(customer).where(Order.number == number))
    if order is None:
        raise OrderNotFound(number)
    return order


def actor(customer: Customer) -> str:
    """How history and audit rows name the customer: no personal data, so they can stay
    after the account is deleted."""
    return f"customer #{customer.id}"


def _cancel_in_flight(order: Order) -> bool:
    """A cancellation refund of this order sent moments ago by another request."""
    recent = utcnow() - IN_FLIGHT
    return any(r.status == "pending" and r.created_at > recent
               for r in refunds.refunds_for(order, CANCEL_PURPOSE))


def cancel(customer: Customer, number: str, client: gateway.StripeClient) -> Order:
    """Cancel the customer's order while it is not packed: the back office's cancellation
    (`order_payments.cancel`) refunds what was paid, puts the stock back and emails the
    customer. Asking again for a cancelled order changes nothing (it is returned as is).

    The order row is locked first (PostgreSQL), so a double submit waits for the first
    one to claim the refund, then sees it and stops; a packed order is refused."""
    order = owned_order(customer, number)
    order = db.session.scalar(select(Order).where(Order.id == order.id)
                              .with_for_update().execution_options(populate_existing=True))
    if order.status == "cancelled":
        db.session.rollback()
        return order
    if order.status not in SELF_CANCELLABLE:
        db.session.rollback()
        raise CancelRefused(_refusal(order))
    if _cancel_in_flight(order):
        db.session.rollback()
        raise CancelRefused(f"Order {number} is being cancelled right now; reload this page "
                            "in a minute.")
    try:
        return order_payments.cancel(number, "Cancelled by the customer", client,
                                     actor(customer), by_manager=True, refuse_packed=True)
    except order_payments.PackedMeanwhile:
        db.session.rollback()
        raise CancelRefused(f"Order {number} was packed while we were cancelling it. Your "
                            "payment is refunded in full and the order will not be sent; "
                            "banks take a few days to show the refund.") from None
    except (FulfilmentError, refunds.RefundError):
        db.session.rollback()
        order = db.session.get(Order, order.id, populate_existing=True)
        if order.status == "cancelled":  # another request finished it meanwhile
            return order
        if orders.refunded_in_full(order):  # the refund was sent; Stripe's answer is pending
            raise CancelRefused(f"We are cancelling order {number}: your refund was sent and "
                                "we are waiting for the payment provider's answer. The order "
                                "is on hold and will not be packed meanwhile. Check this page "
                                "again in a few minutes; if it still shows the order as paid, "
                                "please contact us.") from None
        raise CancelRefused(f"We couldn't cancel order {number} just now; nothing was "
                            "charged or changed by this try. Please try again in a few "
                            "minutes, or contact us.") from None


def _refusal(order: Order) -> str:
    label = STATUS_LABELS.get(order.status, order.status).lower()
    if order.status in ("packed", "shipped", "delivered"):
        return (f"Order {order.number} is already {label}, so it can no longer be cancelled. "
                "Once it has arrived, you can ask for a return from its order page.")
    return f"Order {order.number} is {label}; it cannot be cancelled. Nothing was changed."


@dataclass(frozen=True)
class BuyAgain:
    """What buying an order again put in the cart, and what it could not."""
    added: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    cart: cart_service.CartKey | None = None
    count: int = 0


def buy_again(customer: Customer, number: str, cart_token: str | None) -> BuyAgain:
    """Add the order's still-sold variants to the cart through the cart service, each line
    on its own (one line out of stock does not stop the others)."""
    order = owned_order(customer, number)
    lines = [(line.name, line.option, line.variant_id, line.quantity) for line in order.lines]
    skus = dict(db.session.execute(
        select(Variant.id, Variant.sku).where(
            Variant.id.in_([v for _, _, v, _ in lines if v is not None]))).all())
    added, missing, cart, count = [], [], None, 0
    for name, option, variant_id, quantity in lines:
        title = f"{name} ({option})" if option else name
        sku = skus.get(variant_id)
        if sku is None:
            missing.append(f"{title} is no longer sold.")
            continue
        try:
            result = cart_service.add_to_cart(cart.token if cart else cart_token, sku, quantity)
        except cart_service.CartError as error:
            missing.append(f"{title}: {error}")
            continue
        added.append(f"{quantity} \u00d7 {title}")
        cart, count = result.cart, result.count
    return BuyAgain(added, missing, cart, count)
