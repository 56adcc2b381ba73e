"""Saved addresses: kept per account, one default, used to fill in checkout; and the
account's email on orders placed while signed in."""
import re

import pytest
from sqlalchemy import select

from shop.accounts.customers.models import CustomerAddress
from shop.extensions import db
from shop.orders.models import Order
from tests.accounts.test_customer_auth import signed_in
from tests.checkout.conftest import app_settings, standin, stock  # noqa: F401
from tests.checkout.test_checkout_flow import ADDRESS, add_to_cart, submit_checkout
from tests.factories import make_customer
from tests.helpers import csrf_token, flashes

KIM = "kim@example.com"
HOME = {"name": "Kim Lifter", "phone": "555-0101", "address1": "5 Oak Ave", "address2": "Apt 2",
        "city": "Toronto", "region": "ON", "postal_code": "M5V 2T6", "country": "CA"}
WORK = {"name": "Kim at Work", "phone": "", "address1": "9 Pine Rd", "address2": "",
        "city": "Boston", "region": "MA", "postal_code": "02108", "country": "US"}


def saved() -> list[tuple[str, bool, int]]:
    db.session.expire_all()
    return [(a.address1, a.is_default, a.customer_id) for a in
            db.session.scalars(select(CustomerAddress).order_by(CustomerAddress.id))]


def add(client, address, make_default=False):
    data = {**address, "csrf_token": csrf_token(client, "/account/addresses")}
    if make_default:
        data["make_default"] = "y"
    return client.post("/account/addresses", data=data)


def post(client, url):
    return client.post(url, data={"csrf_token": csrf_token(client, "/account/sign-in")})


def field_value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    value = re.search(r'value="([^"]*)"', match.group(0)) if match else None
    return value.group(1) if value else ""


def test_the_first_address_is_the_default_and_another_can_take_its_place(app, client):
    kim = make_customer(email=KIM)
    signed_in(client)
    assert add(client, HOME).status_code == 303
    assert add(client, WORK).status_code == 303
    assert saved() == [("5 Oak Ave", True, kim.id), ("9 Pine Rd", False, kim.id)]
    work_id = db.session.scalars(select(CustomerAddress.id)).all()[1]
    assert post(client, f"/account/addresses/{work_id}/default").status_code == 303
    assert saved() == [("5 Oak Ave", False, kim.id), ("9 Pine Rd", True, kim.id)]
    # deleting the default makes the oldest left the default
    assert post(client, f"/account/addresses/{work_id}/delete").status_code == 303
    assert saved() == [("5 Oak Ave", True, kim.id)]


def test_an_address_is_checked_like_at_checkout(app, client):
    make_customer(email=KIM)
    signed_in(client)
    response = add(client, {**WORK, "postal_code": "ABCDE"})
    assert response.status_code == 400
    assert "Use a 5-digit ZIP code" in response.get_data(as_text=True)
    assert saved() == []


def test_an_address_book_state_may_be_typed_by_name(app, client):
    make_customer(email=KIM)
    signed_in(client)
    assert add(client, {**WORK, "region": "Massachusetts"}).status_code == 303
    assert db.session.scalar(select(CustomerAddress.region)) == "MA"


@pytest.mark.parametrize("who", ["anonymous", "other customer", "no token"])
def test_only_the_owner_changes_an_address(app, client, who):
    # given Kim's saved address
    make_customer(email=KIM)
    add(signed_in(app.test_client()), HOME)
    [address_id] = db.session.scalars(select(CustomerAddress.id)).all()
    before = saved()
    if who == "other customer":
        signed_in(client, make_customer(email="lee@example.com").email)
    if who == "no token":
        signed_in(client)
    # when someone else (or a post without the token) makes it the default or deletes it
    for action in ("default", "delete"):
        url = f"/account/addresses/{address_id}/{action}"
        response = client.post(url) if who == "no token" else post(client, url)
        # then it is refused and the address is as it was
        assert response.status_code == {"anonymous": 303, "other customer": 404,
                                         "no token": 400}[who]
        assert saved() == before
    if who == "anonymous":  # nor can an anonymous visitor save one
        response = client.post("/account/addresses",
                               data={**WORK, "csrf_token": csrf_token(client, "/account/sign-in")})
        assert response.status_code == 303 and saved() == before


def test_checkout_starts_from_the_default_address_and_the_accounts_email(app, client, stock):
    make_customer(email=KIM)
    signed_in(client)
    add(client, WORK)
    add(client, HOME, make_default=True)
    add_to_cart(client, "BAND")
    html = client.get("/checkout").get_data(as_text=True)
    assert field_value(html, "email") == KIM and "readonly" in re.search(
        r'<input[^>]*name="email"[^>]*>', html).group(0)
    assert (field_value(html, "address1"), field_value(html, "city"),
            field_value(html, "postal_code")) == ("5 Oak Ave", "Toronto", "M5V 2T6")
    # another saved address of hers, asked for by id
    work_id = db.session.scalar(select(CustomerAddress.id).where(
        CustomerAddress.address1 == "9 Pine Rd"))
    html = client.get(f"/checkout?address={work_id}").get_data(as_text=True)
    assert field_value(html, "address1") == "9 Pine Rd"


def test_checkout_never_fills_in_someone_elses_address(app, client, stock):
    other = signed_in(app.test_client(), make_customer(email="lee@example.com").email)
    add(other, WORK)
    lee_address = db.session.scalar(select(CustomerAddress.id))
    make_customer(email=KIM)
    signed_in(client)
    add_to_cart(client, "BAND")
    html = client.get(f"/checkout?address={lee_address}").get_data(as_text=True)
    assert field_value(html, "address1") == "" and "9 Pine Rd" not in html
    assert client.get("/checkout?address=99999999999999999999").status_code == 200


def test_a_guest_checkout_is_unchanged(app, client, stock):
    add_to_cart(client, "BAND")
    html = client.get("/checkout").get_data(as_text=True)
    assert field_value(html, "email") == "" and "readonly" not in re.search(
        r'<input[^>]*name="email"[^>]*>', html).group(0)


def test_an_order_placed_while_signed_in_carries_the_accounts_email(app, client, stock):
    make_customer(email=KIM)
    signed_in(client)
    add_to_cart(client, "BAND")
    # when the form is posted with another email typed in
    response = submit_checkout(client, email="typo@example.com")
    # then the order is the account's, so it shows in its history
    assert response.status_code == 303, flashes(response)
    [order] = db.session.scalars(select(Order)).all()
    assert order.email == KIM
    assert order.number in client.get("/account").get_data(as_text=True)
