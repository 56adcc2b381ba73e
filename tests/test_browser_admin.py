"""A manager packs and ships a paid order in headless Chromium; the customer then tracks it.

Runs when Debian's chromium is installed (CI installs it); skipped otherwise.
Screenshots of every back-office page visited land in screenshots/admin-*.png.
"""
import re
import threading
from dataclasses import replace
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from shop import create_app
from shop.accounts.service import create_staff
from shop.catalog.models import Product
from shop.catalog.seed import seed_demo
from shop.checkout import service as checkout
from shop.database import utcnow
from shop.extensions import db
from shop.payments import service as payments
from tests.checkout.test_payment_rules import DETAILS, cart_with, paid_session
from tests.conftest import settings_for
from tests.payments.standin_fixture import TEST_SECRET_KEY, TEST_WEBHOOK_SECRET, running_standin
# Headless Chromium, skipped (with the reason) where Debian's chromium or playwright is missing.
from tests.test_browser import SHOTS, browser, pytestmark  # noqa: F401

MANAGER = ("mia.manager@example.com", "correct horse battery staple")
CUSTOMER = "kim@example.com"
UPS_NUMBER = "1Z999AA10123456784"


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """The demo shop on a free loopback port, with a manager and one order paid through the
    local Stripe stand-in."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser-admin') / 'shop.db'}"
    with running_standin() as standin:
        app = create_app(settings_for(
            url, SERVER_NAME=None, STRIPE_SECRET_KEY=TEST_SECRET_KEY,
            STRIPE_API_BASE=standin.base_url, STRIPE_WEBHOOK_SECRET=TEST_WEBHOOK_SECRET))
        with app.test_request_context():  # the confirmation email links to the order
            db.create_all()
            seed_demo()
            create_staff(*MANAGER, role="manager", name="Mia")
            kettlebell = db.session.scalar(select(Product).where(
                Product.slug == "cast-iron-kettlebell")).variants[0]
            order = checkout.place_order(cart_with(kettlebell, 2),
                                         replace(DETAILS, email=CUSTOMER, name="Kim Carter",
                                                 discreet=True), utcnow())
            payments.fulfil_session(paid_session(app, order, standin), utcnow())
            number, variant_id = order.number, kettlebell.id
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", number=number,
                              variant_id=variant_id)
        server.shutdown()


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"admin-{name}.png"), full_page=True)


def test_a_manager_packs_and_ships_an_order_and_the_customer_sees_the_tracking_link(shop,
                                                                                     browser):
    SHOTS.mkdir(exist_ok=True)
    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    page = staff.new_page()
    # given a manager signed in
    page.goto(shop.url + "/admin/orders")
    page.wait_for_url("**/admin/login**")
    page.fill("#email", MANAGER[0])
    page.fill("#password", MANAGER[1])
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/admin/orders")
    # when they open the paid order from the list
    assert shop.number in page.locator(".orders-table").inner_text()
    shot(page, "orders")
    page.click(f"text={shop.number}")
    page.wait_for_url(f"**/admin/orders/{shop.number}")
    assert page.locator('[data-testid="order-status"]').text_content() == "paid"
    assert "arrives" in page.locator('[data-testid="promise"]').inner_text()
    shot(page, "order-paid")
    # and look at the pick list and the packing slip of this discreet order
    page.goto(shop.url + "/admin/orders/pick-list")
    assert shop.number in page.locator(".pick-table").inner_text()
    shot(page, "pick-list")
    page.goto(f"{shop.url}/admin/orders/{shop.number}/packing-slip")
    assert page.locator('[data-testid="sender"]').inner_text() == "GF Supply"
    shot(page, "packing-slip")
    # and pack it
    page.goto(f"{shop.url}/admin/orders/{shop.number}")
    page.click("button:has-text('Mark packed')")
    page.wait_for_selector(".flash-success")
    assert page.locator('[data-testid="order-status"]').text_content() == "packed"
    shot(page, "order-packed")
    # and ship it with UPS
    page.select_option("#carrier", "ups")
    page.fill("#tracking_number", UPS_NUMBER)
    page.click("button:has-text('Mark shipped')")
    page.wait_for_selector(".flash-success")
    assert page.locator('[data-testid="order-status"]').text_content() == "shipped"
    ups_link = page.locator('[data-testid="tracking"] a')
    assert ups_link.get_attribute("href").endswith(f"tracknum={UPS_NUMBER}")
    shot(page, "order-shipped")
    # and the stock pages show the sale in the ledger
    page.goto(shop.url + "/admin/stock?q=kettlebell")
    shot(page, "stock")
    page.goto(f"{shop.url}/admin/stock/{shop.variant_id}")
    assert shop.number in page.locator("table.terms").inner_text()
    shot(page, "stock-variant")
    staff.close()

    # then the customer, looking the order up, finds the parcel's tracking link
    customer = browser.new_context(viewport={"width": 1280, "height": 900})
    page = customer.new_page()
    page.goto(shop.url + "/track")
    page.fill("#number", shop.number)
    page.fill("#email", CUSTOMER)
    page.click("button:has-text('Find my order')")
    page.wait_for_url(f"**/track/{shop.number}")
    assert "Shipped" in page.locator('[data-testid="order-status"]').inner_text()
    link = page.locator("a:has-text('track the parcel')")
    assert re.fullmatch(rf"https://www\.ups\.com/track\?.*tracknum={UPS_NUMBER}",
                        link.get_attribute("href"))
    page.screenshot(path=str(SHOTS / "order-tracking.png"), full_page=True)
    customer.close()


def test_back_office_pages_fit_a_phone_screen(shop, browser):
    # given a manager signed in on a phone
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(shop.url + "/admin/login")
    page.fill("#email", MANAGER[0])
    page.fill("#password", MANAGER[1])
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/admin/")
    # when they open the daily pages, then none is wider than the screen
    for path in ("/admin/", "/admin/orders", f"/admin/orders/{shop.number}", "/admin/products",
                 "/admin/stock", f"/admin/stock/{shop.variant_id}", "/admin/returns"):
        page.goto(shop.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.goto(shop.url + "/admin/products")
    product_page = page.locator("table.terms a").first.get_attribute("href")
    page.goto(shop.url + product_page)  # goto waits for the stylesheets; a click may not
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url
    context.close()
