"""X-Page-Cache: each catalog response says whether the page cache served it."""
from shop.web_cache.pages import CACHE_HEADER
from tests.factories import make_category, make_product


def test_a_page_is_a_miss_first_then_a_hit(app, client):
    # given a product page nobody asked for yet
    category = make_category(slug="racks")
    make_product(category, slug="alpha-rack", variants=[{"sku": "RK-A", "on_hand": 3}])
    # when it is asked for twice
    first = client.get("/products/alpha-rack")
    second = client.get("/products/alpha-rack")
    # then the first was rendered (miss) and the second came from the cache (hit)
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.headers[CACHE_HEADER] == "miss"
    assert second.headers[CACHE_HEADER] == "hit"
    # and the home page, never asked for, is a miss of its own
    assert client.get("/").headers[CACHE_HEADER] == "miss"


def test_a_page_with_a_flash_message_bypasses_the_cache(app, client):
    # given a visitor with a pending flash message (an empty cart's checkout sets one)
    make_category(slug="racks")
    client.get("/checkout")
    # when the next page is asked for
    response = client.get("/")
    # then it was rendered for this visitor only
    assert response.headers[CACHE_HEADER] == "bypass"
