"""Headers, cookies, CSRF on every state-changing route, and no leaks between customers."""
import re

from shop import create_app
from shop.config import ProductionConfig
from tests.factories import make_order, make_product
from tests.helpers import csrf_token

# Routes that take POSTs without a CSRF token, and why.
CSRF_EXEMPT = {
    "checkout.stripe_webhook": "Stripe signs its webhooks; the signature is checked",
    "engagement.restock_unsubscribe_one_click": "a mail client's RFC 8058 one-click post: the "
    "secret token in the address is the proof, no session is involved (tested in "
    "tests/engagement/test_back_in_stock.py)",
}


def test_security_headers_on_pages(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_inline_scripts_in_our_pages(client, app):
    make_product(slug="rack")
    for url in ("/", "/products/rack", "/cart", "/track", "/contact", "/admin/login"):
        html = client.get(url).get_data(as_text=True)
        scripts = re.findall(r"<script(?![^>]*type=\"application/ld\+json\")[^>]*>", html)
        assert all("src=" in tag for tag in scripts), (url, scripts)
        assert " onclick=" not in html and " onload=" not in html and "javascript:" not in html


def test_session_cookie_flags(client, app):
    make_product(slug="rack")
    csrf_token(client, "/products/rack")  # creates the session
    cookie = client.get_cookie("session", domain="shop.test")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "p" * 64)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/p.db")
    monkeypatch.setattr(ProductionConfig, "SHOP_BASE_URL", "https://shop.example")
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/robots.txt")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def state_changing_routes(app):
    for rule in app.url_map.iter_rules():
        methods = rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        if methods and rule.endpoint not in CSRF_EXEMPT:
            yield rule, sorted(methods)[0]


def test_every_state_changing_route_refuses_a_missing_csrf_token(app, client):
    # given a signed-in manager, so the role guard is not what refuses the request
    from tests.backoffice.conftest import sign_in
    from shop.accounts.service import create_staff
    sign_in(client, create_staff("csrf.manager@example.com", "correct horse battery staple",
                                 "manager"))
    checked = 0
    for rule, method in state_changing_routes(app):
        url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", "1", rule.rule)
        response = client.open(url, method=method, data={"anything": "x"})
        assert response.status_code == 400, (rule.endpoint, response.status_code)
        assert b"CSRF" in response.data, rule.endpoint
        checked += 1
    assert checked >= 10


def test_an_order_page_is_not_reachable_by_guessing(client, app):
    order = make_order()
    # no session that looked it up: the page sends you to the lookup form
    response = client.get(f"/track/{order.number}")
    assert response.status_code == 302
    # order numbers are not sequential ids
    assert not order.number.isdigit() and len(order.number) == 12
