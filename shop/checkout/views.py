"""Checkout pages: the form, the hand-off to Stripe, success and cancel, and the webhook."""
from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   session, url_for)

from shop import clock
from shop.accounts.customers import service as customers
from shop.accounts.customers.sessions import current_customer
from shop.cart import cookie, service as cart_service
from shop.checkout import service
from shop.checkout.forms import CheckoutForm
from shop.extensions import csrf, db
from shop.orders.models import Order
from shop.payments import gateway, service as payments
from shop.payments.client import stripe_client
from shop.rules import regions
from shop.rate_limits import rate_limit, rate_limited

bp = Blueprint("checkout", __name__)


def _summary_for(form: CheckoutForm, cart, lines):
    country = form.country.data or cart.country
    region = regions.region_code(country, form.region.data or cart.region or "")  # "New York": NY
    return cart_service.summarise(lines, cart_service.estimate_destination(country, region),
                                  clock.now(), discount_code=cart.discount_code)


@bp.route("/checkout", methods=["GET", "POST"])
@rate_limited(rate_limit("RATE_LIMIT_CHECKOUT"), methods=["POST"])
# Each started checkout holds stock for up to 30 minutes: bound how many one client starts.
@rate_limited(rate_limit("RATE_LIMIT_CHECKOUT_STARTS"), methods=["POST"], scope="checkout-starts",
              deduct_when=lambda response: response.status_code == 303)
def checkout():
    cart = cart_service.find_cart(cookie.read().token)
    lines = []
    if cart is not None:
        service.sweep_expired(clock.now())  # stock of lapsed checkouts is back on sale
        lines = cart_service.cart_lines(cart.id)
    if not lines:
        flash("Your cart is empty.", "error")
        return redirect(url_for("cart.view"))
    form = _checkout_form(cart)
    summary = _summary_for(form, cart, lines)
    form.shipping_method.choices = [(o.option.method, o.option.label) for o in summary.options]
    status = 200
    if request.method == "POST" and form.validate():
        try:
            return _start_checkout(cart, form, lines)
        except service.CheckoutError as error:
            flash(str(error), "error")
            status = 409 if isinstance(error, service.CheckoutInProgress) else 400
    elif request.method == "POST":
        flash("Please correct the highlighted fields.", "error")
        status = 400
    total = None
    chosen = summary.option(form.shipping_method.data or "") or (summary.options or [None])[0]
    if chosen:
        total = summary.subtotal_cents + chosen.option.total_cents
    return render_template("checkout/checkout.html", form=form, summary=summary, total=total,
                           shipping=chosen.option if chosen else None,
                           financing=(total or 0) >= current_app.config["FINANCING_MIN_CENTS"]), \
        status


ADDRESS_FIELDS = ("name", "phone", "address1", "address2", "city", "region", "postal_code",
                  "country")


def _checkout_form(cart) -> CheckoutForm:
    """The form, started for a signed-in customer from their saved address (the default,
    or `?address=<id>` of theirs) and their account's email, which their order uses."""
    customer = current_customer()
    if customer is None:
        return CheckoutForm(country=cart.country, region=cart.region)
    wanted = request.args.get("address", type=int)
    address = customers.address_for_checkout(
        customer.id, wanted if wanted and 0 < wanted < 2**31 else None)
    saved = {name: getattr(address, name) for name in ADDRESS_FIELDS} if address else {}
    form = CheckoutForm(**{"country": cart.country, "region": cart.region, **saved,
                           "email": customer.email})
    form.email.data = customer.email  # also when posted: orders go to the account's email
    form.email.render_kw = {**(form.email.render_kw or {}), "readonly": True}
    return form


def _start_checkout(cart, form: CheckoutForm, lines):
    """Close the cart's open checkout, place the order, and send the customer to Stripe."""
    try:
        order = service.place_order(cart.id, _details(form), clock.now(), lines=lines)
    except service.OpenCheckoutExists:  # a second submit: close the first checkout, once
        paid = service.close_open_checkout(cart.id, stripe_client(), clock.now())
        if paid is not None:
            return _show_paid(paid)
        # read the cart again: closing gave its hold back, so the stock it read has grown
        order = service.place_order(cart.id, _details(form), clock.now())
    url = service.start_payment(
        order, stripe_client(),
        success_url=url_for("checkout.success", _external=True) + "?session_id={CHECKOUT_SESSION_ID}",
        cancel_url=url_for("checkout.cancel", number=order.number, _external=True),
        payment_methods=_payment_methods(order.total_cents),
    )
    _remember(order.number)
    return redirect(url, code=303)


def _remember(number: str) -> None:
    session["orders"] = (session.get("orders", []) + [number])[-10:]


def _details(form: CheckoutForm) -> service.CheckoutDetails:
    return service.CheckoutDetails(
        email=form.email.data, name=form.name.data.strip(), phone=(form.phone.data or "").strip(),
        address1=form.address1.data.strip(), address2=(form.address2.data or "").strip(),
        city=form.city.data.strip(), region=form.region.data or "",
        postal_code=form.postal_code.data or "", country=form.country.data,
        shipping_method=form.shipping_method.data, discreet=form.discreet.data,
        note=(form.note.data or "").strip())


def _payment_methods(total_cents: int) -> tuple[str, ...]:
    config = current_app.config
    if total_cents >= config["FINANCING_MIN_CENTS"]:
        return tuple(config["FINANCING_PAYMENT_METHODS"])
    return tuple(config["CHECKOUT_PAYMENT_METHODS"])


@bp.get("/checkout/success")
def success():
    """Back from Stripe: ask Stripe about the session and fulfil it (idempotent)."""
    session_id = request.args.get("session_id", "")
    if not session_id.startswith("cs_") or len(session_id) > 255:
        abort(400, description="This link is missing its payment reference.")
    order = db.session.query(Order).filter_by(stripe_session_id=session_id).first()
    if order is None:
        abort(404, description="We couldn't find an order for this payment.")
    _read_payment(order)
    _remember(order.number)
    if order.paid_at is not None:
        flash(f"Thank you! Order {order.number} is paid; a confirmation is on its way to "
              f"{order.email}.")
    else:
        flash("Thank you! Your payment is being confirmed; this page shows the order's status.")
    return _to_order_page(order)


def _read_payment(order: Order) -> gateway.CheckoutSession | None:
    """Ask Stripe about the order's session and fulfil it if paid; None if Stripe can't say."""
    if not order.stripe_session_id:
        return None
    try:
        checkout_session = stripe_client().retrieve_checkout_session(order.stripe_session_id)
    except gateway.PaymentError:
        return None
    if checkout_session.is_paid:
        payments.fulfil_session(checkout_session, clock.now(), stripe_client())
    db.session.refresh(order)
    return checkout_session


def _to_order_page(order: Order):
    response = redirect(url_for("orders.order_page", number=order.number), code=303)
    cart = cart_service.find_cart(cookie.read().token)
    if cart is not None:  # the header count follows the emptied cart
        cookie.write(response, cart, cart_service.count_items(cart.token))
    return response


def _was_charged(order: Order) -> bool:
    return order.paid_at is not None or order.captured_cents > 0 \
        or order.status == "payment_mismatch"


def _show_paid(order: Order):
    _remember(order.number)
    if order.paid_at is not None:
        flash(f"Order {order.number} is paid, so nothing was cancelled; here it is.")
    else:
        flash(f"We received a payment for order {order.number}; this page shows its status.")
    return _to_order_page(order)


def _own_order(number: str) -> Order | None:
    order = db.session.query(Order).filter_by(number=number).first()
    return order if order is not None and number in session.get("orders", []) else None


@bp.get("/checkout/cancel/<number>")
def cancel(number):
    """Back from Stripe's cancel link: read the payment first, then offer to cancel."""
    order = _own_order(number)
    if order is None:
        return redirect(url_for("cart.view"))
    checkout_session = _read_payment(order) if order.status == "pending_payment" else None
    if _was_charged(order):
        return _show_paid(order)
    if order.status != "pending_payment":
        flash("This checkout is already closed; nothing was charged.", "success")
        return redirect(url_for("cart.view"))
    pay_url = checkout_session.url if checkout_session and checkout_session.status == "open" \
        else None
    return render_template("checkout/cancel.html", order=order, pay_url=pay_url)


@bp.post("/checkout/cancel/<number>")
def cancel_checkout(number):
    """Cancel the checkout: close its Stripe session first, so it can't be paid after."""
    order = _own_order(number)
    if order is None:
        abort(404, description="We couldn't find that checkout in this browser.")
    if order.status == "pending_payment":
        try:
            closed = service.close_session(order.stripe_session_id, stripe_client()) \
                if order.stripe_session_id else None
        except service.CheckoutError as error:
            flash(str(error), "error")
            return redirect(url_for("checkout.cancel", number=number), code=303)
        if closed is not None and closed.is_paid:
            payments.fulfil_session(closed, clock.now(), stripe_client())
        elif service.cancel_unpaid(order, note="Customer cancelled the checkout", actor="customer"):
            flash("Checkout cancelled; nothing was charged. Your cart is as you left it.", "success")
        db.session.refresh(order)
    if _was_charged(order):
        return _show_paid(order)
    return redirect(url_for("cart.view"), code=303)


@bp.post("/stripe/webhook")
@csrf.exempt
def stripe_webhook():
    """Stripe's events: verified on the raw body, each handled once."""
    if not current_app.config.get("STRIPE_SECRET_KEY"):
        return {"error": "payments are not set up here: STRIPE_SECRET_KEY is not set"}, 503
    try:
        event = stripe_client().parse_webhook(request.get_data(), request.headers.get("Stripe-Signature"))
    except gateway.InvalidWebhook:
        return {"error": "invalid signature"}, 400
    outcome = payments.handle_event(event, clock.now(), stripe_client())
    return {"received": True, "result": outcome.action}, 200
