"""Rate limits on order lookup and checkout answer with a friendly 429 page."""
import pytest
from flask import Flask
from flask_limiter.util import get_qualified_name

from shop import rate_limits
from shop.extensions import limiter
from shop.rate_limits import check_limited_views, rate_limited
from tests.accounts.test_customer_auth import signed_in
from tests.factories import make_customer, make_product
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


def test_every_limit_is_declared_with_rate_limited(app):
    # limiter.limit on its own is never checked (auto_check is off): it would be no limit.
    # (Flask-Limiter's own record of the views it limits: private, read here only.)
    limited_by_flask_limiter = [view for view in app.view_functions.values()
                                if get_qualified_name(view) in limiter._marked_for_limiting]
    assert len(limited_by_flask_limiter) >= 15
    assert [rate_limits._view_name(view) for view in limited_by_flask_limiter
            if rate_limits._view_name(view) not in rate_limits._limited_views] == []


def test_options_requests_use_up_no_tries(app, client):
    # given a limit of 2 tries a minute on asking for a return (a POST view without methods=)
    app.config["RATE_LIMIT_ORDER_REQUESTS"] = "2 per minute"
    limiter.reset()
    url = "/track/IO-AAAA-BBBB/return"
    # when a web page makes the visitor's browser send preflights first
    assert [client.options(url).status_code for _ in range(3)] == [200] * 3
    # then the visitor's own tries are all still there
    token = csrf_token(client, "/track")
    statuses = [client.post(url, data={"csrf_token": token}).status_code for _ in range(3)]
    assert statuses[:2] != [429, 429] and statuses[2] == 429, statuses


def test_a_post_without_a_csrf_token_uses_up_no_tries(app, client):
    # given a limit of 2 order lookups a minute
    app.config["RATE_LIMIT_ORDER_LOOKUP"] = "2 per minute"
    limiter.reset()
    data = {"number": "IO-AAAA-BBBB", "email": "a@example.com"}
    # when a forged form (no token) is posted three times, then the visitor's own twice
    assert [client.post("/track", data=data).status_code for _ in range(3)] == [400] * 3
    token = csrf_token(client, "/track")
    statuses = [client.post("/track", data={**data, "csrf_token": token}).status_code
                for _ in range(3)]
    # then the visitor still has both tries
    assert statuses == [404, 404, 429]


def test_a_limit_on_a_view_behind_customer_required_applies(app, client):
    make_customer()
    signed_in(client)
    app.config["RATE_LIMIT_LOGIN"] = "2 per minute"
    limiter.reset()
    token = csrf_token(client, "/account")
    statuses = [client.post("/account/verify/resend", data={"csrf_token": token}).status_code
                for _ in range(3)]
    assert statuses[:2] == [303, 303] and statuses[2] == 429


def test_a_limited_view_hidden_by_a_decorator_stops_the_start(monkeypatch):
    monkeypatch.setattr(rate_limits, "_limited_views", set())
    probe = Flask("probe")

    def without_wraps(view):
        def anonymous():
            return view()
        return anonymous

    @probe.route("/probe")
    @without_wraps
    @rate_limited("1 per minute")
    def limited_probe():
        return "probe"

    with pytest.raises(RuntimeError, match="limited_probe"):
        check_limited_views(probe)


def test_an_application_wide_limit_is_refused_at_start(monkeypatch):
    monkeypatch.setattr(rate_limits, "_limited_views", set())
    probe = Flask("probe")
    probe.config["RATELIMIT_APPLICATION"] = "100 per minute"
    with pytest.raises(RuntimeError, match="RATELIMIT_APPLICATION"):
        check_limited_views(probe)
