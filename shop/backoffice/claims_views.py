"""Warranty claims in the back office: the queue, a claim's page, and its steps."""
from flask import abort, render_template, url_for
from flask_login import current_user

from shop import clock
from shop.backoffice import actor, bp
from shop.backoffice import claims_service as service
from shop.backoffice.casework import GoodwillRequired
from shop.backoffice.casework_views import queue_args, run_step, shop_zone
from shop.backoffice.claims_forms import ClaimApproveForm, ClaimCloseForm, ClaimRejectForm
from shop.orders.models import CLAIM_STATUSES


@bp.get("/claims")
def claims():
    status, page = queue_args("open")
    listing = service.claim_queue(status, page)
    return render_template("admin/claims/list.html", listing=listing,
                           status=status, statuses=CLAIM_STATUSES)


def _claim_response(claim_id: int, status: int = 200, **forms):
    page = service.claim_page(claim_id, clock.shop_today(), shop_zone())
    if page is None:
        abort(404)
    forms = {"approve_form": ClaimApproveForm(formdata=None, claim_remedy="repair"),
             "reject_form": ClaimRejectForm(formdata=None),
             "close_form": ClaimCloseForm(formdata=None), **forms}
    if not page.replaceable:  # every unit was already refunded or replaced
        forms["approve_form"].claim_remedy.choices = [("repair", "Repair")]
    return render_template("admin/claims/detail.html", page=page, **forms), status


@bp.get("/claims/<int:claim_id>")
def claim_detail(claim_id):
    return _claim_response(claim_id)


def _claim_step(claim_id: int, step, success: str):
    return run_step(step, success, lambda status: _claim_response(claim_id, status),
                    url_for("admin.claim_detail", claim_id=claim_id))


@bp.post("/claims/<int:claim_id>/approve")
def claim_approve(claim_id):
    form = ClaimApproveForm()
    if not form.validate():
        return _claim_response(claim_id, 400, approve_form=form)
    remedy = form.claim_remedy.data
    try:
        return _claim_step(claim_id, lambda: service.approve_claim(
            claim_id, remedy, form.goodwill.data, form.claim_note.data or "", actor(),
            clock.shop_today(), shop_zone(), by_manager=current_user.is_manager),
            f"Claim approved for a {remedy}; the customer was emailed.")
    except GoodwillRequired as error:  # bad input at a field, not a conflict
        form.goodwill.errors.append(str(error))
        return _claim_response(claim_id, 400, approve_form=form)


@bp.post("/claims/<int:claim_id>/reject")
def claim_reject(claim_id):
    form = ClaimRejectForm()
    if not form.validate():
        return _claim_response(claim_id, 400, reject_form=form)
    return _claim_step(claim_id, lambda: service.reject_claim(
        claim_id, form.claim_reject_reason.data, actor()),
        "Claim rejected; the customer was emailed the reason.")


@bp.post("/claims/<int:claim_id>/close")
def claim_close(claim_id):
    form = ClaimCloseForm()
    if not form.validate():
        return _claim_response(claim_id, 400, close_form=form)
    return _claim_step(claim_id, lambda: service.close_claim(
        claim_id, form.close_note.data or "", actor()), "Claim closed; the customer was emailed.")
