"""Place an order from a cart, then hand the customer to Stripe Checkout.

`place_order` is one transaction: the order (pending payment) with lines copied
from the catalog, and stock reserved by conditional updates. `start_payment`
creates the Checkout Session; if Stripe cannot be reached the order is
cancelled and its reservation released, so nothing is left hanging.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from shop.cart import service as cart_service
from shop.catalog.models import Category, Product, Variant
from shop.database import commit_keeping_loaded, utcnow
from shop.extensions import db
from shop.orders import service as orders
from shop.orders.models import Order, OrderLine
from shop.payments import gateway, service as payments
from shop.rules import delivery, returns, shipping, warranty
from shop.web_cache import versions

RESERVATION_MINUTES = 30
# Stripe wants a session to live at least 30 minutes from its creation; a minute of margin.
SESSION_MINUTES = 31


class CheckoutError(Exception):
    """Checkout cannot go on; the message is for the customer."""


class CheckoutInProgress(CheckoutError):
    """Another request (a double click, a second tab) is starting this cart's checkout now."""


class OpenCheckoutExists(CheckoutInProgress):
    """The cart already has an open checkout: close it (`close_open_checkout`) and retry."""


IN_PROGRESS = ("Your checkout is already being started in another window or by a double "
               "click. Please wait a moment, then reload your cart.")
# An order still without a Checkout Session this long after it was placed was left by a
# request that died before reaching Stripe: a new submit may close it.
STARTING_GRACE = timedelta(minutes=2)


@dataclass(frozen=True)
class CheckoutDetails:
    email: str
    name: str
    phone: str
    address1: str
    address2: str
    city: str
    region: str
    postal_code: str
    country: str
    shipping_method: str
    discreet: bool
    note: str


def _catalog_facts(variant_ids: list[int]) -> dict[int, tuple]:
    """Per variant: warranty kind, product overrides, final sale, product slug (one query)."""
    rows = db.session.execute(
        select(Variant.id, Category.warranty_kind, Product.warranty_overrides,
               Product.final_sale, Product.slug)
        .join(Product, Product.id == Variant.product_id)
        .join(Category, Category.id == Product.category_id)
        .where(Variant.id.in_(variant_ids))
    ).all()
    return {row[0]: row[1:] for row in rows}


def place_order(cart_id: int, details: CheckoutDetails, now: datetime,
                shipping_config=shipping.DEFAULT_SHIPPING_CONFIG,
                delivery_config=delivery.DEFAULT_DELIVERY_CONFIG,
                return_policy=returns.DEFAULT_RETURN_POLICY,
                lines: list[cart_service.CartLine] | None = None) -> Order:
    """Create the order and reserve its stock in one transaction, or raise CheckoutError.

    `lines` are the lines of cart `cart_id` if the caller has just read them in this
    request (prices and stock come from that read; the reservation itself is a conditional
    update either way). The order is returned still loaded, and so is everything else in
    the session (see `commit_keeping_loaded`): reading the order costs no query.
    """
    lines = cart_service.cart_lines(cart_id) if lines is None else lines
    if not lines:
        raise CheckoutError("Your cart is empty.")
    destination = shipping.Destination(details.country, details.region)
    summary = cart_service.summarise(lines, destination, now, shipping_config, delivery_config)
    if summary.problems:
        raise CheckoutError(summary.problems[0])
    if not summary.quote.served:
        problems = " ".join(p.reason for p in summary.quote.problems)
        raise CheckoutError(f"{summary.quote.reason}. {problems}".strip())
    chosen = summary.option(details.shipping_method)
    if chosen is None:
        raise CheckoutError("Please choose one of the shipping methods offered for your address.")

    facts = _catalog_facts([line.variant_id for line in lines])
    shipping_by_sku = _shipping_by_sku(chosen.option)
    order = Order(
        number=orders.new_order_number(), status="pending_payment",
        email=details.email.strip().lower(), name=details.name, phone=details.phone,
        address1=details.address1, address2=details.address2, city=details.city,
        region=details.region, postal_code=details.postal_code, country=details.country,
        shipping_method=chosen.option.method, shipping_label=chosen.option.label,
        discreet=details.discreet, note=details.note,
        subtotal_cents=summary.subtotal_cents, shipping_cents=chosen.option.total_cents,
        total_cents=summary.subtotal_cents + chosen.option.total_cents,
        delivery_promise=chosen.promise.to_dict(), cart_id=cart_id, created_at=now,
        reservation_expires_at=now + timedelta(minutes=RESERVATION_MINUTES),
    )
    db.session.add(order)
    for line in lines:
        kind, overrides, final_sale, slug = facts[line.variant_id]
        order.lines.append(OrderLine(
            variant_id=line.variant_id, product_slug=slug, sku=line.sku, name=line.name,
            option=line.option, quantity=line.quantity, unit_price_cents=line.unit_price_cents,
            weight_g=line.weight_g,
            shipping_class=shipping.item_shipping_class(line.ship_item(), shipping_config),
            shipping_cents=shipping_by_sku.get(line.sku, 0),
            warranty_terms=warranty.terms_to_dicts(warranty.product_terms(kind, overrides)),
            final_sale=bool(final_sale),
            return_window_days=return_policy.window_days,
        ))
    try:
        db.session.flush()  # the one-pending-order-per-cart index refuses a second one here
        for line in lines:
            orders.reserve_line(line.variant_id, line.quantity, line.name)
        orders.record_status(order, "pending_payment", actor="customer")
        commit_keeping_loaded(db.session())
    except orders.OutOfStock as error:
        db.session.rollback()
        raise CheckoutError(str(error)) from None
    except IntegrityError:
        db.session.rollback()
        raise OpenCheckoutExists(IN_PROGRESS) from None
    # the lines' stock was read with the cart: a line that took its variant's last units may
    # have taken its product out of stock, and listings say so
    versions.products_changed({line.product_slug for line in lines},
                              listings=any(line.available <= line.quantity for line in lines))
    return order


def close_open_checkout(cart_id: int, client: gateway.StripeClient, now: datetime) -> Order | None:
    """Before a cart's new checkout, close its open one (a cart has at most one).

    Its Checkout Session is expired at Stripe first, so it can no longer be paid, and only
    then is the order cancelled and its stock released. Returns the order if that session
    turned out to be paid (it is fulfilled, and no new checkout should start). Raises
    CheckoutInProgress while another request is still starting it, and CheckoutError if
    Stripe can't be reached (nothing is changed: the open checkout stays as it was).
    """
    order = db.session.scalar(select(Order).where(Order.cart_id == cart_id,
                                                  Order.status == "pending_payment"))
    if order is None:
        return None
    if order.stripe_session_id is None and order.created_at > now - STARTING_GRACE:
        raise CheckoutInProgress(IN_PROGRESS)
    if order.stripe_session_id is not None:
        closed = close_session(order.stripe_session_id, client)
        if closed.is_paid:
            payments.fulfil_session(closed, now, client)
            db.session.refresh(order)
            return order
    cancel_unpaid(order, note="Closed by a new checkout of the same cart", actor="customer")
    return None


def close_session(session_id: str, client: gateway.StripeClient) -> gateway.CheckoutSession:
    """Expire a Checkout Session, or read it if it is no longer open (paid or expired).

    Raises CheckoutError when Stripe can't say: then it may still be paid."""
    try:
        return client.expire_checkout_session(session_id)
    except gateway.GatewayUnavailable:
        pass
    except gateway.PaymentError:  # not open any more: find out why
        try:
            session = client.retrieve_checkout_session(session_id)
            if session.status != "open":
                return session
        except gateway.PaymentError:
            pass
    raise CheckoutError("We couldn't reach our payment provider to close your earlier "
                        "checkout, so nothing was changed. Please try again in a minute.")


def _shipping_by_sku(option: shipping.ShippingOption) -> dict[str, int]:
    """Split each shipping line's amount over its items by billable weight (exact in cents)."""
    shares: dict[str, int] = {}
    for line in option.lines:
        weights = [(item.sku, max(1, item.weight_g * item.quantity)) for item in line.items]
        total_weight = sum(w for _, w in weights)
        given = 0
        for index, (sku, weight) in enumerate(weights):
            share = (line.amount_cents - given if index == len(weights) - 1
                     else line.amount_cents * weight // total_weight)
            given += share
            shares[sku] = shares.get(sku, 0) + share
    return shares


def payment_line_items(order: Order) -> list[gateway.LineItem]:
    """What Stripe charges: one line per order line plus shipping, all priced by us."""
    items = [gateway.LineItem(f"{line.name} {line.option}".strip(), line.unit_price_cents,
                              line.quantity) for line in order.lines]
    if order.shipping_cents:
        items.append(gateway.LineItem(f"Shipping: {order.shipping_label}", order.shipping_cents, 1))
    return items


def start_payment(order: Order, client: gateway.StripeClient, *, success_url: str,
                  cancel_url: str, payment_methods: tuple[str, ...]) -> str:
    """Create the Checkout Session and return its URL; on failure release the order.

    The reservation is extended to the session's own expiry, so stock is held
    exactly as long as the customer can still pay.
    """
    expires_at = utcnow() + timedelta(minutes=SESSION_MINUTES)
    _write_order(order, reservation_expires_at=max(order.reservation_expires_at, expires_at))
    try:
        session = client.create_checkout_session(
            order_ref=order.number, line_items=payment_line_items(order),
            customer_email=order.email, success_url=success_url, cancel_url=cancel_url,
            expires_at=int(expires_at.timestamp()),
            payment_method_types=payment_methods,
            idempotency_key=f"checkout-session-{order.number}",
            metadata={"order_number": order.number},
        )
    except gateway.PaymentError:
        cancel_unpaid(order, note="Payment provider could not be reached")
        raise CheckoutError("We couldn't reach our payment provider, so nothing was charged and "
                            "your items were released. Please try again in a minute.") from None
    _write_order(order, stripe_session_id=session.id)
    return session.url


def _write_order(order: Order, **values) -> None:
    """Set and commit columns of the order being paid for, which stays loaded.

    An UPDATE of those columns alone; the loaded order is given the same values as its
    committed state, so nothing reads the order again after the commit."""
    db.session.execute(update(Order).where(Order.id == order.id).values(**values),
                       execution_options={"synchronize_session": False})
    for name, value in values.items():
        set_committed_value(order, name, value)
    commit_keeping_loaded(db.session())


def cancel_unpaid(order: Order, note: str, status: str = "cancelled", actor: str = "system") -> bool:
    """Close an unpaid order and give back its stock; False if it was no longer unpaid."""
    if not orders.transition(order.id, ("pending_payment",), status, reservation_released=True):
        return False
    orders.release_lines(order)
    orders.record_status(order, status, actor=actor, note=note)
    db.session.commit()
    versions.stock_moved(orders.held_units(order))
    return True


def sweep_expired(now: datetime) -> int:
    """Release every unpaid order whose reservation has run out; returns how many."""
    ids = db.session.scalars(
        select(Order.id).where(Order.status == "pending_payment",
                               Order.reservation_expires_at < now)
    ).all()
    released = 0
    for order_id in ids:
        order = db.session.get(Order, order_id)
        released += cancel_unpaid(order, note="Checkout session expired", status="expired")
    return released
