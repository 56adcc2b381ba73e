"""A payment of another amount or currency than the order's total is not marked paid."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop.accounts.service import create_staff
from shop.checkout import service as checkout_service
from shop.database import utcnow
from shop.extensions import db
from shop.orders.models import Order, OutgoingEmail
from tests.backoffice.conftest import sign_in
from tests.checkout.test_checkout_flow import checkout, sales, variant
from tests.payments.standin_fixture import TEST_WEBHOOK_SECRET, sign_payload


def completed_event(order, session_id, amount_total, currency="usd", event_id="evt_mismatch"):
    return json.dumps({"id": event_id, "type": "checkout.session.completed", "data": {"object": {
        "id": session_id, "object": "checkout.session", "status": "complete",
        "payment_status": "paid", "amount_total": amount_total, "currency": currency,
        "payment_intent": "pi_mismatch", "client_reference_id": order.number,
        "metadata": {"order_number": order.number}}}}).encode()


def post_event(client, payload):
    return client.post("/stripe/webhook", data=payload, headers={
        "Stripe-Signature": sign_payload(payload, TEST_WEBHOOK_SECRET),
        "Content-Type": "application/json"})


@pytest.mark.parametrize("amount, currency", [(100, "usd"), (6_590, "eur")])
def test_a_payment_that_differs_from_the_total_awaits_staff(client, standin, stock, amount,
                                                           currency):
    # given an order of $65.90 waiting for payment
    standin.configure_webhooks(None, None)
    order, session_id = checkout(client)
    # when Stripe reports a payment of another amount or currency
    response = post_event(client, completed_event(order, session_id, amount, currency))
    # then the order is not paid but waits for staff, and its stock stays reserved
    assert response.status_code == 200 and response.get_json()["result"] == "mismatch"
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert (order.status, order.paid_at) == ("payment_mismatch", None)
    assert (variant("BAND").on_hand, variant("BAND").reserved) == (5, 2)
    assert sales("BAND") == 0
    assert db.session.scalar(select(func.count()).select_from(OutgoingEmail)) == 0
    # and the expiry sweep leaves it alone
    assert checkout_service.sweep_expired(utcnow() + timedelta(hours=2)) == 0
    assert variant("BAND").reserved == 2


def test_the_dashboard_alerts_staff_to_a_payment_mismatch(app, client, standin, stock):
    standin.configure_webhooks(None, None)
    order, session_id = checkout(client)
    post_event(client, completed_event(order, session_id, 100))
    # when staff open the dashboard
    staff = create_staff("sam.staff@example.com", "correct horse battery staple", "staff", "Sam")
    page = sign_in(app.test_client(), staff).get("/admin/")
    # then it names the order to resolve
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-testid="payment-mismatch-alert"' in text and order.number in text
