"""The back office's customer list: guests and account holders, searchable, orders linked."""
import re

from shop.extensions import db
from tests.factories import make_customer, make_order
from tests.helpers import csrf_token


def rows(html: str) -> list[str]:
    body = re.search(r'data-testid="customers".*?<tbody>(.*?)</tbody>', html, re.S)
    return re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S) if body else []


def test_the_list_joins_guests_and_accounts_with_their_orders(as_staff):
    # given a guest with two orders, an account with one, an account without orders
    first = make_order(email="guest@example.com", status="delivered")
    second = make_order(email="guest@example.com", status="paid")
    mine = make_order(email="kim@example.com", status="shipped")
    make_order(email="gone@example.com", status="expired")  # never paid: not a customer
    make_customer(email="kim@example.com", name="Kim Lifter")
    make_customer(email="new@example.com", verified=False)
    # when staff open the customer list
    html = as_staff.get("/admin/customers").get_data(as_text=True)
    listed = rows(html)
    # then each email is one row, latest buyers first, with account state and orders linked
    assert len(listed) == 3 and "gone@example.com" not in html
    assert "kim@example.com" in listed[0] and "guest@example.com" in listed[1]
    assert "new@example.com" in listed[2] and "email not confirmed" in listed[2]
    assert "Kim Lifter" in listed[0] and "Account, email confirmed" in listed[0]
    assert "Guest" in listed[1]
    for order in (first, second):
        assert f'href="/admin/orders/{order.number}"' in listed[1]
    assert f'href="/admin/orders/{mine.number}"' in listed[0]
    assert re.search(r'href="/admin/orders\?q=guest(@|%40)example.com">2</a>', listed[1])


def test_the_list_is_searchable_by_email_and_paginated(as_staff):
    for n in range(55):
        make_order(email=f"buyer{n:02d}@example.com")
    make_customer(email="kim@example.com")
    html = as_staff.get("/admin/customers?q=KIM@").get_data(as_text=True)
    assert len(rows(html)) == 1 and "kim@example.com" in html
    first = as_staff.get("/admin/customers").get_data(as_text=True)
    second = as_staff.get("/admin/customers?page=2").get_data(as_text=True)
    assert len(rows(first)) == 50 and len(rows(second)) == 6
    assert "Page 1 of 2" in first
    # odd input is answered, not a 500
    assert as_staff.get("/admin/customers?q=%25_" + "x" * 400 + "&page=abc").status_code == 200


def test_the_customer_list_is_for_staff_only(app, client):
    make_order(email="guest@example.com")
    response = client.get("/admin/customers")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    # a signed-in customer is no member of staff
    make_customer()
    client.post("/account/sign-in", data={"email": "kim@example.com",
                                          "password": "correct horse battery staple",
                                          "csrf_token": csrf_token(client, "/account/sign-in")})
    response = client.get("/admin/customers")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_the_admin_menu_links_the_customer_list(as_staff):
    html = as_staff.get("/admin/customers").get_data(as_text=True)
    assert 'href="/admin/customers"' in html
    db.session.rollback()
