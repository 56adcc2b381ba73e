"""The whole purchase against the local Stripe stand-in: pay, decline, expire, replay, tamper."""
import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from sqlalchemy import func, select

from shop.catalog.models import StockMovement, Variant
from shop.extensions import db
from shop.orders import emails
from shop.orders.models import Order, OutgoingEmail, StripeEvent
from tests.checkout.conftest import stripe_get, wait_for
from tests.helpers import csrf_token, flashes
from tests.payments.standin_fixture import sign_payload

ADDRESS = {"email": "sam@example.com", "name": "Sam Lifter", "phone": "555-0100",
           "address1": "1 Main St", "address2": "", "city": "Albany", "region": "NY",
           "postal_code": "12207", "country": "US", "shipping_method": "standard",
           "note": ""}


def add_to_cart(client, sku, quantity=1):
    token = csrf_token(client, "/products/loop-bands")
    client.post("/cart/add", data={"sku": sku, "quantity": quantity, "csrf_token": token})


def submit_checkout(client, **changes):
    data = {**ADDRESS, **changes, "csrf_token": csrf_token(client, "/checkout")}
    return client.post("/checkout", data=data)


def checkout(client, sku="BAND", quantity=2, **changes):
    add_to_cart(client, sku, quantity)
    response = submit_checkout(client, **changes)
    assert response.status_code == 303, flashes(response) or response.get_data(as_text=True)
    session_id = urlparse(response.headers["Location"]).path.rsplit("/", 1)[-1]
    order = db.session.scalar(select(Order).where(Order.stripe_session_id == session_id))
    return order, session_id


def variant(sku):
    db.session.expire_all()
    return db.session.scalar(select(Variant).where(Variant.sku == sku))


def sales(sku):
    return db.session.scalar(select(func.count()).select_from(StockMovement).join(Variant)
                             .where(Variant.sku == sku, StockMovement.reason == "sale"))


def test_checkout_creates_a_pending_order_and_reserves_stock(client, wired, stock):
    # when a customer checks out two band sets
    order, session_id = checkout(client)
    # then the order waits for payment with server prices, and two units are held
    assert order.status == "pending_payment"
    assert order.subtotal_cents == 5_800 and order.shipping_cents == 790
    assert order.total_cents == 6_590
    assert variant("BAND").reserved == 2 and variant("BAND").on_hand == 5
    # and Stripe was asked for exactly that total before tax, with the order in its metadata,
    # and added the sales tax for the New York address (the stand-in's sample 8.875%)
    session = stripe_get(wired, f"/v1/checkout/sessions/{session_id}")
    assert session["amount_subtotal"] == 6_590
    assert session["total_details"]["amount_tax"] == 515 + 70
    assert session["amount_total"] == 6_590 + 585
    assert session["metadata"]["order_number"] == order.number


def test_a_checkout_reads_the_cart_once_and_never_reads_its_new_order_back(
        client, wired, stock, count_statements):
    add_to_cart(client, "BAND", 2)
    data = {**ADDRESS, "csrf_token": csrf_token(client, "/checkout")}
    # when the customer submits the checkout form
    with count_statements() as statements:
        response = client.post("/checkout", data=data)
    assert response.status_code == 303, flashes(response)
    # then the cart's lines are read once, and the order just written (its number, lines and
    # total go to Stripe) is not read back after any of its commits
    cart_reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")
                  and "cart_item" in s]
    order_reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")
                   and ("FROM shop_order" in s and "reservation_expires_at <" not in s
                        or "FROM order_line" in s)]
    assert len(cart_reads) == 1, cart_reads
    assert order_reads == []
    assert len(statements) <= 10, statements
    # and what was written is all there: held stock, the Stripe session, the 31-minute hold
    db.session.expire_all()  # read the rows, not what the request kept loaded
    order = db.session.scalar(select(Order))
    assert order.stripe_session_id == urlparse(response.headers["Location"]).path.rsplit("/")[-1]
    assert variant("BAND").reserved == 2
    assert order.reservation_expires_at > order.created_at + timedelta(minutes=30)


def test_paying_fulfils_once_and_emails_a_confirmation(client, wired, stock, smtp_server):
    order, session_id = checkout(client)
    # when the customer pays with the test card
    status, _ = wired.pay(session_id, "4242424242424242")
    assert status in (200, 303)
    # then the webhook marks the order paid and turns the reservation into a sale
    wait_for(lambda: db.session.get(Order, order.id).status == "paid")
    band = variant("BAND")
    assert (band.on_hand, band.reserved) == (3, 0)
    assert sales("BAND") == 1
    paid = db.session.get(Order, order.id)
    assert paid.captured_cents == 7_175
    # and the tax Stripe computed is stored on the order: per line and for shipping
    assert (paid.tax_cents, paid.shipping_tax_cents, paid.total_cents) == (585, 70, 7_175)
    assert [line.tax_cents for line in paid.lines] == [515]
    # and one confirmation email was queued, and the mail worker delivers it
    emails.send_pending()
    wait_for(lambda: smtp_server.bodies("sam@example.com"))
    body = smtp_server.bodies("sam@example.com")[0]
    assert order.number in body and "Total: $71.75" in body
    assert "Sales tax: $5.85 (of which on shipping $0.70)" in body
    # and the cart is empty
    assert "Your cart is empty" in client.get("/cart").get_data(as_text=True)


def test_reloading_the_success_page_and_replaying_webhooks_change_nothing(client, wired, stock,
                                                                         smtp_server):
    order, session_id = checkout(client)
    wired.pay(session_id, "4242424242424242")
    wait_for(lambda: db.session.get(Order, order.id).status == "paid")
    # when the success page is loaded three times and the webhook is sent again twice
    for _ in range(3):
        response = client.get(f"/checkout/success?session_id={session_id}")
        assert response.status_code == 303
    for _ in range(2):
        wired.post(f"/_standin/sessions/{session_id}/resend")
    wait_for(lambda: db.session.scalar(select(func.count()).select_from(StripeEvent)) >= 1)
    # then stock, ledger and emails are as after one payment
    assert variant("BAND").on_hand == 3
    assert sales("BAND") == 1
    queued = db.session.scalars(select(OutgoingEmail).where(
        OutgoingEmail.kind == "order_confirmation")).all()
    assert len(queued) == 1
    emails.send_pending()
    assert len(smtp_server.bodies("sam@example.com")) == 1


def test_success_page_fulfils_when_the_webhook_is_late(client, standin, stock, app):
    # given no webhook delivery at all (the stand-in is pointed nowhere)
    standin.configure_webhooks(None, None)
    order, session_id = checkout(client)
    standin.pay(session_id, "4242424242424242")
    # when the customer lands on the success page
    response = client.get(f"/checkout/success?session_id={session_id}")
    # then the page itself confirmed the payment with Stripe and fulfilled the order
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/track/{order.number}")
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "paid"
    page = client.get(f"/track/{order.number}").get_data(as_text=True)
    assert "Status: <strong>Paid</strong>" in page
    assert f"Thank you! Order {order.number} is paid; a confirmation is on its way to " \
        "sam@example.com." in page


def test_a_declined_card_pays_nothing(client, wired, stock):
    order, session_id = checkout(client)
    status, body = wired.pay(session_id, "4000000000000341")
    assert status >= 400
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "pending_payment"
    assert variant("BAND").on_hand == 5 and sales("BAND") == 0


def test_an_expired_session_releases_the_stock(client, wired, stock):
    order, session_id = checkout(client)
    wired.post(f"/v1/checkout/sessions/{session_id}/expire",
               headers={"Authorization": "Bearer sk_test_standin_fixture"})
    wait_for(lambda: db.session.get(Order, order.id).status == "expired")
    assert variant("BAND").reserved == 0 and variant("BAND").on_hand == 5


def test_a_bad_signature_is_refused_and_changes_nothing(client, wired, stock):
    order, _ = checkout(client)
    payload = ('{"id": "evt_forged", "type": "checkout.session.completed", "data": {"object": '
               '{"id": "%s", "status": "complete", "payment_status": "paid", "amount_total": 1, '
               '"metadata": {"order_number": "%s"}}}}' % (order.stripe_session_id, order.number))
    response = client.post("/stripe/webhook", data=payload, headers={
        "Stripe-Signature": sign_payload(payload.encode(), "whsec_wrong_secret"),
        "Content-Type": "application/json"})
    assert response.status_code == 400
    missing = client.post("/stripe/webhook", data=payload)
    assert missing.status_code == 400
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "pending_payment"
    assert db.session.scalar(select(func.count()).select_from(StripeEvent)) == 0


def test_tampered_prices_in_the_form_are_ignored(client, wired, stock):
    order, session_id = checkout(client, price_cents="1", total="1", subtotal_cents="1",
                                 shipping_cents="0")
    assert order.total_cents == 6_590
    assert stripe_get(wired, f"/v1/checkout/sessions/{session_id}")["amount_subtotal"] == 6_590


def test_a_shipping_method_not_offered_is_refused(client, wired, stock):
    add_to_cart(client, "RACK", 1)
    response = submit_checkout(client, shipping_method="overnight")
    assert response.status_code == 400
    assert "choose one of the shipping methods" in flashes(response)
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_more_than_available_is_refused_before_any_order(client, wired, stock):
    add_to_cart(client, "BAND", 4)
    band = variant("BAND")
    band.reserved = 3  # someone else is paying for three right now
    db.session.commit()
    response = submit_checkout(client)
    assert response.status_code == 400
    assert "Only 2 of Loop Bands" in flashes(response)
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert variant("BAND").reserved == 3


@pytest.mark.parametrize("field, value, message", [
    ("email", "not-an-email", "Enter a valid email address."),
    ("postal_code", "ABCDE", "Use a 5-digit ZIP code"),
    ("region", "ZZ", "Enter your state as a 2-letter code"),
    ("country", "KP", "Not a valid choice"),
    ("name", "", "Full name is required."),
    ("region", "", "Enter your state as a 2-letter code"),
    ("postal_code", "", "Use a 5-digit ZIP code"),
])
def test_bad_checkout_fields_are_shown_at_the_field(client, wired, stock, field, value, message):
    add_to_cart(client, "BAND", 1)
    response = submit_checkout(client, **{field: value})
    assert response.status_code == 400
    error = re.search(rf'id="{field}-error">([^<]*)<', response.get_data(as_text=True))
    assert error and message in error.group(1)
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


@pytest.mark.parametrize("country, typed, postal_code, stored", [
    ("US", "New York", "10001", "NY"),
    ("US", "  new   york ", "10001", "NY"),
    ("US", "ny", "10001", "NY"),
    ("CA", "Québec", "H2X 1Y4", "QC"),
])
def test_a_state_or_province_typed_by_name_is_read_as_its_code(client, wired, stock, country,
                                                               typed, postal_code, stored):
    # when the customer types the name, as on a letter (the field once cut it to "NEW")
    add_to_cart(client, "BAND", 1)
    response = submit_checkout(client, country=country, region=typed, postal_code=postal_code)
    # then the order goes through with the code, and the page gave the field room for it
    assert response.status_code == 303, flashes(response)
    assert db.session.scalar(select(Order.region)) == stored


def test_a_mistyped_state_says_how_to_write_it_and_the_field_has_room_for_names(
        client, wired, stock):
    add_to_cart(client, "BAND", 1)
    response = submit_checkout(client, region="Nwe York")
    error = re.search(r'id="region-error">([^<]*)<', response.get_data(as_text=True))
    assert response.status_code == 400
    assert error.group(1) == ("We don&#39;t know \u201cNWE YORK\u201d as a state. Enter your "
                              "state as a 2-letter code, like NY or CA, or its full name.")
    assert 'maxlength="40"' in client.get("/checkout").get_data(as_text=True)


def test_a_region_name_outside_the_us_and_canada_is_refused_not_cut_or_crashed(
        client, wired, stock):
    # a name there is not read as a code, and the order keeps a code of 3 letters at most
    add_to_cart(client, "BAND", 1)
    response = submit_checkout(client, country="GB", region="Greater London",
                               postal_code="SW1A 1AA", shipping_method="international")
    error = re.search(r'id="region-error">([^<]*)<', response.get_data(as_text=True))
    assert response.status_code == 400
    assert error.group(1).startswith("Outside the US and Canada, leave this empty")
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_canadian_postal_codes_are_checked(client, wired, stock):
    add_to_cart(client, "BAND", 1)
    bad = submit_checkout(client, country="CA", region="ON", postal_code="12345")
    assert "Use a Canadian postal code" in bad.get_data(as_text=True)
    good = submit_checkout(client, country="CA", region="ON", postal_code="k1a 0b1")
    assert good.status_code == 303


def test_stripe_unreachable_releases_the_order(app, client, stock):
    # given a payment provider that does not answer
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:9"
    add_to_cart(client, "BAND", 2)
    response = submit_checkout(client)
    # then the customer gets a clear message, and no stock stays held
    assert response.status_code == 400
    assert "couldn't reach our payment provider" in flashes(response)
    order = db.session.scalar(select(Order))
    assert order.status == "cancelled"
    assert variant("BAND").reserved == 0


def test_cancel_returns_to_the_cart_and_releases_stock(client, wired, stock):
    order, _ = checkout(client)
    # when the customer confirms the cancel page's button
    response = client.post(f"/checkout/cancel/{order.number}",
                           data={"csrf_token": csrf_token(client, f"/checkout/cancel/{order.number}")})
    # then they are back at the cart, the order is cancelled and the stock released
    assert response.status_code == 303 and response.headers["Location"].endswith("/cart")
    db.session.expire_all()
    # (closed by the cancel, or by the session's own "expired" webhook if that came first)
    assert db.session.get(Order, order.id).status in ("cancelled", "expired")
    assert variant("BAND").reserved == 0
    assert "Loop Bands" in client.get("/cart").get_data(as_text=True)


def test_financing_methods_are_offered_on_large_orders(client, wired, stock):
    _, small = checkout(client, "BAND", 1)
    rack_order, large = checkout(client, "RACK", 1)
    types = stripe_get(wired, f"/v1/checkout/sessions/{large}").get("payment_method_types")
    assert "affirm" in types and "klarna" in types


def test_the_order_summary_itemises_shipping_between_subtotal_and_total(client, wired, stock):
    # given two bands in the cart and the standard parcel chosen
    add_to_cart(client, "BAND", 2)
    # when the form comes back with an error to fix
    page = submit_checkout(client, name="").get_data(as_text=True)
    # then the summary shows the subtotal, the shipping it adds, and the total
    subtotal = page.index("<span>Subtotal</span><strong>$58.00</strong>")
    shipping = page.index('<span>Shipping (Standard parcel)</span><span>$7.90</span>')
    tax = page.index("<span>Sales tax</span><span>Calculated at payment</span>")
    total = page.index('<span>Total before tax</span><strong data-testid="summary-total">$65.90</strong>')
    assert subtotal < shipping < tax < total
