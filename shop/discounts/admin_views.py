"""Back office: discount codes. Staff see the list (to answer customers); only managers
create, edit, deactivate or reactivate a code."""
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, url_for

from shop.backoffice import actor, bp, manager_required
from shop.discounts import service
from shop.discounts.forms import ActiveForm, DiscountCodeForm
from shop.discounts.models import DiscountCode
from shop.extensions import db
from shop.forms import first_error
from shop.rules import discounts as rules


def _zone() -> str:
    return current_app.config["SHOP_TIMEZONE"]


@bp.get("/discounts")
def discounts(form=None, status=200):
    return render_template("admin/discounts/list.html", codes=service.all_codes(),
                           kinds=rules.KIND_LABELS, form=form or DiscountCodeForm(formdata=None),
                           active_form=ActiveForm(formdata=None)), status


@bp.post("/discounts")
@manager_required
def discount_create():
    form = DiscountCodeForm()
    if not form.validate():
        flash(first_error(form), "error")
        return discounts(form, 400)
    try:
        row = service.create_code(form.values(_zone()), actor())
    except service.DiscountRefused as error:
        flash(str(error), "error")
        return discounts(form, 409)
    flash(f"Discount code {row.code} created.", "success")
    return redirect(url_for("admin.discounts"), 303)


def _code_or_404(discount_id: int) -> DiscountCode:
    row = db.session.get(DiscountCode, discount_id)
    if row is None:
        abort(404, description="There is no such discount code.")
    return row


def _form_for(row: DiscountCode) -> DiscountCodeForm:
    zone = ZoneInfo(_zone())
    return DiscountCodeForm(
        formdata=None, code=row.code, kind=row.kind, percent=row.percent or None,
        amount=f"{row.amount_cents / 100:.2f}" if row.amount_cents else "",
        min_subtotal=f"{row.min_subtotal_cents / 100:.2f}" if row.min_subtotal_cents else "",
        starts_on=row.starts_at.astimezone(zone).date() if row.starts_at else None,
        ends_on=row.ends_at.astimezone(zone).date() if row.ends_at else None,
        max_uses=row.max_uses, per_email_limit=row.per_email_limit,
        categories=[c.id for c in row.categories], products=[p.id for p in row.products],
        note=row.note)


@bp.get("/discounts/<int:discount_id>")
@manager_required
def discount_edit(discount_id, form=None, status=200):
    row = _code_or_404(discount_id)
    return render_template("admin/discounts/edit.html", row=row, kinds=rules.KIND_LABELS,
                           form=form or _form_for(row), active_form=ActiveForm(formdata=None)), status


@bp.post("/discounts/<int:discount_id>")
@manager_required
def discount_update(discount_id):
    row = _code_or_404(discount_id)
    form = DiscountCodeForm()
    form.code.data = row.code  # the code's text never changes: orders refer to it
    if not form.validate():
        flash(first_error(form), "error")
        return discount_edit(discount_id, form, 400)
    service.update_code(row.id, form.values(_zone()), actor())
    flash(f"Discount code {row.code} saved.", "success")
    return redirect(url_for("admin.discount_edit", discount_id=row.id), 303)


@bp.post("/discounts/<int:discount_id>/active")
@manager_required
def discount_active(discount_id):
    row = _code_or_404(discount_id)
    form = ActiveForm()
    if not form.validate():
        flash("Choose whether the code is active.", "error")
        return discount_edit(discount_id, status=400)
    row = service.set_active(row.id, form.active.data == "yes", actor())
    flash(f"Discount code {row.code} is {'active' if row.active else 'deactivated'}.", "success")
    return redirect(url_for("admin.discount_edit", discount_id=row.id), 303)
