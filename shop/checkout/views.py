"""Checkout pages: the form, the hand-off to Stripe, success and cancel, and the webhook."""
from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   session, url_for)

from shop import clock
from shop.cart import cookie, service as cart_service
from shop.checkout import service
from shop.checkout.forms import CheckoutForm
from shop.extensions import csrf, db, limiter, rate_limit
from shop.orders import emails
from shop.orders.models import Order
from shop.payments import gateway, service as payments

bp = Blueprint("checkout", __name__)


def stripe_client() -> gateway.StripeClient:
    """This worker's client for the app's Stripe settings, made once: its HTTP session keeps
    the connection to Stripe open between requests (no new TLS handshake per checkout)."""
    config = current_app.config
    settings = tuple(config.get(name) for name in
                     ("STRIPE_SECRET_KEY", "STRIPE_API_BASE", "STRIPE_WEBHOOK_SECRET"))
    kept = current_app.extensions.get("shop_stripe_client")
    if kept is None or kept[0] != settings:
        kept = current_app.extensions["shop_stripe_client"] = (
            settings, gateway.client_from_config(config))
    return kept[1]


def _summary_for(form: CheckoutForm, cart, lines):
    country = form.country.data or cart.country
    region = (form.region.data or cart.region or "").upper()
    return cart_service.summarise(lines, cart_service.estimate_destination(country, region),
                                  clock.now())


@bp.route("/checkout", methods=["GET", "POST"])
@limiter.limit(rate_limit("RATE_LIMIT_CHECKOUT"), methods=["POST"])
def checkout():
    cart = cart_service.find_cart(cookie.read().token)
    lines = []
    if cart is not None:
        service.sweep_expired(clock.now())  # stock of lapsed checkouts is back on sale
        lines = cart_service.cart_lines(cart.id)
    if not lines:
        flash("Your cart is empty.", "error")
        return redirect(url_for("cart.view"))
    form = CheckoutForm(country=cart.country, region=cart.region)
    summary = _summary_for(form, cart, lines)
    form.shipping_method.choices = [(o.option.method, o.option.label) for o in summary.options]
    if request.method == "POST" and form.validate():
        try:
            order = service.place_order(cart.id, _details(form), clock.now(), lines=lines)
            url = service.start_payment(
                order, stripe_client(),
                success_url=url_for("checkout.success", _external=True)
                + "?session_id={CHECKOUT_SESSION_ID}",
                cancel_url=url_for("checkout.cancel", number=order.number, _external=True),
                payment_methods=_payment_methods(order.total_cents),
            )
        except service.CheckoutError as error:
            flash(str(error), "error")
        else:
            session.setdefault("orders", [])
            session["orders"] = (session["orders"] + [order.number])[-10:]
            return redirect(url, code=303)
    elif request.method == "POST":
        flash("Please correct the highlighted fields.", "error")
    total = None
    chosen = summary.option(form.shipping_method.data or "") or (summary.options or [None])[0]
    if chosen:
        total = summary.subtotal_cents + chosen.option.total_cents
    return render_template("checkout/checkout.html", form=form, summary=summary, total=total,
                           shipping=chosen.option if chosen else None,
                           financing=(total or 0) >= current_app.config["FINANCING_MIN_CENTS"]), \
        (400 if request.method == "POST" else 200)


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
    try:
        checkout_session = stripe_client().retrieve_checkout_session(session_id)
    except gateway.PaymentError:
        checkout_session = None
    if checkout_session is not None and checkout_session.is_paid:
        payments.fulfil_session(checkout_session, clock.now(), stripe_client())
        emails.send_pending()
    db.session.refresh(order)
    session["orders"] = (session.get("orders", []) + [order.number])[-10:]
    if order.paid_at is not None:
        flash(f"Thank you! Order {order.number} is paid; a confirmation is on its way to "
              f"{order.email}.")
    else:
        flash("Thank you! Your payment is being confirmed; this page shows the order's status.")
    response = redirect(url_for("orders.order_page", number=order.number), code=303)
    cart = cart_service.find_cart(cookie.read().token)
    if cart is not None:  # the header count follows the emptied cart
        cookie.write(response, cart, cart_service.count_items(cart.token))
    return response


@bp.get("/checkout/cancel/<number>")
def cancel(number):
    """The customer left Stripe's page: release the order's stock and go back to the cart."""
    order = db.session.query(Order).filter_by(number=number).first()
    if order is None or number not in session.get("orders", []):
        return redirect(url_for("cart.view"))
    if order.status == "pending_payment":
        # Cancel here first, so the session's own "expired" event (sent when we expire it
        # below) finds the order already closed; a payment slipping in between is a late
        # payment, honoured or refunded like any other.
        service.cancel_unpaid(order, note="Customer went back to the cart", actor="customer")
        if order.stripe_session_id:
            try:
                stripe_client().expire_checkout_session(order.stripe_session_id)
            except gateway.PaymentError:
                pass  # it will expire by itself; the stock is already released
        flash("Payment cancelled; nothing was charged. Your cart is as you left it.", "success")
    return redirect(url_for("cart.view"))


@bp.post("/stripe/webhook")
@csrf.exempt
def stripe_webhook():
    """Stripe's events: verified on the raw body, each handled once."""
    try:
        event = stripe_client().parse_webhook(request.get_data(), request.headers.get("Stripe-Signature"))
    except gateway.InvalidWebhook:
        return {"error": "invalid signature"}, 400
    outcome = payments.handle_event(event, clock.now(), stripe_client())
    emails.send_pending()
    return {"received": True, "result": outcome.action}, 200
