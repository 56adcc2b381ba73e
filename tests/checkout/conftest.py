"""Fixtures for checkout tests: the local Stripe stand-in, a real SMTP server, a live shop."""
import time

import pytest

from shop.extensions import db
from tests.factories import make_category, make_product
from tests.payments.standin_fixture import (TEST_SECRET_KEY, TEST_WEBHOOK_SECRET,
                                            running_standin)


@pytest.fixture(scope="session")
def standin():
    with running_standin() as server:
        yield server


@pytest.fixture
def app_settings(standin, smtp_server):
    return {
        "STRIPE_SECRET_KEY": TEST_SECRET_KEY,
        "STRIPE_API_BASE": standin.base_url,
        "STRIPE_WEBHOOK_SECRET": TEST_WEBHOOK_SECRET,
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_server.port,
    }


@pytest.fixture
def wired(app, live_server, standin):
    """Stripe's webhooks for this test go to this test's live shop."""
    standin.configure_webhooks(f"{live_server}/stripe/webhook", TEST_WEBHOOK_SECRET)
    yield standin
    standin.configure_webhooks(None, None)


@pytest.fixture
def stock(app):
    """Two products: a parcel-sized band set (5 in stock) and a freight rack (2 in stock)."""
    category = make_category(slug="gear")
    bands = make_product(category, name="Loop Bands", slug="loop-bands", variants=[
        {"sku": "BAND", "price_cents": 2_900, "on_hand": 5, "weight_g": 450,
         "length_cm": 20, "width_cm": 15, "height_cm": 5}])
    rack = make_product(category, name="Power Rack", slug="power-rack", variants=[
        {"sku": "RACK", "price_cents": 79_900, "on_hand": 2, "weight_g": 148_000,
         "length_cm": 220, "width_cm": 60, "height_cm": 30}])
    return {"BAND": bands.variants[0], "RACK": rack.variants[0]}


def wait_for(predicate, timeout=10.0, interval=0.05):
    """Poll until `predicate()` is truthy (webhooks arrive asynchronously)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        db.session.expire_all()
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


def stripe_get(standin, path: str) -> dict:
    """GET a Stripe API object from the stand-in, authenticated like the shop."""
    import json

    from tests.payments.standin_fixture import http_request
    status, _, body = http_request("GET", standin.base_url + path,
                                   headers={"Authorization": f"Bearer {TEST_SECRET_KEY}"})
    assert status == 200, (status, body)
    return json.loads(body)
