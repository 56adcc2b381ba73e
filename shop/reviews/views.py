"""The review form: a buyer proves the purchase with order number and email (rate-limited)."""
from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)

from shop.rate_limits import rate_limited
from shop.reviews import service
from shop.reviews.forms import ReviewForm

bp = Blueprint("reviews", __name__)
DEFAULT_LIMIT = "5 per minute;20 per day"
REFUSAL_STATUS = {service.NotVerified: 403, service.AlreadyReviewed: 409}


def _limit():
    return current_app.config.get("RATE_LIMIT_REVIEWS", DEFAULT_LIMIT)


@bp.route("/products/<slug>/review", methods=["GET", "POST"])
@rate_limited(_limit, methods=["POST"])
def write_review(slug):
    product = service.product_to_review(slug)
    if product is None:
        abort(404, description="We couldn't find that product.")
    form = ReviewForm()
    if request.method == "GET" or not form.validate():
        status = 200 if request.method == "GET" else 400
        return render_template("reviews/write.html", product=product, form=form), status
    try:
        review = service.submit_review(slug, form.order_number.data, form.email.data,
                                       form.author.data, form.rating.data, form.title.data or "",
                                       form.body.data)
    except service.ReviewRefused as error:
        return render_template("reviews/write.html", product=product, form=form,
                               problem=str(error)), REFUSAL_STATUS.get(type(error), 400)
    if review.status == "rejected":  # the claims checker blocked it: say why, keep the text
        return render_template("reviews/write.html", product=product, form=form,
                               problem=service.claims_refusal(review.claims)), 422
    flash("Thank you! We read every review before it appears, usually within two business "
          "days. We can't publish reviews that make medical or health-treatment claims.",
          "success")
    return redirect(url_for("catalog.product", slug=slug), code=303)
