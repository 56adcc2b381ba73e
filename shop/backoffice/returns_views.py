"""Returns in the back office: the queue, a return's page, and its steps (see casework_views)."""
from flask import abort, render_template, url_for

from shop import clock
from shop.backoffice import actor, bp, manager_required
from shop.backoffice import returns_service as service
from shop.backoffice.casework_views import queue_args, run_step, shop_zone
from shop.backoffice.order_forms import ActionForm
from shop.backoffice.returns_forms import ReturnApproveForm, ReturnReceiveForm, ReturnRejectForm
from shop.orders import aftercare
from shop.orders.models import RETURN_STATUSES
from shop.payments.client import stripe_client

REFUND_PENDING = ("The refund was sent to Stripe and is waiting for its answer; the customer "
                  "was not emailed yet. Refund again in a minute: it asks Stripe about this "
                  "same refund and never refunds twice.")


@bp.get("/returns")
def returns():
    status, page = queue_args("open")
    listing = service.return_queue(status, page)
    return render_template("admin/returns/list.html", listing=listing,
                           status=status, statuses=RETURN_STATUSES,
                           reason_label=service.reason_label)


def _return_response(return_id: int, status: int = 200, **forms):
    page = service.return_page(return_id, clock.shop_today(), shop_zone())
    if page is None:
        abort(404)
    remedy = page.return_request.remedy
    default_remedy = remedy if remedy in page.allowed_remedies \
        else next(iter(page.allowed_remedies), None)
    forms = {"approve_form": ReturnApproveForm(formdata=None, remedy=default_remedy),
             "reject_form": ReturnRejectForm(formdata=None),
             "receive_form": ReturnReceiveForm(formdata=None, disposition="restock"), **forms}
    forms["approve_form"].remedy.choices = [
        (value, label) for value, label in forms["approve_form"].remedy.choices
        if value in page.allowed_remedies]
    return render_template("admin/returns/detail.html", page=page,
                           rma=aftercare.rma_number(return_id), **forms), status


@bp.get("/returns/<int:return_id>")
def return_detail(return_id):
    return _return_response(return_id)


def _return_step(return_id: int, step, success):
    return run_step(step, success, lambda status: _return_response(return_id, status),
                    url_for("admin.return_detail", return_id=return_id))


@bp.post("/returns/<int:return_id>/approve")
def return_approve(return_id):
    form = ReturnApproveForm()
    if not form.validate():
        return _return_response(return_id, 400, approve_form=form)
    return _return_step(return_id, lambda: service.approve_return(
        return_id, form.remedy.data, form.approve_note.data or "", actor(), shop_zone()),
        "Return approved; the customer was emailed.")


@bp.post("/returns/<int:return_id>/reject")
def return_reject(return_id):
    form = ReturnRejectForm()
    if not form.validate():
        return _return_response(return_id, 400, reject_form=form)
    return _return_step(return_id, lambda: service.reject_return(
        return_id, form.reject_reason.data, actor()),
        "Return rejected; the customer was emailed the reason.")


@bp.post("/returns/<int:return_id>/receive")
def return_receive(return_id):
    form = ReturnReceiveForm()
    if not form.validate():
        return _return_response(return_id, 400, receive_form=form)
    done = "Items received and put back into stock." if form.disposition.data == "restock" \
        else "Items received and written off."
    return _return_step(return_id, lambda: service.receive_return(
        return_id, form.disposition.data, form.receive_note.data or "", actor()), done)


@bp.post("/returns/<int:return_id>/refund")
@manager_required
def return_refund(return_id):
    if not ActionForm().validate():
        return _return_response(return_id, 400)
    return _return_step(
        return_id, lambda: service.refund_return(return_id, stripe_client(), actor(), shop_zone()),
        lambda refund: REFUND_PENDING if refund.status == "pending"
        else "Refunded; the customer was emailed.")


@bp.post("/returns/<int:return_id>/replace")
def return_replace(return_id):
    if not ActionForm().validate():
        return _return_response(return_id, 400)
    return _return_step(return_id, lambda: service.replace_return(return_id, actor(), shop_zone()),
                        "Replacement added to the order and taken from stock; the customer "
                        "was emailed.")
