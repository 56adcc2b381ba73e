"""Fixes from the first review of customer accounts (issue 18): who may verify an email,
cancelling an order Stripe had in fact been paid for, account emails, timing, signing
out, deleting the account, and the account's order page."""
from dataclasses import replace

from sqlalchemy import func, select

from shop.accounts.customers import service
from shop.accounts.customers.models import Customer
from shop.catalog.models import Variant
from shop.checkout import service as checkout
from shop.database import utcnow
from shop.engagement.models import BackInStockRequest
from shop.extensions import db
from shop.orders.models import Order, OutgoingEmail, Refund
from shop.payments import service as payments
from shop.reviews.models import Review
from tests.accounts.test_customer_auth import (PASSWORD, account_emails, link_path, sign_up,
                                               signed_in)
from tests.checkout.conftest import app_settings, standin  # noqa: F401  (stand-in, SMTP)
from tests.checkout.test_payment_rules import DETAILS, band, cart_with, client_for  # noqa: F401
from tests.factories import make_customer, make_order, make_product
from tests.helpers import csrf_token, flashes

KIM = "kim@example.com"


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/account/sign-in"), **data})


def customer(email=KIM) -> Customer:
    db.session.expire_all()
    return db.session.scalar(select(Customer).where(Customer.email == email))


# --- #1 the verification link verifies only for the account's owner -------------------

def test_a_verification_link_does_nothing_for_someone_not_signed_in_to_its_account(app):
    # given an attacker opened an account with the victim's email (and stays signed in)
    attacker = app.test_client()
    sign_up(attacker, email=KIM, password="attackers own password")
    signed_in(attacker, KIM, "attackers own password")
    path = link_path(account_emails("customer_verify", KIM)[0])
    # when the victim, not signed in, or signed in to their own other account, clicks it
    victim = app.test_client()
    assert victim.get(path).status_code == 303  # to the sign-in page
    assert post(victim, path).status_code == 303
    make_customer(email="victim.other@example.com")
    signed_in(victim, "victim.other@example.com")
    refused = post(victim, path)
    # then the attacker's account stays unverified: it sees none of the victim's orders
    assert refused.status_code == 400
    assert customer().email_verified_at is None
    # and when the owner of the account (here the attacker) verifies it signed in, it is
    assert post(attacker, path).status_code == 303
    assert customer().email_verified_at is not None
    assert attacker.get("/account").status_code == 200  # this session goes on


def test_verifying_ends_the_accounts_other_sessions(app):
    # given an account signed in on two browsers
    phone, laptop = app.test_client(), app.test_client()
    sign_up(phone)
    signed_in(phone)
    signed_in(laptop)
    path = link_path(account_emails("customer_verify", KIM)[0])
    # when it is verified on the phone
    assert post(phone, path).status_code == 303
    # then the laptop's session has ended, the phone's goes on
    assert laptop.get("/account").status_code == 303
    assert phone.get("/account").status_code == 200


# --- #2 cancelling an order that Stripe was in fact paid for ---------------------------

def paid_at_stripe(app, standin, order):
    checkout.start_payment(order, client_for(app), success_url="http://x/s",
                           cancel_url="http://x/c", payment_methods=("card",))
    standin.pay(order.stripe_session_id, "4242424242424242")
    return client_for(app).retrieve_checkout_session(order.stripe_session_id)


def test_cancelling_an_order_paid_before_its_webhook_came_refunds_it(app, client, standin,
                                                                      band):
    # given Kim's order paid at Stripe, the webhook not in yet (still pending_payment)
    make_customer(email=KIM)
    order = checkout.place_order(cart_with(band, 1), replace(DETAILS, email=KIM), utcnow())
    session = paid_at_stripe(app, standin, order)
    assert db.session.get(Order, order.id).status == "pending_payment"
    # when Kim cancels it from the account page
    response = post(signed_in(client), f"/account/orders/{order.number}/cancel")
    # then it is cancelled and refunded in full, and Kim is told so
    assert response.status_code == 303
    told = str(flashes(client.get(response.headers["Location"])))
    assert "refunded" in told and "Nothing was charged" not in told
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status == "cancelled"
    assert order.refunded_cents == order.captured_cents > 0
    # and the webhook arriving afterwards changes nothing: no sale, no second refund
    payments.fulfil_session(session, utcnow(), client_for(app))
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "cancelled"
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 1
    variant = db.session.get(Variant, band.id)
    assert (variant.on_hand, variant.reserved) == (5, 0)


def test_a_payment_arriving_for_a_cancelled_order_is_refunded_not_honoured(app, standin,
                                                                           band):
    # given an order paid at Stripe, but cancelled here as if Stripe had been unreachable
    order = checkout.place_order(cart_with(band, 2), DETAILS, utcnow())
    session = paid_at_stripe(app, standin, order)
    assert checkout.cancel_unpaid(db.session.get(Order, order.id), note="test")
    # when its payment arrives
    outcome = payments.fulfil_session(session, utcnow(), client_for(app))
    # then it is refunded in full, the order stays cancelled and nothing is sold
    assert outcome.action == "refunded_late"
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.refunded_cents == order.captured_cents > 0
    assert order.status in ("cancelled", "refunded") and order.shipped_at is None
    variant = db.session.get(Variant, band.id)
    assert (variant.on_hand, variant.reserved) == (5, 0)
    # and the refund says why: the order was cancelled (its checkout did not expire)
    assert db.session.scalars(select(Refund.reason)).all() == ["Paid after the order was cancelled"]


# --- #3 account emails: no typed text, at most one per 15 minutes ---------------------

def test_the_verification_email_carries_no_name_typed_at_sign_up(app, client):
    sign_up(client, name="Kim\n\nYour account is locked: http://evil.example/login")
    body = account_emails("customer_verify", KIM)[0].body
    assert "evil" not in body and "locked" not in body


def test_account_emails_go_out_once_per_quarter_hour_per_account(app, client):
    # given an unverified account signed in, and an email that already has an account
    sign_up(client)
    signed_in(client)
    make_customer(email="ann@example.com")
    # when resends, sign-ups with the taken email and resets are asked for again and again
    for _ in range(3):
        post(client, "/account/verify/resend")
        sign_up(app.test_client(), email="ann@example.com")
        post(app.test_client(), "/account/forgot", email="ann@example.com")
    # then each kind went out once to each address
    assert len(account_emails("customer_verify", KIM)) == 1
    assert len(account_emails("customer_signup_exists", "ann@example.com")) == 1
    assert len(account_emails("customer_reset", "ann@example.com")) == 1


# --- #6 sign-up and reset do the same work whether or not the email is taken ---------

def test_sign_up_hashes_the_password_whether_or_not_the_email_is_taken(app, monkeypatch):
    make_customer(email="ann@example.com")
    hashed = []
    real = service.hash_password
    monkeypatch.setattr(service, "hash_password",
                        lambda password: hashed.append(password) or real(password))
    service.sign_up("ann@example.com", PASSWORD)
    service.sign_up("new@example.com", PASSWORD)
    assert len(hashed) == 2


def test_a_reset_for_an_unknown_email_signs_a_link_as_for_a_known_one(app, monkeypatch):
    from shop.accounts.customers import tokens
    make_customer(email="ann@example.com")
    signed = []
    real = tokens.reset_token
    monkeypatch.setattr(tokens, "reset_token", lambda *a: signed.append(a) or real(*a))
    service.request_password_reset("nobody@example.com")
    service.request_password_reset("ann@example.com")
    assert len(signed) == 2


# --- #7 signing out or deleting the account closes the order pages it opened ---------

def test_signing_out_closes_the_order_pages_the_account_opened(app, client):
    make_customer(email=KIM)
    order = make_order(email=KIM, status="paid")
    signed_in(client)
    assert client.get(f"/account/orders/{order.number}").status_code == 200
    assert client.get(f"/track/{order.number}").status_code == 200
    assert post(client, "/account/sign-out").status_code == 303
    page = client.get(f"/track/{order.number}")
    assert "1 Main St" not in page.get_data(as_text=True)


def test_deleting_the_account_closes_the_order_pages_it_opened(app, client):
    make_customer(email=KIM)
    order = make_order(email=KIM, status="paid")
    signed_in(client)
    client.get(f"/account/orders/{order.number}")
    assert post(client, "/account/delete", password=PASSWORD, confirm="y").status_code == 303
    assert "1 Main St" not in client.get(f"/track/{order.number}").get_data(as_text=True)


# --- #12 deleting the account: reviews, alerts, sent email -----------------------------

def test_deleting_the_account_anonymises_reviews_drops_alerts_and_sent_bodies(app, client):
    # given Kim's review, open back-in-stock alert, a sent order email and a code use
    kim = make_customer(email=KIM)
    product = make_product(name="Loop Bands")
    order = make_order(lines=[(product.variants[0], 1)], email=KIM, status="paid")
    db.session.add(Review(product_id=product.id, order_id=order.id, email=KIM, author="Kim L",
                          rating=5, body="Great bands, solid and well made.", status="approved"))
    db.session.add(BackInStockRequest(variant_id=product.variants[0].id, email=KIM,
                                      token="t" * 40, status="confirmed"))
    db.session.add(OutgoingEmail(kind="order_confirmation", dedupe_key=order.number, to=KIM,
                                 subject="Order confirmed", body="Dear Kim, 1 Main St",
                                 status="sent", order_id=order.id))
    db.session.add(OutgoingEmail(kind="back_in_stock", dedupe_key="restock-1", to=KIM,
                                 subject="Back in stock", body="Loop Bands are back",
                                 status="sent",
                                 list_unsubscribe_url="https://shop.test/x/" + "t" * 40))
    db.session.commit()
    assert kim.id
    # when Kim deletes the account
    signed_in(client)
    assert post(client, "/account/delete", password=PASSWORD, confirm="y").status_code == 303
    # then nothing with Kim's email or name is left there
    db.session.expire_all()
    review = db.session.scalar(select(Review))
    assert review.email != KIM and review.author == "A former customer"
    assert review.status == "approved"
    assert db.session.scalar(select(func.count()).select_from(BackInStockRequest)) == 0
    assert db.session.execute(select(OutgoingEmail.body, OutgoingEmail.list_unsubscribe_url)
                              .where(OutgoingEmail.to == KIM)).all() == [("", None), ("", None)]
    # and the order stays, for the books
    assert db.session.get(Order, order.id).email == KIM


# --- #17 the account's order page shows the money --------------------------------------

def test_the_accounts_order_page_shows_subtotal_shipping_and_tax(app, client):
    make_customer(email=KIM)
    order = make_order(email=KIM, status="paid")
    signed_in(client)
    page = client.get(f"/account/orders/{order.number}").get_data(as_text=True)
    assert 'data-testid="order-totals"' in page
    assert "Subtotal" in page and "Shipping" in page and "Sales tax" in page


# --- #15 a customer's cancellation racing staff packing the order ----------------------

def test_an_order_packed_while_its_cancellation_refund_is_made_is_not_cancelled(app, standin,
                                                                                 band, monkeypatch):
    from shop.accounts.customers import orders as customer_orders
    from shop.backoffice import fulfilment
    from shop.payments import refunds
    # given Kim's paid order
    kim = make_customer(email=KIM)
    order = checkout.place_order(cart_with(band, 1), replace(DETAILS, email=KIM), utcnow())
    payments.fulfil_session(paid_at_stripe(app, standin, order), utcnow(), client_for(app))
    # when staff pack it while Kim's cancellation is on its way to the refund (once the
    # refund has claimed the payment, packing is refused: test_pending_refunds_and_stock.py)
    client = client_for(app)
    real_refund_order = refunds.refund_order

    def pack_then_refund(*args, **kwargs):
        fulfilment.mark_packed(order.number, "staff@example.com")
        return real_refund_order(*args, **kwargs)
    monkeypatch.setattr(refunds, "refund_order", pack_then_refund)
    try:
        customer_orders.cancel(kim, order.number, client)
        told = ""
    except customer_orders.CancelRefused as refused:
        told = str(refused)
    # then the money is back and the order can't ship, but it is not cancelled and its
    # stock is not put back while the box is packed; Kim is told so
    assert "packed" in told and "refunded" in told
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.refunded_cents == order.captured_cents > 0
    assert order.status == "refunded" and order.shipped_at is None
    assert db.session.get(Variant, band.id).on_hand == 4
