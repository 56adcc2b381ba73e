"""Stock pages for staff: the list, the count sheet, and each variant's ledger and changes."""
import csv
import io

from flask import Response, abort, flash, redirect, render_template, request, url_for

from shop import clock
from shop.backoffice import actor, bp
from shop.backoffice import stock_service
from shop.backoffice.spreadsheet import safe_cell
from shop.backoffice.stock_forms import AdjustForm, ReceiveForm, StockFilterForm, ThresholdForm
from shop.engagement import restock
from shop.forms import error_messages

SHEET_COLUMNS = ("sku", "product", "option", "on_hand", "reserved", "available", "threshold",
                 "counted")


@bp.get("/stock")
def stock():
    form = StockFilterForm(request.args)
    if not form.validate():
        return render_template("admin/stock/list.html", form=form, listing=None,
                               errors=error_messages(form)), 400
    listing = stock_service.stock_page(form.q.data or "", form.low.checked, form.page.data or 1)
    return render_template("admin/stock/list.html", form=form, listing=listing, errors=[])


@bp.get("/stock/export.csv")
def stock_export():
    """A stock-count sheet: today's numbers and an empty `counted` column to fill in."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SHEET_COLUMNS)
    for row in stock_service.stock_sheet():
        writer.writerow([safe_cell(row.sku), safe_cell(row.product), safe_cell(row.option),
                         row.on_hand,
                         row.reserved, row.available, row.threshold, ""])
    filename = f"stock-count-{clock.shop_today().isoformat()}.csv"
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/stock/<int:variant_id>")
def stock_variant(variant_id):
    return _variant_page(variant_id)


def _variant_page(variant_id: int, status: int = 200, **forms):
    details = stock_service.variant_stock(variant_id)
    if details is None:
        abort(404)
    forms.setdefault("receive_form", ReceiveForm(formdata=None))
    forms.setdefault("adjust_form", AdjustForm(formdata=None))
    forms.setdefault("threshold_form", ThresholdForm(
        formdata=None, threshold=details.variant.low_stock_threshold))
    return render_template("admin/stock/variant.html", details=details,
                           reasons=stock_service.ADJUST_REASONS,
                           waiting_alerts=restock.waiting_for(variant_id), **forms), status


def _done(variant_id: int, message: str):
    flash(message, "success")
    return redirect(url_for("admin.stock_variant", variant_id=variant_id), code=303)


@bp.post("/stock/<int:variant_id>/receive")
def stock_receive(variant_id):
    form = ReceiveForm()
    if not form.validate():
        return _variant_page(variant_id, 400, receive_form=form)
    try:
        before, after = stock_service.receive(variant_id, form.quantity.data, form.note.data or "",
                                      actor())
    except stock_service.UnknownVariant:
        abort(404)
    return _done(variant_id, f"Received {form.quantity.data}: on hand {before} \u2192 {after}.")


@bp.post("/stock/<int:variant_id>/adjust")
def stock_adjust(variant_id):
    form = AdjustForm()
    if not form.validate():
        return _variant_page(variant_id, 400, adjust_form=form)
    try:
        before, after = stock_service.adjust(variant_id, form.quantity.data, form.reason.data,
                                     form.note.data, actor())
    except stock_service.UnknownVariant:
        abort(404)
    except stock_service.StockError as error:
        form.quantity.errors.append(str(error))
        return _variant_page(variant_id, 409, adjust_form=form)
    return _done(variant_id,
                 f"Adjusted by {form.quantity.data:+d}: on hand {before} \u2192 {after}.")


@bp.post("/stock/<int:variant_id>/threshold")
def stock_threshold(variant_id):
    form = ThresholdForm()
    if not form.validate():
        return _variant_page(variant_id, 400, threshold_form=form)
    try:
        stock_service.set_threshold(variant_id, form.threshold.data, actor())
    except stock_service.UnknownVariant:
        abort(404)
    return _done(variant_id, f"Low-stock threshold set to {form.threshold.data}.")
