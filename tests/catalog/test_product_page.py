"""The product page: variants, price, stock state, and what search engines read."""
import json
import re

import pytest

from tests.factories import make_category, make_product


@pytest.fixture
def dumbbell(app):
    category = make_category(name="Dumbbells", slug="dumbbells")
    return make_product(
        category, name="Hex Dumbbell", slug="hex-dumbbell", brand="Oakridge",
        meta_description="A rubber hex dumbbell.",
        variants=[
            {"sku": "DB-05", "option_name": "Weight", "option_value": "5 lb",
             "price_cents": 1_999, "on_hand": 0},
            {"sku": "DB-10", "option_name": "Weight", "option_value": "10 lb",
             "price_cents": 2_999, "on_hand": 3, "compare_at_cents": 3_499},
            {"sku": "DB-15", "option_name": "Weight", "option_value": "15 lb",
             "price_cents": 3_999, "on_hand": 40},
        ],
    )


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_default_variant_is_the_first_in_stock(client, dumbbell):
    html = page(client, "/products/hex-dumbbell")
    assert "SKU DB-10" in html
    assert "$29.99" in html and "$34.99" in html
    assert "Only 3 left" in html


@pytest.mark.parametrize("sku, price, stock", [
    ("DB-05", "$19.99", "Out of stock"),
    ("DB-10", "$29.99", "Only 3 left"),
    ("DB-15", "$39.99", "In stock"),
])
def test_choosing_a_variant_shows_its_price_and_stock(client, dumbbell, sku, price, stock):
    html = page(client, f"/products/hex-dumbbell?sku={sku}")
    assert re.search(rf'data-testid="price">{re.escape(price)}', html)
    assert f'data-testid="stock">{stock}<' in html


def test_variant_picker_lists_every_weight(client, dumbbell):
    html = page(client, "/products/hex-dumbbell")
    for label in ("5 lb", "10 lb", "15 lb"):
        assert f'<span class="variant-label">{label}</span>' in html


def test_unknown_sku_falls_back_to_the_default_variant(client, dumbbell):
    assert "SKU DB-10" in page(client, "/products/hex-dumbbell?sku=<script>")


def test_reserved_units_are_not_shown_as_available(app, client, dumbbell):
    from shop.extensions import db
    variant = dumbbell.variants[2]
    variant.reserved = 38
    db.session.commit()
    assert 'data-testid="stock">Only 2 left<' in page(client, "/products/hex-dumbbell?sku=DB-15")


def test_seo_tags_and_json_ld(client, dumbbell):
    html = page(client, "/products/hex-dumbbell")
    assert '<link rel="canonical" href="http://shop.test/products/hex-dumbbell">' in html
    assert '<meta property="og:title" content="Hex Dumbbell">' in html
    assert '<meta name="description" content="A rubber hex dumbbell.">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html,
                                re.S).group(1))
    assert data["@type"] == "Product" and data["brand"]["name"] == "Oakridge"
    offers = {o["sku"]: o for o in data["offers"]}
    assert offers["DB-05"]["availability"] == "https://schema.org/OutOfStock"
    assert offers["DB-10"]["price"] == "29.99"
    assert offers["DB-15"]["availability"] == "https://schema.org/InStock"


def test_json_ld_cannot_break_out_of_its_script_tag(client, app):
    make_product(name="Bar </script><script>alert(1)</script>", slug="evil")
    html = page(client, "/products/evil")
    assert "</script><script>alert(1)" not in html


def test_draft_and_unknown_products_are_404(client, app):
    make_product(slug="secret", status="draft")
    assert client.get("/products/secret").status_code == 404
    assert client.get("/products/does-not-exist").status_code == 404


def test_sitemap_lists_published_products_and_categories(client, dumbbell):
    make_product(slug="secret", status="draft")
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    assert "http://shop.test/products/hex-dumbbell" in xml
    assert "http://shop.test/categories/dumbbells" in xml
    assert "secret" not in xml


def test_robots_points_to_the_sitemap(client, app):
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    assert "Sitemap: http://shop.test/sitemap.xml" in response.get_data(as_text=True)
    assert "Disallow: /admin" in response.get_data(as_text=True)


def test_product_page_shows_the_delivery_estimate_at_a_pinned_time(app, client, dumbbell):
    from datetime import datetime, timezone
    # given Monday 23 Nov 2026, 10:39:30 in New York (15:39:30 UTC): 3 h 20 min 30 s before
    # the cut-off
    app.config["FIXED_NOW"] = datetime(2026, 11, 23, 15, 39, 30, tzinfo=timezone.utc)
    html = page(client, "/products/hex-dumbbell")
    # then the page promises dispatch today and standard-parcel transit (1 to 2 business days)
    assert "Order within 3 h 20 min for dispatch today; arrives Tue 24 Nov to Wed 25 Nov" in html


def test_heavy_items_say_they_ship_by_freight(app, client):
    make_product(slug="rack", variants=[{"weight_g": 148_000, "length_cm": 220}])
    assert "Ships by freight, curbside delivery." in page(client, "/products/rack")


def test_warranty_table_uses_category_terms_and_product_overrides(app, client):
    category = make_category(slug="racks", warranty_kind="strength_machine")
    make_product(category, slug="rack", warranty_overrides={"Upholstery": 24})
    html = page(client, "/products/rack")
    table = re.search(r'data-testid="warranty">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td></tr>", table)
    assert ("Frame and welds", "10 years") in rows
    assert ("Upholstery", "2 years") in rows
    assert ("Cables and pulleys", "1 year") in rows


def test_final_sale_products_say_so(app, client):
    make_product(slug="clearance", final_sale=True)
    assert "Final sale" in page(client, "/products/clearance")


def test_favicon_ico_points_at_the_shop_icon(client, app):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/static/img/favicon.svg")
    icon = client.get("/static/img/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    icon.close()


def test_a_final_sale_product_names_every_reason_its_returns_policy_accepts(client, dumbbell):
    from shop.extensions import db
    from shop.rules.returns import DEFAULT_RETURN_POLICY
    dumbbell.final_sale = True
    db.session.commit()
    html = page(client, "/products/hex-dumbbell")
    accepted = [r.code for r in DEFAULT_RETURN_POLICY.reasons if r.allowed_on_final_sale]
    assert accepted == ["damaged", "defective", "wrong_item"]  # what the sentence below says
    assert "Final sale: returns only if it arrives damaged or faulty, or we sent the wrong " \
           "item." in html
