"""The cart through HTTP with CSRF on: add, change, remove, stock limits, prices, shipping."""
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from shop.cart.models import Cart, CartItem
from shop.catalog.models import Variant
from shop.extensions import db
from tests.factories import make_category, make_product
from tests.helpers import csrf_token, flashes

MONDAY_MORNING = datetime(2026, 11, 23, 14, 0, tzinfo=timezone.utc)  # 09:00 in New York


@pytest.fixture
def products(app):
    app.config["FIXED_NOW"] = MONDAY_MORNING
    category = make_category(slug="gear")
    bands = make_product(category, name="Loop Bands", slug="loop-bands", variants=[
        {"sku": "BAND", "price_cents": 2_900, "on_hand": 5, "weight_g": 450,
         "length_cm": 20, "width_cm": 15, "height_cm": 5}])
    rack = make_product(category, name="Power Rack", slug="power-rack", variants=[
        {"sku": "RACK", "price_cents": 79_900, "on_hand": 2, "weight_g": 148_000,
         "length_cm": 220, "width_cm": 60, "height_cm": 30}])
    return {"BAND": bands.variants[0], "RACK": rack.variants[0]}


def add(client, sku, quantity=1):
    token = csrf_token(client, "/products/loop-bands")
    return client.post("/cart/add", data={"sku": sku, "quantity": quantity, "csrf_token": token},
                       follow_redirects=True)


def add_counting(client, count_statements, sku, quantity):
    """Add to the cart (the CSRF token fetched first); the response and the statements of
    the POST alone."""
    token = csrf_token(client, "/products/loop-bands")
    with count_statements() as statements:
        response = client.post("/cart/add", data={"sku": sku, "quantity": quantity,
                                                  "csrf_token": token})
    return response, statements


def cart_quantities():
    return {sku: qty for sku, qty in db.session.execute(
        select(Variant.sku, CartItem.quantity).join(Variant, Variant.id == CartItem.variant_id))}


def test_adding_puts_the_item_in_a_server_side_cart(client, products):
    response = add(client, "BAND", 2)
    assert response.status_code == 200
    assert "Added 2 \u00d7 Loop Bands" in flashes(response)
    assert cart_quantities() == {"BAND": 2}
    assert '<span class="cart-count" aria-label="2 items">2</span>' in response.get_data(as_text=True)


def test_the_cart_survives_a_browser_restart(client, products):
    add(client, "BAND", 1)
    cookie = client.get_cookie("cart", domain="shop.test")
    assert cookie.expires is not None  # a persistent cookie, not a session cookie
    fresh = client.application.test_client()
    fresh.set_cookie("cart", cookie.value, domain="shop.test")
    assert "Loop Bands" in fresh.get("/cart").get_data(as_text=True)


def test_a_forged_cart_cookie_gives_an_empty_cart(client, products):
    add(client, "BAND", 1)
    client.set_cookie("cart", "forged.value.here", domain="shop.test")
    assert "Your cart is empty" in client.get("/cart").get_data(as_text=True)


def test_adding_more_than_available_is_refused_with_a_message(client, products):
    response = add(client, "BAND", 6)
    assert "Only 5 of Loop Bands can be ordered" in flashes(response)
    assert cart_quantities() == {}


def test_adding_again_counts_what_is_already_in_the_cart(client, products):
    add(client, "BAND", 4)
    response = add(client, "BAND", 2)
    assert "you already have 4 in your cart" in flashes(response)
    assert cart_quantities() == {"BAND": 4}


def test_reserved_stock_is_not_available(client, products):
    products["BAND"].reserved = 4
    db.session.commit()
    assert "Only 1 of Loop Bands" in flashes(add(client, "BAND", 2))


@pytest.mark.parametrize("quantity, message", [
    ("0", "Quantity must be from 1 to"), ("-1", "Quantity must be from 1 to"),
    ("abc", "Quantity: Enter a whole number, like 2."), ("2.5", "Enter a whole number"),
    ("100", "Quantity must be from 1 to"), ("", "Quantity is required."),
])
def test_bad_quantities_are_refused(client, products, quantity, message):
    response = add(client, "BAND", quantity)
    assert response.status_code == 200
    assert message in flashes(response)
    assert cart_quantities() == {}


def test_unknown_sku_is_refused(client, products):
    assert "not available" in flashes(add(client, "NOPE"))


def test_add_without_csrf_token_is_refused(client, products):
    response = client.post("/cart/add", data={"sku": "BAND", "quantity": 1})
    assert response.status_code == 400
    assert cart_quantities() == {}


def test_changing_quantity_and_removing(client, products):
    add(client, "BAND", 1)
    variant_id = products["BAND"].id
    token = csrf_token(client, "/cart")
    client.post("/cart/update", data={"variant_id": variant_id, "quantity": 3, "csrf_token": token})
    assert cart_quantities() == {"BAND": 3}
    response = client.post("/cart/update", data={"variant_id": variant_id, "quantity": 9,
                                                 "csrf_token": token}, follow_redirects=True)
    assert "Only 5 of Loop Bands left" in flashes(response)
    assert cart_quantities() == {"BAND": 3}
    client.post("/cart/remove", data={"variant_id": variant_id, "csrf_token": token})
    assert cart_quantities() == {}


@pytest.mark.parametrize("path", ["/cart/update", "/cart/remove"])
def test_a_variant_id_beyond_a_database_integer_is_a_clear_refusal(client, products, path):
    add(client, "BAND", 2)
    token = csrf_token(client, "/cart")
    # when a form posts an id no PostgreSQL integer holds (the database would raise)
    response = client.post(path, data={"variant_id": "9999999999", "quantity": 1,
                                       "csrf_token": token}, follow_redirects=True)
    # then the cart page says so, as for any unknown item (not a 500), and nothing changed
    assert response.status_code == 200
    assert "That item is not in your cart." in flashes(response)
    assert cart_quantities() == {"BAND": 2}


def test_the_cart_says_when_a_price_changed(client, products):
    add(client, "BAND", 1)
    products["BAND"].price_cents = 3_400
    db.session.commit()
    html = client.get("/cart").get_data(as_text=True)
    assert "The price changed from $29.00 to $34.00 since you added it." in html
    assert "$34.00" in html


def test_cart_prices_shipping_and_delivery_from_the_rules(client, products):
    # given a parcel item in a cart shipping to New York
    add(client, "BAND", 1)
    token = csrf_token(client, "/cart")
    client.post("/cart/destination", data={"country": "US", "region": "NY", "csrf_token": token})
    html = client.get("/cart").get_data(as_text=True)
    # then standard parcel is $6.95 + $0.95 for the started kg, arriving Tue to Wed
    assert "Standard parcel</strong>: $7.90" in html
    assert "Order within 5 h for dispatch today; arrives Tue 24 Nov to Wed 25 Nov" in html
    assert 'data-testid="cart-total">$36.90<' in html


def test_freight_items_that_cannot_ship_are_named(client, products):
    add(client, "RACK", 1)
    token = csrf_token(client, "/cart")
    client.post("/cart/destination", data={"country": "AU", "region": "", "csrf_token": token})
    html = client.get("/cart").get_data(as_text=True)
    assert "Power Rack ships by freight" in html
    assert "Go to checkout" not in html


def test_unserved_country_is_refused_at_the_form(client, products):
    add(client, "BAND", 1)
    token = csrf_token(client, "/cart")
    response = client.post("/cart/destination", data={"country": "KP", "csrf_token": token},
                           follow_redirects=True)
    assert "Not a valid choice" in flashes(response)


def test_financing_is_mentioned_only_for_large_totals(client, products):
    add(client, "BAND", 1)
    assert "Pay over time" not in client.get("/cart").get_data(as_text=True)
    add(client, "RACK", 1)
    assert "Pay over time" in client.get("/cart").get_data(as_text=True)


def test_header_count_costs_no_query(client, products, count_statements):
    add(client, "BAND", 2)
    with count_statements() as statements:
        html = client.get("/shipping").get_data(as_text=True)
    assert 'aria-label="2 items"' in html
    assert statements == []


def test_adding_to_a_cart_takes_at_most_two_statements_and_counts_the_header(
        client, products, count_statements):
    add(client, "BAND")
    # when the customer adds two more of the same (a cart and a line exist)
    response, statements = add_counting(client, count_statements, "BAND", 2)
    # then the line is updated within a budget of two statements (today: read the variant
    # with the cart, its line and its count; update the line)
    assert response.status_code == 303
    assert len(statements) <= 2, statements
    assert cart_quantities() == {"BAND": 3}
    # and the header of the next page says 3, from the cookie
    html = client.get("/categories/gear").get_data(as_text=True)
    assert re.search(r'class="cart-count"[^>]*>3</span>', html)


def test_a_first_add_makes_the_cart_and_its_line_in_at_most_three_statements(
        client, products, count_statements):
    response, statements = add_counting(client, count_statements, "BAND", 2)
    # then the cart and its line are made within a budget of three statements (today: the
    # read, no cart yet; the new cart; its line); the cookie names that cart
    assert response.status_code == 303
    assert len(statements) <= 3, statements
    assert cart_quantities() == {"BAND": 2}
    assert db.session.scalar(select(func.count()).select_from(Cart)) == 1
    assert 'aria-label="2 items"' in client.get("/shipping").get_data(as_text=True)
    assert 'href="/products/loop-bands?sku=BAND"' in client.get("/cart").get_data(as_text=True)


def test_a_refused_first_add_makes_no_cart(client, products):
    token = csrf_token(client, "/products/loop-bands")
    response = client.post("/cart/add", data={"sku": "NOPE", "quantity": 1,
                                              "csrf_token": token})
    assert response.status_code == 303
    assert "That product is not available." in flashes(client.get("/cart"))
    assert db.session.scalar(select(func.count()).select_from(Cart)) == 0
    assert client.get_cookie("cart", domain="shop.test") is None


def test_a_line_changed_by_another_request_meanwhile_is_not_overwritten(client, products):
    import sqlalchemy as sa
    add(client, "BAND")
    token = csrf_token(client, "/products/loop-bands")

    # another tab sets the line to 4 between this request's read and its write
    done = []

    def other_tab(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("UPDATE cart_item") and not done:
            done.append(True)
            with db.engine.connect() as other:
                other.execute(sa.update(CartItem).values(quantity=4))
                other.commit()
    sa.event.listen(db.engine, "before_cursor_execute", other_tab)
    try:
        response = client.post("/cart/add", follow_redirects=True, data={
            "sku": "BAND", "quantity": 1, "csrf_token": token})
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", other_tab)
    assert done
    assert "Your cart changed while adding; please try again." in flashes(response)
    db.session.expire_all()
    assert cart_quantities() == {"BAND": 4}


@pytest.mark.parametrize("hostile", [
    "/\t/evil.example", "//evil.example", "/\\evil.example", "\\/evil.example",
    "/\r\n/evil.example", "/\n/evil.example", "/\x01/evil.example", "https://evil.example/",
    "javascript:alert(1)", " //evil.example", "/\u200b/evil.example", "/\x7f/evil.example",
])
def test_a_hostile_next_sends_the_shopper_to_the_cart(client, products, hostile):
    # given a refused add (unknown SKU) posted with a `next` pointing off the site
    token = csrf_token(client, "/products/loop-bands")
    response = client.post("/cart/add", data={"sku": "NOPE", "quantity": 1, "next": hostile,
                                              "csrf_token": token})
    # then the shopper goes back to the cart, and nothing was added
    assert response.status_code == 303
    assert response.headers["Location"] == "/cart"
    assert cart_quantities() == {}


def test_a_local_next_is_kept(client, products):
    # given a refused add from a product page
    token = csrf_token(client, "/products/loop-bands")
    response = client.post("/cart/add", data={"sku": "NOPE", "quantity": 1,
                                              "next": "/products/loop-bands?size=m",
                                              "csrf_token": token})
    # then the shopper goes back to that page
    assert response.status_code == 303
    assert response.headers["Location"] == "/products/loop-bands?size=m"
    assert cart_quantities() == {}
