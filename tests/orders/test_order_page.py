"""The customer's order page: where it goes, where it is (real dates), tracking, linked orders."""
from datetime import datetime, timezone

from shop.extensions import db
from shop.orders.models import Order
from tests.factories import make_order, make_product
from tests.orders.test_tracking import look_up

SHIPPED = datetime(2026, 11, 24, 19, 0, tzinfo=timezone.utc)    # Tue 24 Nov in New York
DELIVERED = datetime(2026, 11, 27, 17, 0, tzinfo=timezone.utc)  # Fri 27 Nov, later than promised
UPS_URL = "https://www.ups.com/track?loc=en_US&tracknum=1Z999AA10123456784"


def open_page(client, order) -> str:
    look_up(client, order.number, order.email)
    response = client.get(f"/track/{order.number}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def rack():
    return make_product(name="Power Rack", variants=[{"price_cents": 50_000}]).variants[0]


def test_a_shipped_order_shows_its_real_dispatch_day_tracking_link_and_address(app, client):
    # given an order promised for dispatch Mon 23 Nov that really left on Tue 24 Nov with UPS
    order = make_order([(rack(), 1)], status="shipped", shipped_at=SHIPPED, carrier="UPS",
                       tracking_number="1Z999AA10123456784", tracking_url=UPS_URL,
                       address2="Apt 4")
    # when the customer opens it
    page = open_page(client, order)
    # then the page leads with the real dispatch day and the arrival counted from it
    assert "Shipped Tue 24 Nov; expected Wed 25 Nov to Fri 27 Nov" in page  # 26th: Thanksgiving
    # and the promise is kept only as what was promised at checkout
    assert "Promised at checkout: Dispatch Mon 23 Nov" in page
    # and the tracking number links to the carrier's page
    assert f'<a href="{UPS_URL.replace("&", "&amp;")}" rel="noopener noreferrer">1Z999AA10123456784</a>' \
        in page
    # and the address it ships to is shown
    assert "Sam Lifter<br>1 Main St<br>Apt 4<br>Albany NY 12207<br>US" in page


def test_a_delivered_order_shows_the_day_it_arrived_not_the_promise(app, client):
    order = make_order([(rack(), 1)], status="delivered", shipped_at=SHIPPED,
                       delivered_at=DELIVERED)
    page = open_page(client, order)
    assert '<strong>Delivered Fri 27 Nov (shipped Tue 24 Nov)</strong>' in page
    assert "arrives Tue 24 Nov to Wed 25 Nov</small>" in page  # only as the old promise


def test_a_paid_order_still_shows_its_promise(app, client):
    order = make_order([(rack(), 1)], status="paid")
    page = open_page(client, order)
    assert "<strong>Dispatch Mon 23 Nov; arrives Tue 24 Nov to Wed 25 Nov</strong>" in page
    assert "Promised at checkout" not in page


def test_an_order_and_its_replacement_link_to_each_other(app, client):
    # given a delivered order and a replacement sent for it
    original = make_order([(rack(), 1)], status="delivered", delivered_at=DELIVERED)
    replacement = make_order([(rack(), 1)], status="paid", replacement_for_id=original.id)
    # when the customer opens the original
    page = open_page(client, original)
    # then it links to the replacement, which opens without looking it up again
    assert f'<a href="/track/{replacement.number}">{replacement.number}</a>' in page
    back = client.get(f"/track/{replacement.number}")
    assert back.status_code == 200
    assert f'<a href="/track/{original.number}">{original.number}</a>' in back.get_data(
        as_text=True)
    # and the original still opens too
    assert client.get(f"/track/{original.number}").status_code == 200


def test_another_customers_order_is_not_opened_through_links(app, client):
    # given two unrelated orders; the customer looked up only the first
    mine = make_order([(rack(), 1)], status="paid")
    other = make_order([(rack(), 1)], status="paid", email="other@example.com")
    open_page(client, mine)
    # then the other still needs its own lookup
    assert client.get(f"/track/{other.number}").status_code == 302


def test_after_the_return_window_the_form_is_gone_and_the_page_says_why(app, client):
    # given an order delivered on 2 Nov; today is 10 Dec (day 38)
    app.config["FIXED_NOW"] = datetime(2026, 12, 10, 15, 0, tzinfo=timezone.utc)
    order = make_order([(rack(), 1)], status="delivered",
                       delivered_at=datetime(2026, 11, 2, 17, 0, tzinfo=timezone.utc))
    page = open_page(client, order)
    assert "Ask for a return" not in page
    assert "The return window closed on 2 Dec 2026." in page
    # and a warranty claim is still offered
    assert "Ask for a warranty repair" in page


def test_an_order_page_for_a_missing_replacement_link_is_not_shown(app, client):
    order = make_order([(rack(), 1)], status="paid")
    page = open_page(client, order)
    assert 'data-testid="replacement-for"' not in page and 'data-testid="replacements"' not in page
    assert db.session.get(Order, order.id).replacement_for_id is None


def test_the_progress_marks_every_step_up_to_where_the_order_is(app, client):
    # given a delivered order whose history records only the delivery
    order = make_order([(rack(), 1)], status="delivered", delivered_at=DELIVERED)
    page = open_page(client, order)
    # then paid, packed and shipped are shown as passed too
    for step in ("Paid", "Packed", "Shipped", "Delivered"):
        assert f'<li class="done">{step}</li>' in page


def test_before_it_ships_the_promise_is_shown_once(app, client):
    order = make_order([(rack(), 1)], status="paid")
    page = open_page(client, order)
    assert page.count('data-testid="promise"') == 1
    assert page.count("Dispatch Mon 23 Nov; arrives Tue 24 Nov to Wed 25 Nov") == 1
