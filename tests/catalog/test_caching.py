"""Catalog page caching: fresh prices and stock, ETags, and nothing personal shared."""
import re
import uuid
from contextlib import contextmanager

import pytest
import redis
from flask import template_rendered

from shop import create_app, web_cache
from shop.backoffice import catalog_service, stock_service
from shop.checkout import service as checkout
from shop.database import utcnow
from shop.extensions import db
from tests.checkout.test_payment_rules import DETAILS, cart_with
from tests.conftest import counting_statements, settings_for
from tests.factories import make_category, make_product
from tests.helpers import csrf_token

MANAGER = "manager@example.com"


@pytest.fixture
def rack(app):
    category = make_category(name="Racks", slug="racks")
    return make_product(category, name="Alpha Rack", slug="alpha-rack",
                        variants=[{"sku": "RK-A", "price_cents": 50_000, "on_hand": 1}])


def change_price(variant, cents: int) -> None:
    """Change a variant's price as the back office does (its service commits)."""
    values = {key: getattr(variant, key) for key in (
        "sku", "option_name", "option_value", "compare_at_cents", "weight_g", "length_cm",
        "width_cm", "height_cm", "low_stock_threshold")}
    catalog_service.update_variant(variant.product_id, variant.id,
                                   {**values, "price_cents": cents}, MANAGER)


def test_a_price_change_shows_on_the_next_request(client, rack):
    # given both pages were served (and cached) at $500
    assert "$500.00" in client.get("/categories/racks").get_data(as_text=True)
    assert "$500.00" in client.get("/products/alpha-rack").get_data(as_text=True)
    # when a manager changes the price through the back office
    change_price(rack.variants[0], 45_000)
    # then the very next requests show the new price
    assert "$450.00" in client.get("/categories/racks").get_data(as_text=True)
    assert "$450.00" in client.get("/products/alpha-rack").get_data(as_text=True)


def test_a_checkout_reservation_shows_as_out_of_stock_at_once(client, rack):
    assert "In stock" in client.get("/categories/racks").get_data(as_text=True)
    assert "Only 1 left" in client.get("/products/alpha-rack").get_data(as_text=True)
    # when a checkout reserves the last unit
    checkout.place_order(cart_with(rack.variants[0], 1), DETAILS, utcnow())
    assert "Out of stock" in client.get("/categories/racks").get_data(as_text=True)
    assert 'data-testid="stock">Out of stock<' in \
        client.get("/products/alpha-rack").get_data(as_text=True)


def test_a_stock_adjustment_to_zero_also_refreshes_listings(client, rack):
    assert "In stock" in client.get("/categories/racks").get_data(as_text=True)
    # when staff write off the last unit
    stock_service.adjust(rack.variants[0].id, -1, "damaged", "Dropped", "staff@example.com")
    # then the listing says so at once
    assert "Out of stock" in client.get("/categories/racks").get_data(as_text=True)


def test_etag_gives_304_while_the_page_is_unchanged(client, rack):
    first = client.get("/categories/racks")
    assert first.headers["ETag"]
    again = client.get("/categories/racks", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_etag_changes_when_the_price_does(client, rack):
    first = client.get("/categories/racks")
    change_price(rack.variants[0], 40_000)
    again = client.get("/categories/racks", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert "$400.00" in again.get_data(as_text=True)


def test_anonymous_listing_is_public_but_revalidated(client, rack):
    response = client.get("/categories/racks")
    assert response.headers["Cache-Control"] == "public, no-cache"
    assert "Cookie" in response.headers["Vary"]


def test_pages_for_a_visitor_with_a_cart_are_private(client, rack):
    token = csrf_token(client, "/products/alpha-rack")
    client.post("/cart/add", data={"csrf_token": token, "sku": "RK-A", "quantity": "1"})
    client.get("/cart")  # the flash is shown there
    for url in ("/", "/categories/racks", "/search?q=rack", "/products/alpha-rack"):
        response = client.get(url)
        assert response.headers["Cache-Control"].startswith("private"), url


def test_product_page_is_never_public(client, rack):
    # it carries a CSRF token tied to the visitor's session
    assert client.get("/products/alpha-rack").headers["Cache-Control"] == "private, no-cache"


def test_a_cached_page_shows_each_visitor_their_own_cart_count(app, client, rack):
    other = app.test_client()
    assert "cart-count" not in other.get("/categories/racks").get_data(as_text=True)
    token = csrf_token(client, "/products/alpha-rack")
    client.post("/cart/add", data={"csrf_token": token, "sku": "RK-A", "quantity": "1"})
    client.get("/cart")
    html = client.get("/categories/racks").get_data(as_text=True)
    assert re.search(r'class="cart-count"[^>]*>1</span>', html)
    assert "cart-count" not in other.get("/categories/racks").get_data(as_text=True)


def test_each_visitor_gets_their_own_csrf_token_on_a_cached_product_page(app, client, rack):
    other = app.test_client()
    mine = csrf_token(client, "/products/alpha-rack")
    theirs = csrf_token(other, "/products/alpha-rack")
    assert mine != theirs
    response = other.post("/cart/add", data={"csrf_token": theirs, "sku": "RK-A",
                                             "quantity": "1"})
    assert response.status_code == 303


def test_a_page_with_a_flash_message_is_not_stored(client, rack):
    token = csrf_token(client, "/products/alpha-rack")
    response = client.post("/cart/add", data={"csrf_token": token, "sku": "RK-A",
                                              "quantity": "99", "next": "/categories/racks"})
    assert response.status_code == 303  # refused: only 1 left, with a flash
    page = client.get("/categories/racks")
    assert "Only 1" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store"
    assert "Only 1" not in client.get("/categories/racks").get_data(as_text=True)


def test_no_marker_ever_reaches_a_visitor(client, rack):
    for url in ("/", "/categories/racks", "/search?q=alpha", "/products/alpha-rack"):
        html = client.get(url).get_data(as_text=True)
        assert "__shop_" not in html, url


REDIS_URL = "redis://127.0.0.1:6379/15"
REDIS_PREFIX = f"shop-test-{uuid.uuid4().hex[:8]}:"
REDIS_SETTINGS = {"CACHE_REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": REDIS_PREFIX}


def redis_reachable() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.exceptions.RedisError:
        return False


@pytest.fixture
def shared_cache():
    """The local Redis (skipped without one); this run's keys are removed afterwards."""
    if not redis_reachable():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    client = redis.Redis.from_url(REDIS_URL)
    yield client
    for key in client.scan_iter(REDIS_PREFIX + "*"):
        client.delete(key)


@pytest.fixture
def second_worker(app, shared_cache):
    """Another app on the same database and Redis, as a second gunicorn worker would be."""
    other = create_app(settings_for(app.config["SQLALCHEMY_DATABASE_URI"], **REDIS_SETTINGS))
    yield other
    with other.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("app_settings", [REDIS_SETTINGS])
def test_with_redis_a_change_in_one_worker_reaches_the_other_within_a_second(
        app, second_worker, rack, monkeypatch):
    # given the second worker served the category page, and serves it again from the cache
    assert app.config["CACHE_TYPE"] == "RedisCache" and app.config["CATALOG_CACHE_SECONDS"] == 300
    assert second_worker.config["CATALOG_VERSION_SECONDS"] == 1
    clock = [1000.0]  # the workers' monotonic clock, moved by hand
    monkeypatch.setattr("shop.web_cache.versions.time.monotonic", lambda: clock[0])
    browser = second_worker.test_client()
    assert "$500.00" in browser.get("/categories/racks").get_data(as_text=True)
    with second_worker.app_context():
        engine = db.engine
    with counting_statements(engine) as statements:
        assert "$500.00" in browser.get("/categories/racks").get_data(as_text=True)
    assert not any("FROM product" in s for s in statements)
    # when staff change the price through the first worker
    change_price(rack.variants[0], 45_000)
    # then the first worker shows it at once, and the second within a second
    assert "$450.00" in app.test_client().get("/categories/racks").get_data(as_text=True)
    assert "$500.00" in browser.get("/categories/racks").get_data(as_text=True)
    clock[0] += 1.01
    assert "$450.00" in browser.get("/categories/racks").get_data(as_text=True)


@pytest.mark.parametrize("app_settings", [REDIS_SETTINGS])
def test_with_redis_a_worker_serves_a_listing_from_its_own_copy(app, client, shared_cache, rack):
    # given a category page served once, then gone from Redis (evicted, say)
    assert "$500.00" in client.get("/categories/racks").get_data(as_text=True)
    for key in shared_cache.scan_iter(REDIS_PREFIX + "*page:*"):
        shared_cache.delete(key)
    # when it is asked for again, then the worker's copy answers: no query, same page
    with counting_statements(db.engine) as statements:
        assert "$500.00" in client.get("/categories/racks").get_data(as_text=True)
    assert not any("FROM product" in s for s in statements)
    # and once the price changes, the copy of the old version is never served
    change_price(rack.variants[0], 45_000)
    assert "$450.00" in client.get("/categories/racks").get_data(as_text=True)


@pytest.mark.parametrize("app_settings", [REDIS_SETTINGS])
def test_with_redis_a_made_up_product_address_leaves_no_lasting_key(app, client, shared_cache):
    # when someone asks for a product that does not exist
    assert client.get("/products/no-such-thing-41").status_code == 404
    # then the version read for it expires within a day; a bumped one is kept
    [key] = list(shared_cache.scan_iter(REDIS_PREFIX + "*version:product:no-such-thing-41"))
    assert 0 < shared_cache.ttl(key) <= 24 * 3600
    with app.test_request_context():
        web_cache.products_changed(["no-such-thing-41"])
    assert shared_cache.ttl(key) == -1


@pytest.mark.parametrize("app_settings", [REDIS_SETTINGS])
def test_with_redis_remembered_lists_are_shared_as_tuples(app, shared_cache, rack):
    # a worker's threads share what `remember` keeps: none of them can change it
    with app.test_request_context():
        first = web_cache.remember("names", lambda: ["Racks"])
        again = web_cache.remember("names", lambda: ["something else"])
    assert first == again == ("Racks",)
    assert again is first  # the worker's copy, not a fresh unpickled list


def test_a_cached_product_page_needs_no_query(app, client, rack):
    assert "$500.00" in client.get("/products/alpha-rack").get_data(as_text=True)
    with counting_statements(db.engine) as statements:
        html = client.get("/products/alpha-rack").get_data(as_text=True)
    assert "$500.00" in html and "Only 1 left" in html
    assert statements == []


def test_the_delivery_countdown_moves_on_a_cached_product_page(app, client, rack):
    from datetime import datetime, timezone
    # Monday 23 Nov 2026, 10:39:30 in New York: 3 h 20 min 30 s before the 14:00 cut-off
    app.config["FIXED_NOW"] = datetime(2026, 11, 23, 15, 39, 30, tzinfo=timezone.utc)
    first = client.get("/products/alpha-rack")
    assert "Order within 3 h 20 min for dispatch today" in first.get_data(as_text=True)
    # a quarter of an hour later (3 h 4 min 30 s left) the page comes from the cache, with
    # the promise of now, rounded down as ever
    app.config["FIXED_NOW"] = datetime(2026, 11, 23, 15, 55, 30, tzinfo=timezone.utc)
    with counting_statements(db.engine) as statements:
        later = client.get("/products/alpha-rack", headers={"If-None-Match": first.headers["ETag"]})
    assert statements == []
    assert later.status_code == 200  # not 304: the page changed
    assert "Order within 3 h 4 min for dispatch today" in later.get_data(as_text=True)
    # on the minute exactly it counts from the minute's end: never more time than is left
    app.config["FIXED_NOW"] = datetime(2026, 11, 23, 16, 0, 0, tzinfo=timezone.utc)
    assert "Order within 2 h 59 min for dispatch today" in \
        client.get("/products/alpha-rack").get_data(as_text=True)
    # in the cut-off's last minute it says "now", and past it, tomorrow's dispatch
    app.config["FIXED_NOW"] = datetime(2026, 11, 23, 18, 59, 58, tzinfo=timezone.utc)
    assert "Order now for dispatch today" in client.get("/products/alpha-rack").get_data(as_text=True)
    app.config["FIXED_NOW"] = datetime(2026, 11, 23, 19, 0, 0, tzinfo=timezone.utc)
    html = client.get("/products/alpha-rack").get_data(as_text=True)
    assert "Ships Tue 24 Nov" in html and "__shop_" not in html


def test_an_unknown_sku_gets_the_default_variant_but_no_cache_entry(app, client, rack):
    for _ in range(2):
        response = client.get("/products/alpha-rack?sku=NOPE")
        assert response.status_code == 200 and "SKU RK-A" in response.get_data(as_text=True)
    with counting_statements(db.engine) as statements:
        client.get("/products/alpha-rack?sku=NOPE")
    assert statements  # rendered afresh each time: odd query strings cannot fill the cache
    client.get("/products/alpha-rack?sku=RK-A")
    with counting_statements(db.engine) as statements:
        client.get("/products/alpha-rack?sku=RK-A")
    assert statements == []


@contextmanager
def renders_and_stores(app, monkeypatch):
    """Record the templates rendered and the page keys stored in the cache inside the block."""
    seen = {"rendered": [], "stored": []}

    def rendered(sender, template, context, **extra):
        seen["rendered"].append(template.name)

    real_set = web_cache.cache.set

    def spy_set(key, value, *args, **kwargs):
        if key.startswith("page:"):
            seen["stored"].append(key)
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(web_cache.cache, "set", spy_set)
    template_rendered.connect(rendered, app)
    try:
        yield seen
    finally:
        template_rendered.disconnect(rendered, app)


def test_unknown_query_parameters_make_one_render_and_one_cache_entry(app, client, rack,
                                                                      monkeypatch):
    # given a category page asked for by N visitors, each with their own tracking parameter
    with renders_and_stores(app, monkeypatch) as seen:
        for n in range(1, 6):
            response = client.get(f"/categories/racks?utm={n}&fbclid=x{n}")
            # then each is served the page
            assert response.status_code == 200 and "Alpha Rack" in response.get_data(as_text=True)
    # and it was rendered once and stored under one key
    assert seen["rendered"].count("catalog/category.html") == 1
    assert len(seen["stored"]) == 1
    # and the same holds for search
    with renders_and_stores(app, monkeypatch) as seen:
        for n in range(1, 6):
            assert client.get(f"/search?q=rack&utm_source=mail{n}").status_code == 200
    assert seen["rendered"].count("catalog/search.html") == 1 and len(seen["stored"]) == 1


def test_one_filter_spelled_several_ways_shares_one_cache_entry(app, client, rack, monkeypatch):
    with renders_and_stores(app, monkeypatch) as seen:
        for query in ("min_price=10", "min_price=10.00", "min_price=$10&page=1",
                      "sort=featured&min_price=10.0&in_stock="):
            response = client.get(f"/categories/racks?{query}")
            assert response.status_code == 200, query
            assert 'name="min_price" inputmode="decimal" value="10"' in \
                response.get_data(as_text=True)
    assert seen["rendered"].count("catalog/category.html") == 1 and len(seen["stored"]) == 1
    # while different filters are different pages
    with renders_and_stores(app, monkeypatch) as seen:
        assert "Alpha Rack" not in client.get("/categories/racks?min_price=600") \
            .get_data(as_text=True)
    assert len(seen["stored"]) == 1


def test_a_brand_spelled_several_ways_shares_one_cache_entry(app, client, rack, monkeypatch):
    # given a rack by Ironforge (the catalog's spelling)
    with renders_and_stores(app, monkeypatch) as seen:
        # when visitors filter by that brand spelled differently
        for spelling in ("Ironforge", "ironforge", "IRONFORGE", "%20ironForge%20"):
            response = client.get(f"/categories/racks?brand={spelling}")
            # then each sees the rack
            assert response.status_code == 200, spelling
            assert "Alpha Rack" in response.get_data(as_text=True)
    # and the page was rendered and stored once
    assert seen["rendered"].count("catalog/category.html") == 1 and len(seen["stored"]) == 1


def test_an_unknown_brand_makes_no_cache_entry_of_its_own(app, client, rack, monkeypatch):
    # given the unfiltered category page
    with renders_and_stores(app, monkeypatch) as seen:
        assert client.get("/categories/racks").status_code == 200
        # when visitors filter by brands the catalog doesn't have
        for n in range(5):
            response = client.get(f"/categories/racks?brand=nobrand{n}")
            # then they are shown the unfiltered page
            assert response.status_code == 200
            assert "Alpha Rack" in response.get_data(as_text=True)
    # and no page beyond the unfiltered one was stored
    assert len(seen["stored"]) == 1


def test_bad_filters_are_never_cached(app, client, rack, monkeypatch):
    with renders_and_stores(app, monkeypatch) as seen:
        typed = client.get("/categories/racks?min_price=abc&utm=1")  # a message on the form
        edited = client.get("/categories/racks?sort=nonsense")  # refused
    assert typed.status_code == 200 and "Minimum price" in typed.get_data(as_text=True)
    assert edited.status_code == 400
    assert seen["stored"] == []


def test_a_cached_listings_links_carry_only_the_filters(app, client, rack):
    # given two pages of racks
    make_product(rack.category, name="Beta Rack", slug="beta-rack",
                 variants=[{"sku": "RK-B", "price_cents": 60_000, "on_hand": 3}])
    app.config["PRODUCTS_PER_PAGE"] = 1
    # when the first visitor came from a newsletter link
    first = client.get("/categories/racks?utm_source=newsletter&in_stock=yes")
    # then the page's "next" link, cached for every visitor, names the filters alone
    html = first.get_data(as_text=True)
    assert 'href="/categories/racks?in_stock=1&amp;page=2"' in html
    assert "newsletter" not in html
    assert "newsletter" not in client.get("/categories/racks?in_stock=1").get_data(as_text=True)


# --- invalidation by the services that change data -------------------------------------------

@pytest.fixture
def bench(rack):
    return make_product(rack.category, name="Flat Bench", slug="flat-bench",
                        variants=[{"sku": "BN-1", "price_cents": 20_000, "on_hand": 8}])


def test_a_stock_move_on_one_product_leaves_the_others_page_cached(client, rack, bench):
    # given both product pages were served (and cached)
    assert "Only 1 left" in client.get("/products/alpha-rack").get_data(as_text=True)
    assert "In stock" in client.get("/products/flat-bench").get_data(as_text=True)
    # when a checkout reserves 4 of the bench's 8 units (it stays in stock)
    checkout.place_order(cart_with(bench.variants[0], 4), DETAILS, utcnow())
    # then the rack's page still comes from the cache, with no query
    with counting_statements(db.engine) as statements:
        assert "Only 1 left" in client.get("/products/alpha-rack").get_data(as_text=True)
    assert statements == []
    # and the bench's page is rendered afresh
    assert 'data-testid="stock">Only 4 left<' in \
        client.get("/products/flat-bench").get_data(as_text=True)


def test_goods_in_refresh_that_products_page_but_not_a_listing_it_stays_in_stock_on(
        client, rack, bench):
    # given the bench's page and the category listing were served (and cached)
    assert "In stock" in client.get("/products/flat-bench").get_data(as_text=True)
    assert "Flat Bench" in client.get("/categories/racks").get_data(as_text=True)
    # when goods in bring the bench from 8 to 10 units (still "In stock" on listings)
    stock_service.receive(bench.variants[0].id, 2, "PO 7", "staff@example.com")
    # then the listing is still served from the cache
    with counting_statements(db.engine) as statements:
        assert client.get("/categories/racks").status_code == 200
    assert statements == []
    # while goods in for the sold-out rack put it back on the listing at once
    stock_service.adjust(rack.variants[0].id, -1, "damaged", "Dropped", "staff@example.com")
    assert "Out of stock" in client.get("/categories/racks").get_data(as_text=True)
    stock_service.receive(rack.variants[0].id, 3, "PO 8", "staff@example.com")
    html = client.get("/categories/racks").get_data(as_text=True)
    assert "Out of stock" not in html and "Alpha Rack" in html


def test_a_price_edit_through_the_back_office_refreshes_listings(client, rack, bench):
    # given the category listing and the search results were served (and cached)
    assert "$200.00" in client.get("/categories/racks").get_data(as_text=True)
    assert "$200.00" in client.get("/search?q=bench").get_data(as_text=True)
    # when a manager lowers the bench's price
    change_price(bench.variants[0], 17_500)
    # then both listings show the new price
    assert "$175.00" in client.get("/categories/racks").get_data(as_text=True)
    assert "$175.00" in client.get("/search?q=bench").get_data(as_text=True)


def test_a_category_rename_through_the_back_office_refreshes_its_pages(client, rack):
    assert "Racks" in client.get("/products/alpha-rack").get_data(as_text=True)
    category = rack.category
    catalog_service.update_category(category.id, {
        "name": "Power Racks", "slug": category.slug, "description": category.description,
        "parent_id": None, "warranty_kind": category.warranty_kind,
        "featured": category.featured, "position": category.position,
        "image_path": category.image_path}, MANAGER)
    assert "Power Racks" in client.get("/products/alpha-rack").get_data(as_text=True)
    assert "Power Racks" in client.get("/categories/racks").get_data(as_text=True)


def test_an_expired_checkout_puts_the_product_back_on_sale_at_once(client, rack):
    order = checkout.place_order(cart_with(rack.variants[0], 1), DETAILS, utcnow())
    assert "Out of stock" in client.get("/categories/racks").get_data(as_text=True)
    assert checkout.cancel_unpaid(order, note="Checkout session expired", status="expired")
    assert "Out of stock" not in client.get("/categories/racks").get_data(as_text=True)
    assert "Only 1 left" in client.get("/products/alpha-rack").get_data(as_text=True)


def test_no_session_event_listeners_watch_commits(app):
    # the cache is told by the services that change data, not by watching every commit
    session = db.session()
    for name in ("after_flush", "do_orm_execute", "after_commit", "after_rollback"):
        assert len(getattr(session.dispatch, name)) == 0, name


def test_the_catalog_read_service_knows_nothing_of_the_cache():
    import ast
    from pathlib import Path

    import shop.catalog.service as service
    tree = ast.parse(Path(service.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            prefix = f"{node.module}." if isinstance(node, ast.ImportFrom) else ""
            imported |= {prefix + alias.name for alias in node.names}
    assert imported and not any("cach" in name for name in imported), imported


def test_a_price_import_from_csv_refreshes_listings(client, rack):
    from shop.accounts.service import create_staff
    from shop.backoffice import catalog_csv
    from tests.backoffice.conftest import PASSWORD
    # given the category listing was served (and cached) at $500
    assert "$500.00" in client.get("/categories/racks").get_data(as_text=True)
    manager = create_staff("mia.manager@example.com", PASSWORD, "manager", "Mia")
    # when a manager imports the exported catalog with the rack at $425
    text = catalog_csv.export_csv().replace("500.00", "425.00")
    plan = catalog_csv.preview_import(text.encode(), manager.id)
    catalog_csv.apply_import(plan.upload, plan.digest, manager.id, manager.email, reviewed=True)
    # then the listing shows the new price at once
    assert "$425.00" in client.get("/categories/racks").get_data(as_text=True)
