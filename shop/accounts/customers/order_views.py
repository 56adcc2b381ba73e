"""The signed-in customer's pages: order history, one order (cancel, buy again), addresses."""
from flask import (abort, current_app, flash, redirect, render_template, request, session,
                   url_for)

from shop.accounts.customers import orders, service
from shop.accounts.customers.forms import AddressForm, ButtonForm
from shop.accounts.customers.sessions import current_customer, customer_required
from shop.accounts.customers.views import bp
from shop.accounts.service import AccountError
from shop.cart import cookie
from shop.rate_limits import rate_limit, rate_limited
from shop.orders.presenters import STATUS_LABELS, delivery_facts
from shop.payments.client import stripe_client


def _page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


@bp.get("")
@customer_required
def overview():
    customer = current_customer()
    listing = orders.history(customer, _page_number())
    return render_template("account/overview.html", customer=customer, listing=listing,
                           form=ButtonForm())


def _owned_or_404(number: str):
    try:
        return orders.owned_order(current_customer(), number)
    except orders.OrderNotFound:
        abort(404, description="There is no order with that number on your account.")


@bp.get("/orders/<number>")
@customer_required
def order(number):
    found = _owned_or_404(number)
    # the order's own page (returns, warranty) opens for this browser as after a lookup
    session["orders"] = [n for n in session.get("orders", []) if n != number][-9:] + [number]
    facts = delivery_facts(found, current_app.config["SHOP_TIMEZONE"])
    return render_template("account/order.html", order=found, facts=facts,
                           status_label=STATUS_LABELS.get(found.status, found.status),
                           cancellable=found.status in orders.SELF_CANCELLABLE,
                           form=ButtonForm())


@bp.post("/orders/<number>/cancel")
@rate_limited(rate_limit("RATE_LIMIT_ORDER_REQUESTS"))
@customer_required
def cancel_order(number):
    _owned_or_404(number)
    if not ButtonForm().validate_on_submit():
        abort(400, description="The form expired; reload the page and try again.")
    try:
        cancelled = orders.cancel(current_customer(), number, stripe_client())
    except orders.CancelRefused as error:
        flash(str(error), "error")
        return redirect(url_for("customer.order", number=number), code=303)
    flash(f"Order {number} is cancelled."
          + (" Your payment is refunded; banks take a few days to show it."
             if cancelled.refunded_cents else " Nothing was charged."), "success")
    return redirect(url_for("customer.order", number=number), code=303)


@bp.post("/orders/<number>/buy-again")
@customer_required
def buy_again(number):
    _owned_or_404(number)
    if not ButtonForm().validate_on_submit():
        abort(400, description="The form expired; reload the page and try again.")
    result = orders.buy_again(current_customer(), number, cookie.read().token)
    if result.added:
        flash("Added to your cart: " + "; ".join(result.added) + ".", "success")
    for problem in result.missing:
        flash(problem, "error")
    response = redirect(url_for("cart.view"), code=303)
    if result.cart is not None:
        cookie.write(response, result.cart, result.count)
    return response


@bp.route("/addresses", methods=["GET", "POST"])
@customer_required
def addresses():
    customer = current_customer()
    form = AddressForm(country="US")
    status = 200
    if form.validate_on_submit():
        details = service.AddressDetails(**{name: form[name].data or "" for name in (
            "name", "phone", "address1", "address2", "city", "region", "postal_code",
            "country")})
        try:
            service.add_address(customer, details, form.make_default.data)
        except AccountError as error:
            flash(str(error), "error")
            status = 400
        else:
            flash("Address saved.", "success")
            return redirect(url_for("customer.addresses"), code=303)
    elif request.method == "POST":
        status = 400
    return render_template("account/addresses.html", form=form, button=ButtonForm(),
                           addresses=service.addresses(customer.id)), status


def _address_action(address_id: int, action, done: str):
    if not ButtonForm().validate_on_submit():
        abort(400, description="The form expired; reload the page and try again.")
    try:
        action(current_customer(), address_id)
    except service.AddressNotFound as error:
        abort(404, description=str(error))
    except AccountError as error:
        flash(str(error), "error")
    else:
        flash(done, "success")
    return redirect(url_for("customer.addresses"), code=303)


@bp.post("/addresses/<int:address_id>/default")
@customer_required
def address_default(address_id):
    return _address_action(address_id, service.make_default_address,
                           "That address is now used first at checkout.")


@bp.post("/addresses/<int:address_id>/delete")
@customer_required
def address_delete(address_id):
    return _address_action(address_id, service.delete_address, "Address deleted.")
