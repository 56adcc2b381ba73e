"""A customer's walk through the demo shop in headless Chromium, with screenshots.

Runs when Debian's chromium is installed (CI installs it); skipped otherwise.
Screenshots land in screenshots/ for a person to look at.
"""
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from shop import create_app
from shop.catalog.seed import seed_demo
from shop.extensions import db
from tests.conftest import settings_for
from tests.payments.standin_fixture import TEST_SECRET_KEY, TEST_WEBHOOK_SECRET, running_standin

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]
SHOTS = Path(__file__).resolve().parent.parent / "screenshots"


@pytest.fixture(scope="module")
def live_shop(tmp_path_factory):
    """The demo shop served on a free loopback port, paying through the local Stripe stand-in."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'shop.db'}"
    with running_standin() as standin:
        app = create_app(settings_for(
            url, SERVER_NAME=None, STRIPE_SECRET_KEY=TEST_SECRET_KEY,
            STRIPE_API_BASE=standin.base_url, STRIPE_WEBHOOK_SECRET=TEST_WEBHOOK_SECRET))
        with app.app_context():
            db.create_all()
            seed_demo()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        standin.configure_webhooks(f"{base}/stripe/webhook", TEST_WEBHOOK_SECRET)
        yield base
        server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.mark.parametrize("width, name", [(1280, "desktop"), (390, "phone")])
def test_customer_browses_from_home_to_a_dumbbell(live_shop, browser, width, name):
    SHOTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900})
    # given the home page
    page.goto(live_shop + "/")
    assert page.locator("h1").first.inner_text() == "Build the gym you'll actually use"
    page.screenshot(path=str(SHOTS / f"home-{name}.png"), full_page=True)
    # when the customer opens a category and filters to in-stock items
    page.goto(live_shop + "/categories/dumbbells?in_stock=1&sort=price_asc")
    page.screenshot(path=str(SHOTS / f"category-{name}.png"), full_page=True)
    # and searches
    page.fill("#site-search", "rower")
    page.press("#site-search", "Enter")
    page.wait_for_url("**/search?q=rower")
    assert page.locator(".card").count() >= 3
    page.screenshot(path=str(SHOTS / f"search-{name}.png"), full_page=True)
    # and picks the 25 lb dumbbell
    page.goto(live_shop + "/products/rubber-hex-dumbbell")
    page.click("text=25 lb")
    # then the page shows that variant's price and stock
    assert page.locator('[data-testid="price"]').inner_text().startswith("$49.99")
    assert page.locator('[data-testid="stock"]').inner_text() == "In stock"
    page.screenshot(path=str(SHOTS / f"product-{name}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("path", ["/", "/categories/dumbbells", "/products/rubber-hex-dumbbell",
                                  "/shipping", "/returns", "/warranty", "/contact", "/track"])
def test_pages_fit_a_phone_screen_without_scrolling_sideways(live_shop, browser, path):
    # given a phone-sized window
    page = browser.new_page(viewport={"width": 390, "height": 800})
    if path == "/":  # with something in the cart, so the header shows its count
        page.goto(live_shop + "/products/rubber-hex-dumbbell")
        page.click("button:has-text('Add to cart')")
        page.wait_for_url("**/cart")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, "/cart"
    # when the page is opened, then nothing is wider than the screen (wide tables scroll inside)
    page.goto(live_shop + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()


def test_keyboard_focus_is_visible(live_shop, browser):
    page = browser.new_page()
    page.goto(live_shop + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.close()


def test_customer_buys_a_kettlebell_and_tracks_the_order(live_shop, browser):
    SHOTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    # given the home page, the customer opens a featured kettlebell and picks 16 kg
    page.goto(live_shop + "/")
    page.click("text=Cast-Iron Kettlebell")
    page.click("text=16 kg")
    page.fill("#quantity", "2")
    page.click("button:has-text('Add to cart')")
    page.wait_for_url("**/cart")
    assert page.locator(".cart-count").inner_text() == "2"
    page.screenshot(path=str(SHOTS / "cart.png"), full_page=True)
    # when they check out
    page.click("text=Go to checkout")
    page.fill("#email", "kim@example.com")
    page.fill("#name", "Kim Carter")
    page.fill("#address1", "12 Elm St")
    page.fill("#city", "Boston")
    page.fill("#region", "MA")
    page.fill("#postal_code", "02108")
    page.check("#discreet")
    page.screenshot(path=str(SHOTS / "checkout.png"), full_page=True)
    page.click("button:has-text('Continue to secure payment')")
    # and pay on the stand-in's hosted page
    page.wait_for_selector("#card")
    page.screenshot(path=str(SHOTS / "payment.png"), full_page=True)
    page.fill("#card", "4242 4242 4242 4242")
    page.click("button:has-text('Pay')")
    # then they land on their order, paid, with its delivery promise and warranty
    page.wait_for_url("**/track/IO-*")
    assert "Paid" in page.locator('[data-testid="order-status"]').inner_text()
    assert "arrives" in page.locator('[data-testid="promise"]').inner_text()
    assert "All parts: 1 year" in page.content()
    assert page.locator(".cart-count").count() == 0  # the cart was emptied by the payment
    page.screenshot(path=str(SHOTS / "order.png"), full_page=True)
    page.close()
