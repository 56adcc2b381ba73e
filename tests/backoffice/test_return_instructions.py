"""What an approved return's email tells the customer: RMA number, where to send it, freight pickup."""
from sqlalchemy import select

from shop.extensions import db
from shop.orders.models import Order, OutgoingEmail
from tests.backoffice.test_returns_admin import (act, ask_return, delivered_order, emails_of,
                                                 fixed_today, rack)  # noqa: F401 (fixtures)
from tests.orders.test_tracking import look_up


def approve(client, request, remedy="refund"):
    response = act(client, request.id, "approve", remedy=remedy)
    assert response.status_code == 303
    [email] = emails_of("return_approved")
    return email.body


def test_an_approved_parcel_return_gives_the_rma_number_and_the_return_address(app, as_staff,
                                                                                 rack):
    # given a return address set for the shop
    app.config["SHOP_RETURN_ADDRESS"] = "Returns Dept, 9 Dock Rd, Troy, NY 12180, USA"
    request = ask_return(delivered_order(rack), reason="changed_mind")
    # when staff approve it
    body = approve(as_staff, request)
    # then the customer gets the RMA number, the address, and no pickup talk
    rma = f"RMA-{request.id:06d}"
    assert f"Your return number (RMA): {rma}" in body
    assert f"write {rma} on the outside of the box" in body
    assert "Returns Dept, 9 Dock Rd, Troy, NY 12180, USA" in body
    assert "pickup" not in body
    assert "Return shipping is at your cost" in body


def test_an_approved_freight_return_books_a_pickup_instead_of_posting(app, as_staff, rack):
    # given a rack that came by freight, returned because it arrived damaged
    order = delivered_order(rack)
    order.lines[0].shipping_class = "freight"
    db.session.commit()
    request = ask_return(order, reason="damaged")
    # when staff approve it
    body = approve(as_staff, request)
    # then the email says not to post it, that we book a pickup, and that we pay for it
    assert "don't post it" in body and "book a pickup" in body
    assert "We pay for the pickup." in body
    assert f"write RMA-{request.id:06d} on the outside of each box" in body
    assert app.config["SHOP_RETURN_ADDRESS"] not in body


def test_the_rma_number_follows_the_return_through_its_emails(as_staff, rack):
    request = ask_return(delivered_order(rack), reason="damaged")
    approve(as_staff, request)
    act(as_staff, request.id, "receive", disposition="restock")
    received = db.session.scalar(select(OutgoingEmail).where(
        OutgoingEmail.kind == "return_items_received"))
    assert f"(return RMA-{request.id:06d})" in received.body


def test_the_customers_order_page_shows_the_rma_number(app, client, rack):
    # given a return asked for on a delivered order
    request = ask_return(delivered_order(rack), reason="damaged")
    order = db.session.get(Order, request.order_id)
    # when the customer opens the order page
    look_up(client, order.number, order.email)
    page = client.get(f"/track/{order.number}").get_data(as_text=True)
    # then the return is listed under its RMA number
    assert f"Return RMA-{request.id:06d} of 1" in page
