"""Deleting an account: the account, its addresses and its account emails are erased; its
orders stay for the books; refusals change nothing."""
import pytest
from sqlalchemy import func, select

from shop.accounts.customers.models import Customer, CustomerAddress
from shop.extensions import db
from shop.orders.models import Order, OutgoingEmail
from tests.accounts.test_customer_addresses import HOME, add
from tests.accounts.test_customer_auth import PASSWORD, ask_reset, signed_in
from tests.factories import make_customer, make_order
from tests.helpers import csrf_token

KIM = "kim@example.com"


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def delete(client, password=PASSWORD, confirm=True):
    data = {"password": password, "csrf_token": csrf_token(client, "/account/sign-in")}
    if confirm:
        data["confirm"] = "y"
    return client.post("/account/delete", data=data)


@pytest.fixture
def kims_account(app, client):
    """Kim, signed in, with an address, a reset email, an order, and a stranger's order."""
    make_customer(email=KIM)
    signed_in(client)
    add(client, HOME)
    ask_reset(client)
    order = make_order(email=KIM, status="delivered")
    make_order(email="lee@example.com")
    make_customer(email="lee@example.com")
    return order


def snapshot():
    return (count(Customer), count(CustomerAddress), count(OutgoingEmail), count(Order))


def test_deleting_the_account_erases_it_and_keeps_its_orders(app, client, kims_account):
    order = kims_account
    before = {c: getattr(order, c) for c in ("email", "name", "address1", "status", "total_cents")}
    # when Kim deletes her account with her password
    response = delete(client)
    # then the account, its address and its account emails are gone; Lee's account stays
    assert response.status_code == 303
    assert count(Customer, Customer.email == KIM) == 0 and count(Customer) == 1
    assert count(CustomerAddress) == 0
    assert count(OutgoingEmail, OutgoingEmail.to == KIM) == 0
    # and the orders are kept as they were, for the books
    assert count(Order) == 2
    kept = db.session.get(Order, order.id)
    assert {c: getattr(kept, c) for c in before} == before
    # and she is signed out; her password opens nothing
    assert client.get("/account").status_code == 303
    assert client.post("/account/sign-in", data={
        "email": KIM, "password": PASSWORD,
        "csrf_token": csrf_token(client, "/account/sign-in")}).status_code == 401
    # and the order can still be followed by number and email
    found = client.post("/track", data={"number": order.number, "email": KIM,
                                        "csrf_token": csrf_token(client, "/track")})
    assert found.status_code == 303


@pytest.mark.parametrize("case", ["wrong password", "not confirmed", "no token", "anonymous"])
def test_a_refused_deletion_changes_nothing(app, client, kims_account, case):
    before = snapshot()
    if case == "anonymous":
        client = app.test_client()
    if case == "no token":
        response = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    else:
        response = delete(client, password="not the password at all" if case == "wrong password"
                          else PASSWORD, confirm=case != "not confirmed")
    assert response.status_code == (303 if case == "anonymous" else 400)
    assert snapshot() == before


def test_a_deleted_accounts_other_sessions_end(app, client, kims_account):
    elsewhere = signed_in(app.test_client())
    assert delete(client).status_code == 303
    assert elsewhere.get("/account").status_code == 303
