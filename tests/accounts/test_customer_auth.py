"""Customer accounts: sign up, sign in and out, email verification, password reset and
change, throttling, and the wall between customers and the back office."""
import re

import pytest
from sqlalchemy import func, select

from shop.accounts.customers import tokens
from shop.accounts.customers.models import Customer
from shop.accounts.models import StaffUser
from shop.accounts.service import create_staff
from shop.extensions import db
from shop.orders.models import Order, OutgoingEmail
from tests.factories import make_customer, make_order
from tests.helpers import csrf_token, flashes

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new long password"


def sign_in_customer(client, email="kim@example.com", password=PASSWORD, **kwargs):
    """POST the sign-in form with a CSRF token, as a person would."""
    token = csrf_token(client, "/account/sign-in")
    return client.post("/account/sign-in", data={"email": email, "password": password,
                                                 "csrf_token": token}, **kwargs)


def signed_in(client, email="kim@example.com", password=PASSWORD):
    response = sign_in_customer(client, email, password)
    assert response.status_code == 303, flashes(response)
    return client


def account_emails(kind=None, to=None):
    query = select(OutgoingEmail).where(OutgoingEmail.kind.like("customer_%"))
    if kind:
        query = query.where(OutgoingEmail.kind == kind)
    if to:
        query = query.where(OutgoingEmail.to == to)
    return db.session.scalars(query.order_by(OutgoingEmail.id)).all()


def link_path(email: OutgoingEmail) -> str:
    """The /account/... path of the link in an account email."""
    return re.search(r"https?://[^/\s]+(/account/\S+)", email.body).group(1)


def customers():
    db.session.expire_all()
    return db.session.scalars(select(Customer).order_by(Customer.id)).all()


def sign_up(client, email="kim@example.com", password=PASSWORD, confirm=None, name="Kim"):
    token = csrf_token(client, "/account/sign-up")
    return client.post("/account/sign-up", data={
        "name": name, "email": email, "password": password,
        "confirm": password if confirm is None else confirm, "csrf_token": token})


# --- sign up ---------------------------------------------------------------------------

def test_signing_up_makes_an_unverified_account_and_queues_a_verification_link(app, client):
    # when a visitor signs up
    response = sign_up(client, email="Kim@Example.com ")
    # then the account exists, unverified, with a hashed password
    assert response.status_code == 303 and "/account/sign-in" in response.headers["Location"]
    [customer] = customers()
    assert customer.email == "kim@example.com" and not customer.verified
    assert PASSWORD not in customer.password_hash
    # and the link waits in the outbox (no mail was sent during the request)
    [email] = account_emails("customer_verify")
    assert (email.to, email.status) == ("kim@example.com", "queued")
    assert link_path(email).startswith("/account/verify/")


def test_signing_up_with_a_taken_email_looks_the_same_and_changes_nothing(app, client):
    # given an account
    owner = make_customer()
    before = owner.password_hash
    # when someone signs up with its email and another password
    response = sign_up(client, password="someone elses password")
    # then the answer is the one a new account gets; the account is untouched
    assert response.status_code == 303 and "/account/sign-in" in response.headers["Location"]
    assert "If kim@example.com can have an account here" in flashes(client.get("/account/sign-in"))
    [customer] = customers()
    assert customer.password_hash == before
    # and the owner is told by email, not the visitor
    assert [e.kind for e in account_emails()] == ["customer_signup_exists"]


@pytest.mark.parametrize("password, confirm, message", [
    ("short", None, "Use 12 to 200 characters."),
    (PASSWORD, "something else entirely", "The two passwords differ."),
])
def test_sign_up_refuses_weak_or_mismatched_passwords(app, client, password, confirm, message):
    response = sign_up(client, password=password, confirm=confirm)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert customers() == [] and account_emails() == []


def test_sign_up_without_a_csrf_token_is_refused(app, client):
    response = client.post("/account/sign-up", data={"email": "kim@example.com",
                                                      "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 400 and customers() == []


# --- sign in and out -------------------------------------------------------------------

def test_a_customer_signs_in_sees_the_account_and_signs_out(app, client):
    make_customer()
    # when they sign in
    response = sign_in_customer(client)
    # then they land on their account
    assert response.status_code == 303 and response.headers["Location"].endswith("/account")
    assert "Signed in as" in client.get("/account").get_data(as_text=True)
    # when they sign out (a POST with the token)
    response = client.post("/account/sign-out", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 303
    # then the account asks them to sign in again
    assert "/account/sign-in" in client.get("/account").headers["Location"]


def test_a_wrong_password_or_unknown_email_is_refused_alike(app, client):
    make_customer()
    wrong = sign_in_customer(client, password="not the password at all")
    unknown = sign_in_customer(client, email="nobody@example.com")
    assert wrong.status_code == unknown.status_code == 401
    assert flashes(wrong) == flashes(unknown) == "That email and password don't match an account."
    assert client.get("/account").status_code == 303


def test_sign_out_without_a_csrf_token_keeps_the_session(app, client):
    make_customer()
    signed_in(client)
    assert client.post("/account/sign-out").status_code == 400
    assert client.get("/account").status_code == 200


def test_sign_in_goes_back_only_to_a_local_next(app, client):
    make_customer()
    token = csrf_token(client, "/account/sign-in")
    data = {"email": "kim@example.com", "password": PASSWORD, "csrf_token": token}
    local = client.post("/account/sign-in?next=/account/addresses", data=data)
    assert local.headers["Location"].endswith("/account/addresses")
    away = client.post("/account/sign-in?next=//evil.example/x", data=data)
    assert away.headers["Location"].endswith("/account")


# --- verification and the orders it unlocks --------------------------------------------

def test_guest_orders_appear_once_the_email_is_verified(app, client):
    # given a guest order, then an account with that email (not verified yet)
    order = make_order(status="shipped", email="kim@example.com", carrier="UPS",
                       tracking_number="1Z999", tracking_url="https://ups.example/1Z999")
    sign_up(client)
    signed_in(client)
    page = client.get("/account").get_data(as_text=True)
    assert order.number not in page and 'data-testid="verify-banner"' in page
    # when they open the emailed link and confirm
    [email] = account_emails("customer_verify")
    path = link_path(email)
    assert client.get(path).status_code == 200  # a button: mail scanners only GET
    assert not customers()[0].verified
    response = client.post(path, data={"csrf_token": csrf_token(client, path)})
    # then the account is verified and lists the guest order with status and tracking
    assert response.status_code == 303 and customers()[0].verified
    page = client.get("/account").get_data(as_text=True)
    assert order.number in page and "Shipped" in page and "1Z999" in page


def test_a_forged_or_expired_verification_link_verifies_nothing(app, client, monkeypatch):
    make_customer(verified=False)
    signed_in(client)
    forged = "/account/verify/" + tokens.verify_token(1, "kim@example.com")[:-3] + "abc"
    assert client.post(forged, data={"csrf_token": csrf_token(client, forged)}).status_code == 400
    good = "/account/verify/" + tokens.verify_token(customers()[0].id, "kim@example.com")
    monkeypatch.setattr(tokens, "VERIFY_MAX_AGE", -1)  # every link is now too old
    assert client.post(good, data={"csrf_token": csrf_token(client, good)}).status_code == 400
    assert not customers()[0].verified


def test_a_verification_link_only_verifies_the_email_it_was_sent_to(app, client):
    customer = make_customer(verified=False)
    signed_in(client)
    path = "/account/verify/" + tokens.verify_token(customer.id, "old@example.com")
    assert client.post(path, data={"csrf_token": csrf_token(client, path)}).status_code == 400
    assert not customers()[0].verified


def test_orders_of_other_emails_never_appear(app, client):
    mine = make_order(email="kim@example.com")
    theirs = make_order(email="someone@example.com")
    make_customer()
    page = signed_in(client).get("/account").get_data(as_text=True)
    assert mine.number in page and theirs.number not in page


def test_resending_the_verification_link_needs_the_token_and_a_session(app, client):
    make_customer(verified=False)
    anonymous = client.post("/account/verify/resend",
                            data={"csrf_token": csrf_token(client, "/account/sign-in")})
    assert anonymous.status_code == 303
    assert account_emails() == []
    signed_in(client)
    assert client.post("/account/verify/resend").status_code == 400
    assert account_emails() == []
    response = client.post("/account/verify/resend",
                           data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 303 and len(account_emails("customer_verify")) == 1


# --- password reset --------------------------------------------------------------------

def ask_reset(client, email="kim@example.com"):
    token = csrf_token(client, "/account/forgot")
    return client.post("/account/forgot", data={"email": email, "csrf_token": token})


def choose(client, path, password=NEW_PASSWORD):
    """POST a new password to a reset link, with a valid token (a dead link shows no form)."""
    return client.post(path, data={"password": password, "confirm": password,
                                   "csrf_token": csrf_token(client, "/account/forgot")})


def test_a_reset_link_sets_a_new_password_once_and_signs_out_other_sessions(app, client):
    # given an account signed in on another browser
    make_customer(verified=False)
    elsewhere = signed_in(app.test_client())
    # when its owner asks for a reset link and uses it
    response = ask_reset(client)
    assert response.status_code == 303
    [email] = account_emails("customer_reset")
    path = link_path(email)
    response = choose(client, path)
    # then the new password works, the old does not, and this browser is signed in
    assert response.status_code == 303 and client.get("/account").status_code == 200
    assert sign_in_customer(app.test_client(), password=NEW_PASSWORD).status_code == 303
    assert sign_in_customer(app.test_client(), password=PASSWORD).status_code == 401
    # and the other browser was signed out; the link proved the inbox, so it is verified
    assert elsewhere.get("/account").status_code == 303
    assert customers()[0].verified
    # and the link works only once
    again = app.test_client()
    assert again.get(path).status_code == 303  # to /account/forgot, with why
    assert choose(again, path, "yet another long password").status_code == 303
    assert sign_in_customer(app.test_client(), password=NEW_PASSWORD).status_code == 303


def test_a_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(app, client):
    make_customer()
    known, unknown = ask_reset(client), ask_reset(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 303
    assert [e.to for e in account_emails()] == ["kim@example.com"]


def test_a_reset_link_dies_when_the_customer_signs_in_and_when_it_expires(app, client, monkeypatch):
    make_customer()
    ask_reset(client)
    path = link_path(account_emails("customer_reset")[0])
    # when the customer remembers the password and signs in, the link is dead
    signed_in(app.test_client())
    assert choose(client, path).status_code == 303
    assert sign_in_customer(app.test_client(), password=NEW_PASSWORD).status_code == 401
    # and a fresh link is refused once it is too old
    ask_reset(client)
    path = link_path(account_emails("customer_reset")[-1])
    monkeypatch.setattr(tokens, "RESET_MAX_AGE", -1)
    assert choose(client, path).status_code == 303
    assert sign_in_customer(app.test_client(), password=NEW_PASSWORD).status_code == 401


def test_a_tampered_reset_link_is_refused(app, client):
    customer = make_customer()
    forged = tokens.reset_token(customer.id, "not-the-hash", customer.last_login_at)
    assert choose(client, f"/account/reset/{forged}").status_code == 303
    assert sign_in_customer(app.test_client(), password=NEW_PASSWORD).status_code == 401


# --- password change -------------------------------------------------------------------

def change(client, current, new=NEW_PASSWORD):
    return client.post("/account/password", data={
        "current": current, "new": new, "confirm": new,
        "csrf_token": csrf_token(client, "/account/password")})


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, client):
    make_customer()
    elsewhere = signed_in(app.test_client())
    signed_in(client)
    assert change(client, "not my current password").status_code == 400
    assert elsewhere.get("/account").status_code == 200
    assert change(client, PASSWORD).status_code == 303
    assert client.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 303


# --- throttling, as for staff ----------------------------------------------------------

def attempt(client, password, ip, email="kim@example.com"):
    return sign_in_customer(client, email, password, environ_base={"REMOTE_ADDR": ip}).status_code


@pytest.mark.parametrize("app_settings", [{"RATE_LIMIT_LOGIN_ACCOUNT": "3 per minute"}])
def test_failed_sign_ins_to_one_account_are_limited_across_clients(app, client):
    make_customer()
    # given three wrong passwords from three addresses
    assert [attempt(client, "wrong password!", f"10.0.0.{n}") for n in (1, 2, 3)] == [401] * 3
    # then a fourth try at that account, even with the right password, waits
    assert attempt(client, PASSWORD, "10.0.0.4") == 429
    # while another account is not held up
    make_customer(email="lee@example.com")
    assert attempt(client, PASSWORD, "10.0.0.5", email="lee@example.com") == 303


@pytest.mark.parametrize("app_settings", [{"RATE_LIMIT_LOGIN_ACCOUNT": "2 per minute"}])
def test_a_device_cookie_lets_the_customer_in_past_failures_from_elsewhere(app, client):
    make_customer()
    assert attempt(client, PASSWORD, "10.0.0.1") == 303  # this browser gets a device cookie
    attacker = app.test_client()
    assert [attempt(attacker, "wrong password!", "10.0.0.9") for _ in range(3)] == [401, 401, 429]
    assert attempt(client, PASSWORD, "10.0.0.1") == 303


@pytest.mark.parametrize("app_settings", [{"RATE_LIMIT_LOGIN": "2 per minute"}])
def test_sign_ins_from_one_client_are_limited(app, client):
    make_customer()
    assert [attempt(client, "wrong password!", "10.0.0.7") for _ in range(3)] == [401, 401, 429]


@pytest.mark.parametrize("app_settings", [{"RATE_LIMIT_LOGIN_ACCOUNT": "2 per minute"}])
def test_reset_emails_to_one_account_are_limited(app, client):
    make_customer()
    assert [ask_reset(client).status_code for _ in range(3)] == [303, 303, 429]
    assert len(account_emails("customer_reset")) == 1  # and one email per 15 minutes


# --- customers and the back office -----------------------------------------------------

def test_a_signed_in_customer_cannot_reach_the_back_office(app, client):
    # given a paid order and a signed-in customer whose email is also a staff member's
    order = make_order(status="paid")
    create_staff("kim@example.com", "the staff members own password", "manager")
    make_customer()
    signed_in(client)
    # then the back office still asks for a staff sign-in
    assert "/admin/login" in client.get("/admin/").headers["Location"]
    token = csrf_token(client, "/account")
    response = client.post(f"/admin/orders/{order.number}/pack", data={"csrf_token": token})
    assert response.status_code in (302, 303) and "/admin/login" in response.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "paid"
    # and the customer's password does not open the staff account of the same email
    staff_try = client.post("/admin/login", data={"email": "kim@example.com", "password": PASSWORD,
                                                  "csrf_token": csrf_token(client, "/admin/login")})
    assert staff_try.status_code == 401
    assert db.session.scalar(select(func.count()).select_from(StaffUser)) == 1


def test_a_staff_sign_in_is_not_a_customer_session(app, client):
    staff = create_staff("sam@example.com", PASSWORD, "staff")
    client.post("/admin/login", data={"email": staff.email, "password": PASSWORD,
                                      "csrf_token": csrf_token(client, "/admin/login")})
    assert client.get("/admin/").status_code == 200
    assert "/account/sign-in" in client.get("/account").headers["Location"]


def test_one_reset_link_used_twice_at_once_sets_one_password(app, backend):
    if backend != "postgresql":
        pytest.skip("real concurrency: PostgreSQL")
    from shop.accounts.customers import service
    from tests.helpers import outcome, run_concurrently
    # given a reset link
    customer = make_customer()
    token = tokens.reset_token(customer.id, customer.password_hash, customer.last_login_at)
    # when two requests use it at the same moment with different passwords
    results = run_concurrently(app, [
        lambda: service.reset_password(token, "first new long password") and "first",
        lambda: service.reset_password(token, "second new long password") and "second"])
    # then exactly one password was set, and it is the one that works
    assert sorted(outcome(r) for r in results) == ["AccountError", "done"], results
    winner = next(r for r in results if isinstance(r, str))
    client = app.test_client()
    assert sign_in_customer(client, password=f"{winner} new long password").status_code == 303
