"""Place an order from a cart, then hand the customer to Stripe Checkout.

`place_order` is one transaction: the order (pending payment) with lines copied
from the catalog, and stock reserved by conditional updates. `start_payment`
creates the Checkout Session; if Stripe cannot be reached the order is
cancelled and its reservation released, so nothing is left hanging.
"""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from shop.cart import service as cart_service
from shop.cart.models import Cart
from shop.catalog.models import Category, Product, Variant
from shop.database import commit_keeping_loaded, utcnow
from shop.discounts import service as discounts
from shop.extensions import db
from shop.orders import service as orders
from shop.orders.models import Order, OrderLine
from shop.payments import gateway, service as payments
from shop.rules import delivery, discounts as discount_rules, returns, shipping, warranty
from shop.web_cache import versions

log = logging.getLogger(__name__)

RESERVATION_MINUTES = 30
# Stripe Tax product tax codes: general tangible goods, and shipping.
GOODS_TAX_CODE = "txcd_99999999"
SHIPPING_TAX_CODE = "txcd_92010001"
# Stripe wants a session to live at least 30 minutes from its creation; a minute of margin.
SESSION_MINUTES = 31
CARD_ONLY = ("card",)


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


def _catalog_facts(variant_ids: list[int]) -> dict[int, dict]:
    """Per variant id: warranty_kind, warranty_overrides, final_sale, slug (one query)."""
    rows = db.session.execute(
        select(Variant.id.label("variant_id"), Category.warranty_kind,
               Product.warranty_overrides, Product.final_sale, Product.slug)
        .join(Product, Product.id == Variant.product_id)
        .join(Category, Category.id == Product.category_id)
        .where(Variant.id.in_(variant_ids))
    ).mappings().all()
    return {row["variant_id"]: row for row in rows}


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
    cart = db.session.get(Cart, cart_id)  # loaded already by the caller: no query
    code = cart.discount_code if cart is not None else ""
    summary = cart_service.summarise(lines, destination, now, shipping_config, delivery_config,
                                     discount_code=code)
    if _held_by_its_open_checkout(cart_id, lines, summary, code, now):
        raise OpenCheckoutExists(IN_PROGRESS)  # the caller closes it, then tries again
    if summary.problems:
        raise CheckoutError(summary.problems[0])
    if summary.discount_problem:
        raise CheckoutError(f"{summary.discount_problem} Remove the code in your cart to check "
                            "out without it.")
    if not summary.quote.served:
        problems = " ".join(p.reason for p in summary.quote.problems)
        raise CheckoutError(f"{summary.quote.reason}. {problems}".strip())
    chosen = summary.option(details.shipping_method)
    if chosen is None:
        raise CheckoutError("Please choose one of the shipping methods offered for your address.")

    if summary.charge_problem(chosen.option):  # refused here, not by Stripe later
        raise CheckoutError(f"{summary.charge_problem(chosen.option)} You can remove the code "
                            "in your cart.")

    facts = _catalog_facts([line.variant_id for line in lines])
    discount = summary.discount_for(chosen.option)
    terms = summary.discount.terms if summary.discount else None
    # the shipping each line paid: its share, less what a free-shipping code freed of it
    shipping_by_sku = {sku: share - discount.shipping_by_line.get(sku, 0)
                       for sku, share in discount_rules.shipping_shares(chosen.option).items()}
    order = Order(
        number=orders.new_order_number(), status="pending_payment",
        email=details.email.strip().lower(), name=details.name, phone=details.phone,
        address1=details.address1, address2=details.address2, city=details.city,
        region=details.region, postal_code=details.postal_code, country=details.country,
        shipping_method=chosen.option.method, shipping_label=chosen.option.label,
        discreet=details.discreet, note=details.note,
        subtotal_cents=summary.subtotal_cents, shipping_cents=chosen.option.total_cents,
        discount_cents=discount.total_cents, shipping_discount_cents=discount.shipping_cents,
        discount_code=discount.code, discount_code_id=terms.code_id if terms else None,
        tax_cents=0, shipping_tax_cents=0,  # Stripe computes the tax at payment
        total_cents=summary.total_before_tax(chosen.option),
        delivery_promise=chosen.promise.to_dict(), cart_id=cart_id, created_at=now,
        reservation_expires_at=now + timedelta(minutes=RESERVATION_MINUTES),
    )
    db.session.add(order)
    for line in lines:
        fact = facts[line.variant_id]
        order.lines.append(OrderLine(
            variant_id=line.variant_id, product_slug=fact["slug"], sku=line.sku, name=line.name,
            option=line.option, quantity=line.quantity, unit_price_cents=line.unit_price_cents,
            weight_g=line.weight_g,
            shipping_class=shipping.item_shipping_class(line.ship_item(), shipping_config),
            shipping_cents=shipping_by_sku.get(line.sku, 0),
            discount_cents=discount.by_line.get(line.sku, 0), tax_cents=0,
            warranty_terms=warranty.terms_to_dicts(
                warranty.product_terms(fact["warranty_kind"], fact["warranty_overrides"])),
            final_sale=bool(fact["final_sale"]),
            return_window_days=return_policy.window_days,
        ))
    try:
        db.session.flush()  # the one-pending-order-per-cart index refuses a second one here
        for line in lines:
            orders.reserve_line(line.variant_id, line.quantity, line.name)
        if terms is not None:  # the use is taken now, while the order waits for payment
            discounts.take_use(terms, order.email, now)
        orders.record_status(order, "pending_payment", actor="customer")
        commit_keeping_loaded(db.session())
    except orders.OutOfStock as error:
        db.session.rollback()
        raise CheckoutError(str(error)) from None
    except discounts.DiscountRefused as error:
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


def _held_by_its_open_checkout(cart_id: int, lines, summary, code: str, now: datetime) -> bool:
    """The cart's own open checkout holds what this checkout finds short: its stock, or
    the last use of its code. Closing it gives them back (other problems it would not fix,
    and the customer may be paying that checkout in another tab)."""
    short = any(line.over_stock for line in lines)
    if not short and not summary.discount_problem:
        return False
    open_order = _open_checkout(cart_id)
    if open_order is None:
        return False
    return short or (open_order.discount_code_id is not None
                     and discounts.normalise(open_order.discount_code) == discounts.normalise(code)
                     and discounts.usable_with_a_use_back(code, lines, now))


def _open_checkout(cart_id: int) -> Order | None:
    """The cart's order waiting for payment, if any (at most one: a unique index)."""
    return db.session.scalar(select(Order).where(Order.cart_id == cart_id,
                                                 Order.status == "pending_payment"))


def close_open_checkout(cart_id: int, client: gateway.StripeClient, now: datetime) -> Order | None:
    """Before a cart's new checkout, close its open one (a cart has at most one).

    Its Checkout Session is expired at Stripe first, so it can no longer be paid, and only
    then is the order cancelled and its stock released. Returns the order if that session
    turned out to be paid (it is fulfilled, and no new checkout should start). Raises
    CheckoutInProgress while another request is still starting it, and CheckoutError if
    Stripe can't be reached (nothing is changed: the open checkout stays as it was).
    """
    order = _open_checkout(cart_id)
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


def payment_line_items(order: Order) -> list[gateway.LineItem]:
    """What Stripe charges before tax: each order line at its discounted price, plus shipping,
    all priced by us.

    A discount goes into the line prices (not a Stripe coupon): Stripe Tax then taxes
    exactly the amounts we charge, line by line (a coupon would be spread by Stripe over
    every line, shipping included, in its own rounding), and the sum of the lines is our
    total to the cent. A line whose discount does not divide evenly over its units is sent
    as two line items, some units a cent dearer (`discounts.payment_units`)."""
    items = []
    for line in order.lines:
        name = f"{line.name} {line.option}".strip()
        if line.discount_cents:
            name = f"{name} (code {order.discount_code})"
        for unit_amount, units in discount_rules.payment_units(
                line.unit_price_cents, line.quantity, line.discount_cents):
            items.append(gateway.LineItem(name, unit_amount, units, tax_code=GOODS_TAX_CODE,
                                          ref=f"line-{line.id}"))
    shipping_due = order.shipping_cents - order.shipping_discount_cents
    if shipping_due:
        items.append(gateway.LineItem(f"Shipping: {order.shipping_label}", shipping_due, 1,
                                      tax_code=SHIPPING_TAX_CODE, ref="shipping"))
    return items


def tax_address(order: Order) -> gateway.ShippingAddress:
    """Where the order ships: the address Stripe Tax computes the tax for."""
    return gateway.ShippingAddress(
        name=order.name, line1=order.address1, line2=order.address2, city=order.city,
        state=order.region, postal_code=order.postal_code, country=order.country)


def start_payment(order: Order, client: gateway.StripeClient, *, success_url: str,
                  cancel_url: str, payment_methods: tuple[str, ...],
                  automatic_tax: bool = True) -> str:
    """Create the Checkout Session and return its URL; on failure release the order.

    With `automatic_tax`, a Stripe Customer holding the shipping address is created first
    (Checkout computes tax for an existing customer's shipping address) and Stripe Tax adds
    the sales tax to our tax-exclusive prices; the tax is read back at fulfilment. The
    reservation is extended to the session's own expiry, so stock is held exactly as long
    as the customer can still pay.
    """
    expires_at = utcnow() + timedelta(minutes=SESSION_MINUTES)
    _write_order(order, reservation_expires_at=max(order.reservation_expires_at, expires_at))

    def create_session(methods: tuple[str, ...], key: str) -> gateway.CheckoutSession:
        return client.create_checkout_session(
            order_ref=order.number, line_items=payment_line_items(order),
            customer_email=order.email, success_url=success_url, cancel_url=cancel_url,
            expires_at=int(expires_at.timestamp()), payment_method_types=methods,
            idempotency_key=key, metadata={"order_number": order.number},
            customer_id=customer_id, automatic_tax=automatic_tax)

    try:
        customer_id = client.create_customer(
            email=order.email, shipping=tax_address(order),
            idempotency_key=f"checkout-customer-{order.number}") if automatic_tax else None
        try:
            session = create_session(payment_methods, f"checkout-session-{order.number}")
        except gateway.PaymentError as error:
            if not (_refused_by_provider(error) and payment_methods != CARD_ONLY):
                raise
            # Financing (Affirm, Klarna) is switched on in the seller's Stripe account, not
            # here: when Stripe refuses a session offering it, the customer may still pay by
            # card. Stripe said no, so no session exists: a new key for the new request.
            log.warning("order %s: Stripe refused a checkout with %s (%s); offering card only",
                        order.number, ", ".join(payment_methods), error.message)
            session = create_session(CARD_ONLY, f"checkout-session-{order.number}-card")
    except gateway.PaymentError as error:
        if _refused_by_provider(error):
            cancel_unpaid(order, note=f"Payment provider refused the checkout: {error.message}")
            raise CheckoutError(f"Our payment provider refused this checkout: {error.message} "
                                "Nothing was charged and your items were released.") from None
        cancel_unpaid(order, note="Payment provider could not be reached")
        raise CheckoutError("We couldn't reach our payment provider, so nothing was charged and "
                            "your items were released. Please try again in a minute.") from None
    _write_order(order, stripe_session_id=session.id)
    return session.url


def _refused_by_provider(error: gateway.PaymentError) -> bool:
    """Whether the provider answered and said no (a card error or an invalid request, e.g. a
    total below its minimum charge), rather than being unreachable or failing."""
    return isinstance(error, gateway.PaymentDeclined) or (
        isinstance(error, gateway.GatewayError) and error.http_status in (400, 402))


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
    discounts.give_back_use(order.discount_code_id, order.email)
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
