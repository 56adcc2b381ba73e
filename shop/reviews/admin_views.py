"""Review moderation in the back office: the queue, approve (publish) and reject; audited."""
from flask import abort, flash, redirect, render_template, request, url_for

from shop.backoffice import actor, bp
from shop.backoffice.casework_views import queue_args
from shop.reviews import service
from shop.reviews.forms import ApproveForm, RejectForm
from shop.reviews.models import REVIEW_STATUSES


def _queue(status_code: int = 200, reject_form: RejectForm | None = None,
           failed_id: int | None = None):
    status, page = queue_args("pending")
    return render_template("admin/reviews/list.html", listing=service.review_queue(status, page),
                           status=status, statuses=REVIEW_STATUSES, approve_form=ApproveForm(),
                           reject_form=reject_form or RejectForm(formdata=None),
                           failed_id=failed_id), status_code


def _back():
    return redirect(url_for("admin.reviews", status=request.args.get("status", "pending")),
                    code=303)


@bp.get("/reviews")
def reviews():
    return _queue()


@bp.post("/reviews/<int:review_id>/approve")
def review_approve(review_id):
    if not ApproveForm().validate():
        abort(400, description="The form expired; reload the page and try again.")
    try:
        service.approve(review_id, actor())
    except service.UnknownReview:
        abort(404)
    except service.ModerationRefused as error:
        flash(str(error), "error")
        return _queue(409, failed_id=review_id)
    flash(f"Review #{review_id} is published.", "success")
    return _back()


@bp.post("/reviews/<int:review_id>/reject")
def review_reject(review_id):
    form = RejectForm()
    if not form.validate():
        return _queue(400, reject_form=form, failed_id=review_id)
    try:
        service.reject(review_id, form.reason.data, actor())
    except service.UnknownReview:
        abort(404)
    except service.ModerationRefused as error:
        flash(str(error), "error")
        return _queue(409, failed_id=review_id)
    flash(f"Review #{review_id} is rejected and not shown.", "success")
    return _back()
