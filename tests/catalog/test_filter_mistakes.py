"""A price typed wrong in a listing's filters: a message on the form, the products still listed."""
import re

import pytest

from tests.factories import make_category, make_product


def names_on(html: str) -> list[str]:
    return re.findall(r"<h3>([^<]+)</h3>", html)


@pytest.fixture
def shelf(app):
    racks = make_category(name="Racks", slug="racks")
    make_product(racks, name="Alpha Rack", variants=[{"price_cents": 50_000}])
    make_product(racks, name="Bravo Rack", variants=[{"price_cents": 20_000}])
    return racks


MISTAKES = [
    ("min_price=abc", "Minimum price must be an amount in dollars"),
    ("max_price=12a", "Maximum price must be an amount in dollars"),
    ("min_price=-5", "Minimum price must be zero or more"),
    ("max_price=1.234", "Maximum price can have at most two decimals"),
    ("min_price=300&max_price=50", "Maximum price must be at least the minimum price"),
]


@pytest.mark.parametrize("page", ["/categories/racks?", "/search?q=rack&"])
@pytest.mark.parametrize("query, message", MISTAKES)
def test_a_price_typed_wrong_shows_a_message_with_the_products_listed(client, shelf, page,
                                                                      query, message):
    # when a shopper applies filters with a price typed wrong
    response = client.get(page + query)
    html = response.get_data(as_text=True)
    # then the page answers, says what is wrong next to the field, once
    assert response.status_code == 200
    assert html.count(message) == 1 and 'class="field-error"' in html
    assert 'aria-invalid="true"' in html
    # and lists the products, filtered by what was typed right
    expected = ["Alpha Rack"] if "min_price=300" in query else ["Alpha Rack", "Bravo Rack"]
    assert sorted(names_on(html)) == expected


def test_the_page_with_a_mistake_keeps_what_was_typed_and_is_not_served_to_others(client,
                                                                                 shelf):
    # given a shopper typed a letter in the maximum price
    html = client.get("/categories/racks?max_price=5o").get_data(as_text=True)
    assert 'name="max_price" inputmode="decimal" value="5o"' in html
    # when the next visitor opens the listing without filters
    clean = client.get("/categories/racks").get_data(as_text=True)
    # then they see no message and nothing of the first visitor's text
    assert "field-error" not in clean and "5o" not in clean
    assert sorted(names_on(clean)) == ["Alpha Rack", "Bravo Rack"]


@pytest.mark.parametrize("query", ["page=abc", "sort=;DROP TABLE product", "brand=" + "x" * 200])
def test_what_only_an_edited_address_can_send_is_still_a_400(client, shelf, query):
    assert client.get(f"/categories/racks?{query}").status_code == 400
