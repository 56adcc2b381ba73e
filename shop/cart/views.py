"""Cart pages: view, add, change quantity, remove, choose destination."""
from flask import (Blueprint, current_app, flash, g, make_response, redirect, render_template,
                   request, url_for)

from shop import clock
from shop.redirects import safe_next
from shop.cart import cookie, service
from shop.forms import first_error
from shop.cart.forms import (AddToCartForm, DestinationForm, DiscountCodeForm, RemoveDiscountForm,
                             RemoveLineForm, UpdateLineForm)
from shop.discounts import service as discounts
from shop.rules import shipping

bp = Blueprint("cart", __name__, url_prefix="/cart")


def _back_to(default: str) -> str:
    return safe_next(request.form.get("next"), default)


def _redirect_with_cookie(target: str, cart, count: int | None = None):
    """Redirect, refreshing the cart cookie (with `count` units, counted if not given)."""
    response = redirect(target, code=303)
    return cookie.write(response, cart,
                        service.count_items(cart.token) if count is None else count)


@bp.get("")
def view():
    cart = service.find_cart(cookie.read().token)
    lines = service.cart_lines(cart.id) if cart else []
    country, region = (cart.country, cart.region) if cart else ("US", "")
    summary = service.summarise(lines, service.estimate_destination(country, region), clock.now(),
                                discount_code=cart.discount_code if cart else "")
    form = DestinationForm(country=country, region=region)
    form.country.choices = shipping.countries_served()
    cheapest = min(summary.options, key=lambda o: o.option.total_cents, default=None)
    option = cheapest.option if cheapest else None
    total = summary.total_before_tax(option)
    g.cart_count = summary.count
    response = make_response(render_template(
        "cart/cart.html", summary=summary, destination_form=form, cheapest=cheapest,
        total_cents=total, discount=summary.discount_for(option),
        update_form=UpdateLineForm(), remove_form=RemoveLineForm(),
        discount_form=DiscountCodeForm(formdata=None), remove_discount_form=RemoveDiscountForm(),
        financing=total >= current_app.config["FINANCING_MIN_CENTS"],
    ))
    if cart is not None and summary.count != cookie.read().count:
        cookie.write(response, cart, summary.count)  # keep the header count honest
    return response


@bp.post("/add")
def add():
    form = AddToCartForm()
    if not form.validate():
        flash(first_error(form), "error")
        return redirect(_back_to(url_for("cart.view")), code=303)
    try:
        added = service.add_to_cart(cookie.read().token, form.sku.data, form.quantity.data)
    except service.CartError as error:  # the cart is as it was, and so is its cookie
        flash(str(error), "error")
        return redirect(_back_to(url_for("cart.view")), code=303)
    flash(added.message, "success")
    return _redirect_with_cookie(url_for("cart.view"), added.cart, added.count)


@bp.post("/update")
def update():
    form = UpdateLineForm()
    cart = service.find_cart(cookie.read().token)
    if cart is None:
        flash("Your cart is empty.", "error")
        return redirect(url_for("cart.view"), code=303)
    if not form.validate():
        flash(first_error(form), "error")
    else:
        try:
            service.set_quantity(cart, int(form.variant_id.data), form.quantity.data)
            flash("Cart updated.", "success")
        except service.CartError as error:
            flash(str(error), "error")
    return _redirect_with_cookie(url_for("cart.view"), cart)


@bp.post("/remove")
def remove():
    form = RemoveLineForm()
    cart = service.find_cart(cookie.read().token)
    if cart is not None and form.validate():
        service.remove_item(cart, int(form.variant_id.data))
        flash("Item removed.", "success")
        return _redirect_with_cookie(url_for("cart.view"), cart)
    flash("That item is not in your cart.", "error")
    return redirect(url_for("cart.view"), code=303)


@bp.post("/destination")
def destination():
    form = DestinationForm()
    form.country.choices = shipping.countries_served()
    token = cookie.read().token
    if not form.validate():
        flash(first_error(form), "error")
        return redirect(url_for("cart.view"), code=303)
    cart = service.get_or_create_cart(token)
    service.set_destination(cart, form.country.data, form.region.data or "")
    return _redirect_with_cookie(url_for("cart.view"), cart)


@bp.post("/discount")
def apply_discount():
    """Put a discount code on the cart, or say why it can't be used."""
    form = DiscountCodeForm()
    cart = service.find_cart(cookie.read().token)
    if cart is None:
        flash("Your cart is empty.", "error")
        return redirect(url_for("cart.view"), code=303)
    if not form.validate():
        flash(first_error(form), "error")
        return _refused()
    try:
        flash(discounts.set_cart_code(cart, form.code.data, service.cart_lines(cart.id),
                                      clock.now()), "success")
    except discounts.DiscountRefused as error:
        flash(str(error), "error")
        return _refused()
    return redirect(url_for("cart.view"), code=303)


def _refused():
    """The cart page again, with the flashed reason, as a 400: nothing was changed."""
    response = view()
    response.status_code = 400
    return response


@bp.post("/discount/remove")
def remove_discount():
    form = RemoveDiscountForm()
    cart = service.find_cart(cookie.read().token)
    if cart is not None and form.validate() and cart.discount_code:
        discounts.clear_cart_code(cart)
        flash("Discount code removed.", "success")
    return redirect(url_for("cart.view"), code=303)
