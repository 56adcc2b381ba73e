"""Order pages for staff: the list, an order, pick list and packing slip, and the order's moves."""
import uuid

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from shop import clock
from shop.backoffice import actor, bp, manager_required
from shop.backoffice import fulfilment, order_payments
from shop.backoffice import carriers
from shop.backoffice.order_forms import (ActionForm, CancelForm, NoteForm, OrderFilterForm,
                                         RefundedAtStripeForm, RefundForm, ShipForm,
                                         TrackingForm)
from shop.forms import first_error
from shop.payments.client import stripe_client
from shop.payments.refunds import RefundError
from shop.rules.money import format_cents


@bp.get("/orders")
def orders():
    form = OrderFilterForm(request.args)
    if not form.validate():
        return render_template("admin/orders/list.html", form=form, listing=None,
                               errors=form.error_messages(), args={}), 400
    filters = fulfilment.OrderFilters(
        q=form.q.data or "", status=form.status.data, method=form.method.data,
        discreet={"yes": True, "no": False}.get(form.discreet.data),
        created_from=form.created_from.day, created_to=form.created_to.day,
        paid_from=form.paid_from.day, paid_to=form.paid_to.day)
    listing = fulfilment.list_orders(filters, form.page.data or 1,
                                     current_app.config["SHOP_TIMEZONE"])
    args = {name: value for name, value in request.args.items() if name != "page" and value}
    return render_template("admin/orders/list.html", form=form, listing=listing, errors=[],
                           args=args)


@bp.get("/orders/pick-list")
def pick_list():
    return render_template("admin/orders/pick_list.html", picks=fulfilment.pick_list(),
                           now=clock.now())


@bp.get("/orders/<number>")
def order_detail(number):
    return _order_page(number)


def _order_page(number: str, status: int = 200, **forms):
    try:
        detail = fulfilment.order_detail(number)
    except fulfilment.OrderNotFound:
        abort(404)
    order = detail.order
    for name, form_class in (("note_form", NoteForm),
                             ("cancel_form", CancelForm), ("action_form", ActionForm),
                             ("mismatch_form", CancelForm),
                             ("stripe_refunded_form", RefundedAtStripeForm)):
        forms.setdefault(name, form_class(formdata=None))
    # the ship form starts on the carrier the order's shipping method is booked with
    method = "+".join(filter(None, ((order.delivery_promise or {}).get("method"),
                                    order.shipping_method)))
    forms.setdefault("ship_form", ShipForm(formdata=None,
                                           carrier=carriers.carrier_for(method, order.country)))
    code, freight_name = carriers.code_for_name(order.carrier)
    forms.setdefault("tracking_form", TrackingForm(
        formdata=None, prefix="tracking", carrier=code, freight_name=freight_name,
        tracking_number=order.tracking_number, seen_tracking=order.tracking_number,
        tracking_url=order.tracking_url if code == carriers.FREIGHT else ""))
    forms.setdefault("refund_form", RefundForm(formdata=None, request_id=uuid.uuid4().hex))
    return render_template("admin/orders/detail.html", detail=detail, order=detail.order,
                           foreign_payment=order_payments.foreign_payment(detail.order),
                           **forms), status


@bp.get("/orders/<number>/packing-slip")
def packing_slip(number):
    try:
        order = fulfilment.get_order(number)
    except fulfilment.OrderNotFound:
        abort(404)
    sender = current_app.config["SHOP_DISCREET_SENDER"] if order.discreet else None
    return render_template("admin/orders/packing_slip.html", order=order, sender=sender)


def _moved(number: str, message: str):
    """After a change is committed (the customer's email is queued): back to the order."""
    flash(message, "success")
    return redirect(url_for("admin.order_detail", number=number), code=303)


def _refused(number: str, error: Exception, **forms):
    """The order could not be moved: say why on the order page, with a 409."""
    flash(str(error), "error")
    return _order_page(number, 409, **forms)


@bp.post("/orders/<number>/pack")
def order_pack(number):
    return _simple_move(number, lambda: fulfilment.mark_packed(number, actor()), "Marked packed.")


@bp.post("/orders/<number>/deliver")
def order_deliver(number):
    return _simple_move(number, lambda: fulfilment.mark_delivered(number, actor(), clock.now()),
                        "Marked delivered.")


def _simple_move(number: str, move, message: str):
    if not ActionForm().validate():
        abort(400)
    try:
        move()
    except fulfilment.OrderNotFound:
        abort(404)
    except fulfilment.FulfilmentError as error:
        return _refused(number, error)
    return _moved(number, message)


@bp.post("/orders/<number>/ship")
def order_ship(number):
    form = ShipForm()
    if not form.validate():
        flash(first_error(form), "error")
        return _order_page(number, 400, ship_form=form)
    shipment = fulfilment.Shipment(form.carrier.data, form.tracking_number.data,
                                   form.freight_name.data or "", form.tracking_url.data or "")
    try:
        order = fulfilment.mark_shipped(number, shipment, actor(), clock.now())
    except fulfilment.OrderNotFound:
        abort(404)
    except fulfilment.FulfilmentError as error:
        return _refused(number, error)
    return _moved(number, f"Marked shipped with {order.carrier}, tracking {order.tracking_number}.")


@bp.post("/orders/<number>/tracking")
def order_tracking(number):
    """Correct a shipped order's carrier or tracking number (the customer is emailed)."""
    form = TrackingForm(prefix="tracking")
    if not form.validate():
        flash(first_error(form), "error")
        return _order_page(number, 400, tracking_form=form)
    shipment = fulfilment.Shipment(form.carrier.data, form.tracking_number.data,
                                   form.freight_name.data or "", form.tracking_url.data or "")
    try:
        order = fulfilment.change_tracking(number, shipment, form.seen_tracking.data or "",
                                           actor())
    except fulfilment.OrderNotFound:
        abort(404)
    except fulfilment.FulfilmentError as error:
        return _refused(number, error, tracking_form=form)
    return _moved(number, f"Tracking number saved: {order.carrier} {order.tracking_number}. "
                          "The customer was emailed the new link.")


@bp.post("/orders/<number>/note")
def order_note(number):
    form = NoteForm()
    if not form.validate():
        return _order_page(number, 400, note_form=form)
    try:
        fulfilment.add_note(number, form.note.data, actor())
    except fulfilment.OrderNotFound:
        abort(404)
    flash("Note added.", "success")
    return redirect(url_for("admin.order_detail", number=number), code=303)


@bp.post("/orders/<number>/cancel")
def order_cancel(number):
    """Staff cancel orders still waiting for payment; a paid one is a manager's (it refunds)."""
    form = CancelForm()
    if not form.validate():
        return _order_page(number, 400, cancel_form=form)
    try:
        order = order_payments.cancel(number, form.reason.data, stripe_client(), actor(),
                                      by_manager=current_user.is_manager)
    except fulfilment.OrderNotFound:
        abort(404)
    except fulfilment.ManagerOnly as error:
        abort(403, description=str(error))
    except (fulfilment.FulfilmentError, RefundError) as error:
        return _refused(number, error, cancel_form=form)
    if not order.paid_at:
        return _moved(number, "Order cancelled; the stock its checkout held was released.")
    refunded = f" {format_cents(order.refunded_cents)} refunded," if order.refunded_cents else ""
    return _moved(number, f"Order cancelled,{refunded} its stock is back on the shelf.")


@bp.post("/orders/<number>/refund")
@manager_required
def order_refund(number):
    form = RefundForm()
    if not form.validate():
        return _order_page(number, 400, refund_form=form)
    try:
        result = order_payments.refund(number, form.cents, form.reason.data,
                                       form.request_id.data, stripe_client(), actor())
    except fulfilment.OrderNotFound:
        abort(404)
    except (fulfilment.FulfilmentError, RefundError) as error:
        form.request_id.data = uuid.uuid4().hex  # nothing was refunded: sending again is a new try
        return _refused(number, error, refund_form=form)
    if result.repeated:
        return _moved(number, "That refund was already made; nothing more was refunded.")
    if result.pending:
        return _moved(number, f"The refund of {format_cents(result.refund.amount_cents)} was "
                              "sent to Stripe and is waiting for its answer; the customer was "
                              "not emailed yet. Send the same form again in a minute to check.")
    return _moved(number, f"Refunded {format_cents(result.refund.amount_cents)}.")


@bp.post("/orders/<number>/accept-payment")
@manager_required
def order_accept_payment(number):
    """A payment Stripe took for another amount: accept it, the order is paid."""
    if not ActionForm().validate():
        abort(400)
    try:
        order_payments.accept_mismatched_payment(number, actor())
    except fulfilment.OrderNotFound:
        abort(404)
    except fulfilment.FulfilmentError as error:
        return _refused(number, error)
    return _moved(number, "Payment accepted: the order is paid, its stock sold, and the "
                          "customer's confirmation queued.")


@bp.post("/orders/<number>/refund-mismatch")
@manager_required
def order_refund_mismatch(number):
    """A payment Stripe took for another amount: refund it all and cancel the order."""
    form = CancelForm()
    if not form.validate():
        return _order_page(number, 400, mismatch_form=form)
    try:
        order = order_payments.refund_mismatched_payment(number, form.reason.data,
                                                         stripe_client(), actor())
    except fulfilment.OrderNotFound:
        abort(404)
    except (fulfilment.FulfilmentError, RefundError) as error:
        return _refused(number, error, mismatch_form=form)
    return _moved(number, f"Refunded {format_cents(order.refunded_cents)} and cancelled; the "
                          "stock it held is released.")


@bp.post("/orders/<number>/cancel-refunded-at-stripe")
@manager_required
def order_cancel_refunded_at_stripe(number):
    """A payment Stripe took in another currency, refunded in the Stripe dashboard: cancel."""
    form = RefundedAtStripeForm()
    if not form.validate():
        flash(first_error(form), "error")
        return _order_page(number, 400, stripe_refunded_form=form)
    try:
        order_payments.cancel_refunded_at_stripe(number, form.note.data, stripe_client(),
                                                 actor())
    except fulfilment.OrderNotFound:
        abort(404)
    except fulfilment.FulfilmentError as error:
        return _refused(number, error, stripe_refunded_form=form)
    return _moved(number, "Order cancelled as refunded in the Stripe dashboard; the stock it "
                          "held is released and the customer's email queued.")
