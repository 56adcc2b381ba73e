"""Rate limits on order lookup and checkout answer with a friendly 429 page."""
import re
from pathlib import Path

import pytest

import shop
from shop.extensions import limiter
from tests.factories import make_product
from tests.helpers import csrf_token


def test_order_lookup_is_rate_limited_with_a_429_page(app, client):
    app.config["RATE_LIMIT_ORDER_LOOKUP"] = "3 per minute"
    limiter.reset()
    token = csrf_token(client, "/track")
    responses = [client.post("/track", data={"number": "IO-AAAA-BBBB", "email": "a@example.com",
                                              "csrf_token": token}) for _ in range(4)]
    assert [r.status_code for r in responses] == [404, 404, 404, 429]
    assert "Too many tries, wait a minute" in responses[-1].get_data(as_text=True)
    assert "Back to the shop" in responses[-1].get_data(as_text=True)


def test_checkout_posts_are_rate_limited(app, client):
    app.config["RATE_LIMIT_CHECKOUT"] = "2 per minute"
    limiter.reset()
    make_product(slug="rack", variants=[{"sku": "RACK"}])
    token = csrf_token(client, "/products/rack")
    client.post("/cart/add", data={"sku": "RACK", "quantity": 1, "csrf_token": token})
    token = csrf_token(client, "/checkout")
    statuses = [client.post("/checkout", data={"csrf_token": token}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


def test_catalog_pages_carry_no_rate_limit_while_no_app_wide_limit_is_set(app, client):
    # catalog reads have no limit of their own: however often a page is asked for, it is
    # served
    make_product(slug="rack", variants=[{"sku": "RACK"}])
    limiter.reset()
    statuses = {client.get(url).status_code for url in ("/", "/products/rack") * 30}
    assert statuses == {200}


@pytest.fixture
def forget_app_wide_limits():
    yield
    # Flask-Limiter keeps default limits on its (module-wide) object: later apps must not
    limiter.limit_manager.set_default_limits([])


@pytest.mark.parametrize("app_settings", [{"RATELIMIT_DEFAULT": "3 per minute"}])
def test_an_app_wide_limit_still_applies_to_catalog_pages(app, client, forget_app_wide_limits):
    make_product(slug="rack", variants=[{"sku": "RACK"}])
    limiter.reset()
    statuses = [client.get("/products/rack").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_catalog_pages_are_served_without_the_limiters_check(app, client, monkeypatch):
    # given the limiter's check, counted
    rack = make_product(slug="rack", variants=[{"sku": "RACK"}])
    checks = []
    monkeypatch.setattr(limiter, "check", lambda: checks.append(1))
    # when catalog pages (no limit of their own) are read, then a page with a limit
    for url in ("/", "/products/rack", "/search?q=rack", f"/categories/{rack.category.slug}"):
        assert client.get(url).status_code == 200
    assert checks == []  # 0.075 ms a request saved
    token = csrf_token(client, "/track")
    checks.clear()
    client.post("/track", data={"number": "IO-AAAA-BBBB", "email": "a@example.com",
                                "csrf_token": token})
    assert checks == [1]


def test_every_limit_is_declared_with_rate_limited():
    # limiter.limit on its own is never checked (auto_check is off): it would be no limit
    package = Path(shop.__file__).parent
    direct = [f"{path.relative_to(package)}:{number}"
              for path in package.rglob("*.py")
              for number, line in enumerate(path.read_text().splitlines(), 1)
              if re.search(r"limiter\.(limit|shared_limit)\(", line)
              and path.name != "extensions.py"]
    assert direct == []
