"""The Stripe webhook when payments are not set up (plain `flask run`, no Stripe keys)."""
import pytest
from sqlalchemy import func, select

from shop.extensions import db
from shop.orders.models import Order


@pytest.fixture
def app_settings():
    return {"STRIPE_SECRET_KEY": "", "STRIPE_WEBHOOK_SECRET": ""}


def test_the_webhook_answers_503_with_a_reason_when_stripe_is_not_set_up(client):
    # given a shop with no STRIPE_SECRET_KEY
    # when something posts an event to the webhook
    response = client.post("/stripe/webhook", data=b'{"type": "checkout.session.completed"}',
                           headers={"Stripe-Signature": "t=1,v1=x",
                                    "Content-Type": "application/json"})
    # then it is told payments are not set up (503, JSON), and nothing changed
    assert response.status_code == 503
    assert "STRIPE_SECRET_KEY" in response.get_json()["error"]
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
