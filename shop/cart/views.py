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
from shop.rate_limits import rate_limit, rate_limited
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
    return _cart_page()


def _cart_page(typed_code: str = ""):
    """The cart page; `typed_code` goes back in the discount field after a refusal."""
    cart = service.find_cart(cookie.read().token)
    lines = service.cart_lines(cart.id) if cart else []
    country, region = (cart.country, cart.region) if cart else ("US", "")
    summary = service.summarise(lines, service.estimate_destination(country, region), clock.now(),
                                discount_code=cart.discount_code if cart else "")
    form = DestinationForm(country=country, region=region)
    form.country.choices = shipping.countries_served()
    cheapest = summary.cheapest
    option = cheapest.option if cheapest else None
    total = summary.total_before_tax(option)
    g.cart_count = summary.count
    response = make_response(render_template(
        "cart/cart.html", summary=summary, destination_form=form, cheapest=cheapest,
        total_cents=total, discount=summary.discount_for(option),
        update_form=UpdateLineForm(), remove_form=RemoveLineForm(),
        discount_form=DiscountCodeForm(formdata=None, code=typed_code),
        remove_discount_form=RemoveDiscountForm(), charge_problem=summary.charge_problem(option),
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
# Codes must not be guessed: bound the tries one client makes (applied codes do not count).
@rate_limited(rate_limit("RATE_LIMIT_DISCOUNT_CODES"), scope="discount-codes",
              deduct_when=lambda response: response.status_code != 303)
def apply_discount():
    """Put a discount code on the cart, or say why it can't be used."""
    form = DiscountCodeForm()
    cart = service.find_cart(cookie.read().token)
    if cart is None:
        flash("Your cart is empty.", "error")
        return redirect(url_for("cart.view"), code=303)
    if not form.validate():
        flash(first_error(form), "error")
        return _refused(form.code.data)
    try:
        flash(service.apply_code(cart, form.code.data,
                                 service.estimate_destination(cart.country, cart.region),
                                 clock.now()), "success")
    except discounts.DiscountRefused as error:
        flash(str(error), "error")
        return _refused(form.code.data)
    return redirect(url_for("cart.view"), code=303)


def _refused(typed_code, status: int = 400):
    """The cart page again, with the flashed reason and the code as typed: nothing changed."""
    response = _cart_page(typed_code or "")
    response.status_code = status
    return response


@bp.errorhandler(429)
def too_many_codes(error):
    """Too many codes tried: the cart page says so, as a 429, and keeps the code typed."""
    flash("You have tried too many discount codes for now, so we have paused code entry. "
          "Please wait a while before trying again; your cart is unchanged.", "error")
    return _refused(request.form.get("code", "")[:40], status=429)


@bp.post("/discount/remove")
def remove_discount():
    form = RemoveDiscountForm()
    cart = service.find_cart(cookie.read().token)
    if cart is not None and form.validate() and cart.discount_code:
        discounts.clear_cart_code(cart)
        flash("Discount code removed.", "success")
    return redirect(url_for("cart.view"), code=303)
