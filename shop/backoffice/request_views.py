"""Returns, warranty claims and contact messages in the back office.

Each action is its own POST route calling one service function. A form with bad
input re-renders the page with the errors at the field (400); a step the rules or
the current status refuse re-renders it with the reason (409); success redirects (303).
"""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from shop import clock
from shop.backoffice import actor, bp, manager_required
from shop.backoffice import request_service as service
from shop.backoffice.request_forms import (ClaimApproveForm, ClaimCloseForm, ClaimRejectForm,
                                           ConfirmForm, MessageReplyForm, ReturnApproveForm,
                                           ReturnReceiveForm, ReturnRejectForm)
from shop.checkout.views import stripe_client
from shop.orders.models import CLAIM_STATUSES, RETURN_STATUSES
from shop.pages.models import CONTACT_TOPICS

MAX_PAGE = 10_000
TOPICS = dict(CONTACT_TOPICS)


def _zone() -> str:
    return current_app.config["SHOP_TIMEZONE"]


def _queue_args(default: str) -> tuple[str, int]:
    """The queue's status filter and page number from the query string."""
    page = request.args.get("page", 1, type=int) or 1
    return request.args.get("status", default)[:30], min(max(page, 1), MAX_PAGE)


def _act(step, success: str, render_again, done_url: str):
    """Run a service step: on success redirect (its mail is queued), else show why (409)."""
    try:
        step()
    except service.NotFound:
        abort(404)
    except service.ManagerOnly as error:
        abort(403, description=str(error))
    except service.GoodwillRequired:
        raise  # a form error: the approve view shows it at the goodwill field
    except service.ActionRefused as error:
        flash(str(error), "error")
        return render_again(409)
    flash(success, "success")
    return redirect(done_url, code=303)


# ---------------------------------------------------------------- returns

@bp.get("/returns")
def returns():
    status, page = _queue_args("open")
    rows, more = service.return_queue(status, page)
    return render_template("admin/requests/returns.html", rows=rows, more=more, page=page,
                           status=status, statuses=RETURN_STATUSES,
                           reason_label=service.reason_label)


def _return_response(return_id: int, status: int = 200, **forms):
    page = service.return_page(return_id, clock.shop_today(), _zone())
    if page is None:
        abort(404)
    default_remedy = page.request.remedy if page.request.remedy in page.allowed_remedies \
        else next(iter(page.allowed_remedies), None)
    forms = {"approve_form": ReturnApproveForm(formdata=None, remedy=default_remedy),
             "reject_form": ReturnRejectForm(formdata=None),
             "receive_form": ReturnReceiveForm(formdata=None, disposition="restock"),
             "confirm_form": ConfirmForm(formdata=None), **forms}
    forms["approve_form"].remedy.choices = [
        (value, label) for value, label in forms["approve_form"].remedy.choices
        if value in page.allowed_remedies]
    return render_template("admin/requests/return.html", page=page, **forms), status


@bp.get("/returns/<int:return_id>")
def return_detail(return_id):
    return _return_response(return_id)


def _return_step(return_id: int, step, success: str):
    return _act(step, success, lambda status: _return_response(return_id, status),
                url_for("admin.return_detail", return_id=return_id))


@bp.post("/returns/<int:return_id>/approve")
def return_approve(return_id):
    form = ReturnApproveForm()
    if not form.validate():
        return _return_response(return_id, 400, approve_form=form)
    return _return_step(return_id, lambda: service.approve_return(
        return_id, form.remedy.data, form.approve_note.data or "", actor(), _zone()),
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
    form = ConfirmForm()
    if not form.validate():
        return _return_response(return_id, 400)
    return _return_step(return_id, lambda: service.refund_return(
        return_id, stripe_client(), actor(), _zone()), "Refunded; the customer was emailed.")


@bp.post("/returns/<int:return_id>/replace")
def return_replace(return_id):
    form = ConfirmForm()
    if not form.validate():
        return _return_response(return_id, 400)
    return _return_step(return_id, lambda: service.replace_return(return_id, actor(), _zone()),
                        "Replacement added to the order and taken from stock; the customer "
                        "was emailed.")


# ---------------------------------------------------------------- warranty claims

@bp.get("/claims")
def claims():
    status, page = _queue_args("open")
    rows, more = service.claim_queue(status, page)
    return render_template("admin/requests/claims.html", rows=rows, more=more, page=page,
                           status=status, statuses=CLAIM_STATUSES)


def _claim_response(claim_id: int, status: int = 200, **forms):
    page = service.claim_page(claim_id, clock.shop_today(), _zone())
    if page is None:
        abort(404)
    forms = {"approve_form": ClaimApproveForm(formdata=None, claim_remedy="repair"),
             "reject_form": ClaimRejectForm(formdata=None),
             "close_form": ClaimCloseForm(formdata=None), **forms}
    if not page.replaceable:  # every unit was already refunded or replaced
        forms["approve_form"].claim_remedy.choices = [("repair", "Repair")]
    return render_template("admin/requests/claim.html", page=page, **forms), status


@bp.get("/claims/<int:claim_id>")
def claim_detail(claim_id):
    return _claim_response(claim_id)


def _claim_step(claim_id: int, step, success: str):
    return _act(step, success, lambda status: _claim_response(claim_id, status),
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
            clock.shop_today(), _zone(), by_manager=current_user.is_manager),
            f"Claim approved for a {remedy}; the customer was emailed.")
    except service.GoodwillRequired as error:  # bad input at a field, not a conflict
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


# ---------------------------------------------------------------- contact messages

@bp.get("/messages")
def messages():
    status, page = _queue_args("new")
    rows, more = service.message_queue(status, page)
    return render_template("admin/requests/messages.html", rows=rows, more=more, page=page,
                           status=status, statuses=service.MESSAGE_STATUSES, topics=TOPICS)


def _message_response(message_id: int, status: int = 200, **forms):
    page = service.message_page(message_id)
    if page is None:
        abort(404)
    forms = {"reply_form": MessageReplyForm(formdata=None),
             "confirm_form": ConfirmForm(formdata=None), **forms}
    return render_template("admin/requests/message.html", page=page, topics=TOPICS,
                           **forms), status


@bp.get("/messages/<int:message_id>")
def message_detail(message_id):
    return _message_response(message_id)


@bp.post("/messages/<int:message_id>/reply")
def message_reply(message_id):
    form = MessageReplyForm()
    if not form.validate():
        return _message_response(message_id, 400, reply_form=form)
    return _act(lambda: service.reply_to_message(message_id, form.reply.data,
                                                 current_app.config["SHOP_NAME"], actor()),
                "Reply sent; the message is marked answered.",
                lambda status: _message_response(message_id, status),
                url_for("admin.message_detail", message_id=message_id))


@bp.post("/messages/<int:message_id>/answered")
def message_answered(message_id):
    form = ConfirmForm()
    if not form.validate():
        return _message_response(message_id, 400)
    return _act(lambda: service.mark_answered(message_id, actor()),
                "Marked answered (no reply sent).",
                lambda status: _message_response(message_id, status),
                url_for("admin.messages"))
