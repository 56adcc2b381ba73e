"""Staff sessions: how long they last, what ends them, and how sign-in is throttled."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from shop.accounts.models import StaffUser
from shop.accounts.service import create_staff
from shop.accounts.sessions import SIGNED_IN_AT
from shop.extensions import db, limiter
from tests.backoffice.conftest import PASSWORD, sign_in
from tests.helpers import csrf_token


@pytest.fixture
def staff(app):
    return create_staff("sam@example.com", PASSWORD, "staff", "Sam")


def attempt(client, email, password, ip):
    """One sign-in POST from the client address `ip`."""
    token = csrf_token(client, "/admin/login")
    return client.post("/admin/login", data={"email": email, "password": password,
                                             "csrf_token": token},
                       environ_base={"REMOTE_ADDR": ip}).status_code


def test_a_staff_session_ends_staff_session_hours_after_sign_in(app, client, staff):
    # given a member of staff who signed in 7 hours 59 minutes ago (an 8-hour setting)
    assert app.config["STAFF_SESSION_HOURS"] == 8
    sign_in(client, staff)
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] -= 8 * 3600 - 60
    assert client.get("/admin/").status_code == 200
    # when two more minutes pass, however busy the session was
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] -= 120
    response = client.get("/admin/")
    # then the back office asks them to sign in again
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


@pytest.mark.parametrize("app_settings", [{"STAFF_SESSION_HOURS": 2}])
def test_the_session_cookie_lives_staff_session_hours_not_31_days(app, client, staff):
    # given sessions set to last 2 hours
    # when a member of staff signs in
    sign_in(client, staff)
    # then Flask signs and checks the cookie for 2 hours, and the browser keeps it as long
    assert app.permanent_session_lifetime == timedelta(hours=2)
    cookie = client.get_cookie("session", domain="shop.test")
    assert cookie.expires is not None
    lifetime = cookie.expires.timestamp() - datetime.now(timezone.utc).timestamp()
    assert 2 * 3600 - 60 < lifetime <= 2 * 3600


def test_a_password_change_ends_the_accounts_other_sessions(app, client, staff):
    # given the same account signed in on two browsers
    elsewhere = sign_in(app.test_client(), staff)
    sign_in(client, staff)
    # when it changes its password on one
    token = csrf_token(client, "/admin/password")
    response = client.post("/admin/password", data={
        "current": PASSWORD, "new": "another long password", "confirm": "another long password",
        "csrf_token": token})
    # then that one stays signed in, the other is signed out, and the version moved on
    assert response.status_code == 303
    assert client.get("/admin/").status_code == 200
    assert elsewhere.get("/admin/").status_code == 302
    assert db.session.scalar(select(StaffUser.session_version)
                             .where(StaffUser.id == staff.id)) == 2


@pytest.mark.parametrize("app_settings", [{"RATE_LIMIT_LOGIN_ACCOUNT": "3 per minute"}])
def test_sign_in_is_throttled_per_account_whatever_the_client(app, client, staff):
    limiter.reset()
    # given three wrong passwords for one account, each from a different address
    assert [attempt(client, "Sam@Example.com ", "wrong", f"10.0.0.{n}")
            for n in (1, 2, 3)] == [401, 401, 401]
    # when a fourth address tries that account, even with the right password
    blocked = attempt(client, "sam@example.com", PASSWORD, "10.0.0.4")
    # then it is refused for now, while another account still signs in from there
    assert blocked == 429
    create_staff("mia@example.com", PASSWORD, "manager")
    assert attempt(client, "mia@example.com", PASSWORD, "10.0.0.4") == 303


@pytest.mark.parametrize("app_settings", [{"RATE_LIMIT_LOGIN_ACCOUNT": "2 per minute"}])
def test_successful_sign_ins_do_not_count_against_the_account(app, client, staff):
    limiter.reset()
    # given an account signing in successfully three times
    statuses = [attempt(app.test_client(), staff.email, PASSWORD, "10.0.0.1")
                for _ in range(3)]
    # then none of them is throttled
    assert statuses == [303, 303, 303]


@pytest.mark.parametrize("app_settings", [{"RATE_LIMIT_LOGIN_ACCOUNT": "10 per minute"}])
def test_a_device_cookie_lets_the_account_in_past_failures_from_elsewhere(app, client, staff):
    limiter.reset()
    # given the manager signed in once on their own browser (it keeps a device cookie)
    assert attempt(client, staff.email, PASSWORD, "10.0.1.1") == 303
    cookie = client.get_cookie("staff_device", domain="shop.test")
    assert cookie is not None and cookie.http_only
    # and ten wrong passwords for that account from ten other addresses
    assert [attempt(app.test_client(), staff.email, "wrong", f"10.0.0.{n}")
            for n in range(10)] == [401] * 10
    # when the manager signs in again from their browser with the right password
    signed_in = attempt(client, staff.email, PASSWORD, "10.0.1.1")
    # then they are in, while a browser without the cookie is still refused
    assert signed_in == 303
    assert attempt(app.test_client(), staff.email, PASSWORD, "10.0.1.2") == 429


@pytest.mark.parametrize("app_settings", [{"RATE_LIMIT_LOGIN_ACCOUNT": "2 per minute"}])
def test_a_device_cookie_for_another_account_does_not_exempt(app, client, staff):
    limiter.reset()
    # given a browser with a device cookie for another account
    create_staff("mia@example.com", PASSWORD, "manager")
    assert attempt(client, "mia@example.com", PASSWORD, "10.0.1.1") == 303
    # and two wrong passwords for sam from elsewhere
    assert [attempt(app.test_client(), staff.email, "wrong", f"10.0.0.{n}")
            for n in (1, 2)] == [401, 401]
    # when that browser tries sam's account with the right password
    status = attempt(client, staff.email, PASSWORD, "10.0.1.1")
    # then the per-account limit still applies
    assert status == 429


@pytest.mark.parametrize("app_settings", [{"RATE_LIMIT_LOGIN": "3 per minute"}])
def test_a_device_cookie_does_not_lift_the_per_client_limit(app, client, staff):
    limiter.reset()
    # given a browser with sam's device cookie
    assert attempt(client, staff.email, PASSWORD, "10.0.1.1") == 303
    # when it keeps guessing from its address
    statuses = [attempt(client, staff.email, "wrong", "10.0.1.1") for _ in range(3)]
    # then its own per-client limit still stops it
    assert statuses == [401, 401, 429]


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\r\n/evil.example", "\\/evil.example"])
def test_sign_in_refuses_a_next_browsers_read_as_another_host(app, client, staff, target):
    limiter.reset()
    # given a sign-in link whose `next` hides another host behind control characters
    token = csrf_token(client, "/admin/login")
    # when the member of staff signs in through it
    response = client.post("/admin/login", query_string={"next": target}, data={
        "email": staff.email, "password": PASSWORD, "csrf_token": token})
    # then they land on the dashboard, signed in
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
