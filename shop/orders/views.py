"""Order tracking for customers: look up by number and email, then follow, return or claim.

An order page is shown only to a browser that proved it knows the order's
number and email (or came back from paying for it); ids are never in URLs.
"""
from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   session, url_for)

from shop import clock
from shop.extensions import db
from shop.rate_limits import rate_limit, rate_limited
from shop.forms import first_error
from shop.orders import aftercare, service
from shop.orders.forms import ClaimForm, ReturnForm, TrackForm
from shop.orders.models import Order
from shop.orders.presenters import order_page_context

bp = Blueprint("orders", __name__)


def _may_see(number: str) -> bool:
    """This browser looked the order up (number and email) or paid for it."""
    return number in session.get("orders", [])


def _remember(number: str) -> None:
    session["orders"] = [n for n in session.get("orders", []) if n != number][-9:] + [number]


@bp.route("/track", methods=["GET", "POST"])
@rate_limited(rate_limit("RATE_LIMIT_ORDER_LOOKUP"), methods=["POST"])
def track():
    form = TrackForm(number=request.args.get("number", ""))
    if form.validate_on_submit():
        order = service.find_order(form.number.data, form.email.data)
        if order is not None:
            _remember(order.number)
            return redirect(url_for("orders.order_page", number=order.number), code=303)
        flash("We couldn't find an order with that number and email. Check both and try again.",
              "error")
        return render_template("orders/track.html", form=form), 404
    if request.method == "POST":
        return render_template("orders/track.html", form=form), 400
    return render_template("orders/track.html", form=form)


def _order_or_redirect(number: str):
    if not _may_see(number):
        return None
    return db.session.query(Order).filter_by(number=number).first()


@bp.get("/track/<number>")
def order_page(number):
    order = _order_or_redirect(number)
    if order is None:
        return redirect(url_for("orders.track", number=number))
    return _render_order(order)


def _render_order(order: Order, status: int = 200):
    context = order_page_context(order, clock.now(), current_app.config["SHOP_TIMEZONE"])
    # the same customer's linked orders (a replacement and what it replaces) open from here
    for number in [context["replacement_for"], *context["replacements"]]:
        if number and not _may_see(number):
            _remember(number)
            _remember(order.number)  # stays the most recent one
    return_form, claim_form = ReturnForm(), ClaimForm()
    return_form.line_id.choices = context["return_choices"]
    claim_form.line_id.choices = context["claim_choices"]
    claim_form.component.choices = [(part, part) for part in context["components"]]
    return render_template("orders/order.html", return_form=return_form, claim_form=claim_form,
                           **context), status


def _refuse(order: Order, message: str):
    """The order page again, with why the return or claim was not taken (nothing was stored)."""
    flash(message, "error")
    return _render_order(order, 400)


def _posted_form(number: str, form_class):
    """The looked-up order (404 otherwise), the posted form, and its line (None if invalid)."""
    order = _order_or_redirect(number)
    if order is None:
        abort(404)
    form = form_class()
    form.line_id.choices = [(line.id, line.name) for line in order.lines]
    if not form.validate():
        return order, form, None
    return order, form, next(line for line in order.lines if line.id == form.line_id.data)


@bp.post("/track/<number>/return")
@rate_limited(rate_limit("RATE_LIMIT_ORDER_REQUESTS"))
def ask_return(number):
    order, form, line = _posted_form(number, ReturnForm)
    if line is None:
        return _refuse(order, first_error(form))
    try:
        aftercare.request_return(order, line, form.reason.data, form.remedy.data,
                                      form.quantity.data, form.details.data or "",
                                      clock.shop_today(), current_app.config["SHOP_TIMEZONE"])
    except (aftercare.AftercareRefused, ValueError) as error:
        return _refuse(order, str(error))
    flash("Return requested. We emailed you a receipt and will reply within one business day.",
          "success")
    return redirect(url_for("orders.order_page", number=number), code=303)


@bp.post("/track/<number>/claim")
@rate_limited(rate_limit("RATE_LIMIT_ORDER_REQUESTS"))
def ask_claim(number):
    order, form, line = _posted_form(number, ClaimForm)
    if line is None:
        return _refuse(order, first_error(form))
    components = [row["component"] for row in line.warranty_terms]
    if form.component.data not in components:
        return _refuse(order, f"Part: choose one of {', '.join(components)}.")
    try:
        aftercare.request_claim(order, line, form.component.data, form.description.data,
                                     clock.shop_today(), current_app.config["SHOP_TIMEZONE"])
    except aftercare.AftercareRefused as error:
        return _refuse(order, str(error))
    flash("Warranty claim sent. We emailed you a receipt and will reply within one business day.",
          "success")
    return redirect(url_for("orders.order_page", number=number), code=303)
