"""Every catalog page stays within a small budget of statements whatever its size."""
import pytest

from tests.factories import make_category, make_product


def fill(category, count):
    for i in range(count):
        make_product(category, name=f"Item {i}", featured=True,
                     variants=[{"price_cents": 1_000 + i}, {"price_cents": 2_000 + i}])


@pytest.mark.parametrize("url, limit", [
    ("/", 3),  # categories, featured cards, their ratings
    ("/categories/gear", 4),  # categories, brands, the page, its ratings
    ("/categories/gear?sort=price_desc&in_stock=1&min_price=5&brand=Ironforge", 4),
    ("/search?q=item", 4),  # synonyms, matches per brand (total and facet), the page, ratings
    ("/products/item-page", 4),  # 2 + its approved reviews and its goes-with (issue 20)
    ("/sitemap.xml", 2),
])
def test_statement_count_does_not_grow_with_the_page(app, client, count_statements, url, limit):
    category = make_category(slug="gear")
    make_product(category, slug="item-page", variants=[{}, {}, {}])
    counts = []
    for size in (3, 24):
        fill(category, size)
        with count_statements() as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    # the bigger page costs no more statements, and both stay within the budget
    assert counts[1] <= counts[0] <= limit
