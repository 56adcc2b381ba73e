"""Back-in-stock alerts for shoppers: ask (rate-limited), confirm, unsubscribe.

Confirm and unsubscribe links open a page with a button (POST): link scanners in mail
systems open links, and must not confirm or cancel anything by doing so. Mail clients
post their own one-click unsubscribe (RFC 8058) to a separate address, named in the
emails' List-Unsubscribe header.
"""
from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)

from shop.engagement import restock
from shop.engagement.forms import BackInStockForm, TokenForm
from shop.extensions import csrf
from shop.forms import first_error
from shop.rate_limits import rate_limited

bp = Blueprint("engagement", __name__)
DEFAULT_LIMIT = "5 per minute;30 per day"


def _limit():
    return current_app.config.get("RATE_LIMIT_BACK_IN_STOCK", DEFAULT_LIMIT)


def _product_url(slug_sku: tuple[str, str] | None = None):
    return url_for("catalog.home") if slug_sku is None else \
        url_for("catalog.product", slug=slug_sku[0], sku=slug_sku[1])


@bp.post("/back-in-stock")
@rate_limited(_limit)
def restock_request():
    form = BackInStockForm()
    back = restock.product_of_sku(form.sku.data or "")
    if not form.validate():
        return render_template("engagement/alert_problem.html", message=first_error(form),
                               back_url=_product_url(back)), 400
    try:
        restock.request_alert(form.sku.data, form.email.data)
    except restock.AlertRefused as error:
        return render_template("engagement/alert_problem.html", message=str(error),
                               back_url=_product_url(back)), 409
    flash("Almost done: we emailed you a link (one address gets five a day at most; if none "
          "comes, ask again tomorrow). Open it to confirm, and we'll write once when this is "
          "back in stock.", "success")
    return redirect(_product_url(back), code=303)


def _alert_or_404(token: str) -> restock.AlertPage:
    page = restock.alert_page(token)
    if page is None:
        abort(404, description="That link is not valid. Copy the whole link from the email.")
    return page


@bp.get("/back-in-stock/confirm/<token>")
def restock_confirm(token):
    return render_template("engagement/confirm.html", alert=_alert_or_404(token),
                           form=TokenForm())


@bp.post("/back-in-stock/confirm/<token>")
def restock_confirm_post(token):
    alert = _alert_or_404(token)
    if not TokenForm().validate():
        abort(400, description="The form expired; open the link from the email again.")
    restock.confirm(token)
    return render_template("engagement/confirm.html", alert=_alert_or_404(token),
                           form=TokenForm(), just_confirmed=alert.status == "pending")


@bp.get("/back-in-stock/unsubscribe/<token>")
def restock_unsubscribe(token):
    return render_template("engagement/unsubscribe.html", alert=_alert_or_404(token),
                           form=TokenForm())


@bp.post("/back-in-stock/unsubscribe/<token>")
def restock_unsubscribe_post(token):
    alert = _alert_or_404(token)
    if not TokenForm().validate():
        abort(400, description="The form expired; open the link from the email again.")
    stopped = restock.unsubscribe(token)
    return render_template("engagement/unsubscribe.html", alert=alert, form=TokenForm(),
                           stopped=stopped, done=True)


@bp.post("/back-in-stock/unsubscribe/<token>/one-click")
@csrf.exempt  # posted by the reader's mail client, which has no session: see below
def restock_unsubscribe_one_click(token):
    """The reader pressed their mail client's own "Unsubscribe" (RFC 8058 one-click).

    The token in the address, which only the email carries, is the proof, as for the
    button page; no cookie or session is involved, so there is nothing a CSRF token would
    add (another site cannot know the token). The body must say `List-Unsubscribe=One-Click`,
    so a stray POST to the address changes nothing."""
    _alert_or_404(token)
    if request.form.get("List-Unsubscribe") != "One-Click":
        abort(400, description="This address takes a mail client's one-click unsubscribe "
                               "(List-Unsubscribe=One-Click). Open the link in the email instead.")
    restock.unsubscribe(token)
    return "Unsubscribed: no more back-in-stock alerts to this address.\n", 200, \
        {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/back-in-stock/unsubscribe/<token>/one-click")
def restock_unsubscribe_one_click_get(token):
    """A person (or a link scanner) opening the one-click address gets the button page."""
    return redirect(url_for("engagement.restock_unsubscribe", token=token), code=303)
