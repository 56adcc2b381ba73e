"""Back office: who waits for what (back-in-stock alerts) and a product's goes-with links."""
from flask import abort, flash, redirect, render_template, url_for

from shop.backoffice import actor, bp, manager_required
from shop.catalog.models import Product
from shop.engagement import goes_with, restock
from shop.engagement.forms import GoesWithAddForm
from shop.extensions import db


@bp.get("/back-in-stock")
def back_in_stock():
    return render_template("admin/engagement/back_in_stock.html", rows=restock.waiting_counts())


def _goes_with_page(product_id: int, status: int = 200, add_form: GoesWithAddForm | None = None):
    product = db.session.get(Product, product_id)
    if product is None:
        abort(404)
    return render_template("admin/engagement/goes_with.html", product=product,
                           links=goes_with.linked(product_id),
                           add_form=add_form or GoesWithAddForm(formdata=None)), status


@bp.get("/products/<int:product_id>/goes-with")
@manager_required
def goes_with_page(product_id):
    return _goes_with_page(product_id)


@bp.post("/products/<int:product_id>/goes-with")
@manager_required
def goes_with_add(product_id):
    form = GoesWithAddForm()
    if not form.validate():
        return _goes_with_page(product_id, 400, form)
    try:
        accessory = goes_with.add_link(product_id, form.accessory_slug.data, actor())
    except goes_with.LinkRefused as error:
        form.accessory_slug.errors.append(str(error))
        return _goes_with_page(product_id, 409, form)
    flash(f"{accessory.name} now shows under \u201cGoes with\u201d.", "success")
    return redirect(url_for("admin.goes_with_page", product_id=product_id), code=303)


@bp.post("/products/<int:product_id>/goes-with/<int:accessory_id>/remove")
@manager_required
def goes_with_remove(product_id, accessory_id):
    try:
        removed = goes_with.remove_link(product_id, accessory_id, actor())
    except goes_with.LinkRefused:
        abort(404)
    if not removed:
        flash("That accessory was not linked; nothing changed.", "error")
        return _goes_with_page(product_id, 409)
    flash("Removed from \u201cGoes with\u201d.", "success")
    return redirect(url_for("admin.goes_with_page", product_id=product_id), code=303)
