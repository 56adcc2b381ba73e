"""Checkout's shipping choice: dearer means faster (or it says what it buys), unknown states,
and a choice kept while the address is corrected."""
import re
from datetime import datetime, timezone

from sqlalchemy import func, select

from shop.extensions import db
from shop.orders.models import Order
from tests.checkout.test_checkout_flow import add_to_cart, submit_checkout
from tests.helpers import flashes

TUESDAY_MORNING = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)  # 10:00 in New York


def radios(html: str) -> list[str]:
    return re.findall(r'type="radio" id="ship-[^"]+" name="shipping_method" value="([^"]+)"',
                      html)


def test_overnight_says_what_it_buys_over_standard(app, client, stock):
    # given a parcel-sized order on Tuesday morning
    app.config["FIXED_NOW"] = TUESDAY_MORNING
    add_to_cart(client, "BAND", 1)
    # when the customer opens checkout
    html = client.get("/checkout").get_data(as_text=True)
    # then both parcel options are offered, and overnight says what its price buys
    assert radios(html) == ["standard", "overnight"]
    assert ("$19.55 more for delivery by Wed 2 Dec instead of up to Thu 3 Dec with Standard "
            "parcel") in html


def test_with_freight_in_the_cart_overnight_buys_nothing_and_is_not_offered(app, client, stock):
    # given a band set and a freight rack: the rack's freight decides the delivery day
    app.config["FIXED_NOW"] = TUESDAY_MORNING
    add_to_cart(client, "BAND", 1)
    add_to_cart(client, "RACK", 1)
    # when the customer opens checkout
    html = client.get("/checkout").get_data(as_text=True)
    # then only the cheaper option is offered
    assert radios(html) == ["standard"]
    # and posting the dearer one anyway is refused, with no order placed
    response = submit_checkout(client, shipping_method="overnight")
    assert response.status_code == 400
    assert "choose one of the shipping methods" in flashes(response)
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_an_unknown_state_asks_for_one_without_internal_codes(app, client, stock):
    add_to_cart(client, "BAND", 1)
    response = submit_checkout(client, region="ZZ", shipping_method="overnight")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose a US state or territory to see shipping options." in html
    assert "ship to that state" not in html  # every state is served: it is a typo
    assert "US-ZZ" not in html
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_the_chosen_method_is_kept_while_the_state_is_corrected(app, client, wired, stock):
    # given the customer chose overnight but typed a state we don't know
    add_to_cart(client, "BAND", 1)
    first = submit_checkout(client, region="ZZ", shipping_method="overnight")
    html = first.get_data(as_text=True)
    # then the page keeps the choice while no option can be shown
    kept = re.findall(r'<input type="hidden" name="shipping_method" value="([^"]+)">', html)
    assert kept == ["overnight"]
    assert "Your choice, <strong>Overnight parcel</strong>, is kept" in html
    # when they correct the state and send the form as the page has it
    second = submit_checkout(client, region="NY", shipping_method=kept[0])
    # then the order ships overnight, as they chose
    assert second.status_code == 303
    order = db.session.scalar(select(Order))
    assert order.shipping_method == "overnight"


def test_a_chosen_method_stays_checked_when_another_field_is_wrong(app, client, stock):
    add_to_cart(client, "BAND", 1)
    response = submit_checkout(client, name="", shipping_method="overnight")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'value="overnight" checked', html)
    assert not re.search(r'value="standard" checked', html)
