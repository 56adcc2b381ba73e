"""Product cards on listings link to the product's page and picture, built once per worker."""
from shop import web_cache
from shop.extensions import db
from tests.factories import make_category, make_product


def test_a_card_links_to_its_product_under_a_new_slug(app, client):
    # given a listing and a search whose cards were built for the product's first slug
    product = make_product(make_category(slug="racks"), name="Alpha Rack", slug="alpha-rack")
    for url in ("/categories/racks", "/search?q=alpha"):
        assert 'href="/products/alpha-rack"' in client.get(url).get_data(as_text=True)
    # when the slug changes and the catalog version moves, as a back office edit does
    product.slug = "alpha-rack-2"
    db.session.commit()
    with app.test_request_context():
        web_cache.catalog_changed()
    # then both cards link to the new address, and the page there answers
    for url in ("/categories/racks", "/search?q=alpha"):
        html = client.get(url).get_data(as_text=True)
        assert 'href="/products/alpha-rack-2"' in html
        assert 'href="/products/alpha-rack"' not in html
    assert client.get("/products/alpha-rack-2").status_code == 200


def test_a_card_shows_its_product_picture(client):
    category = make_category(slug="racks")
    make_product(category, name="Alpha Rack", slug="alpha-rack")  # img/demo/racks.svg
    html = client.get("/categories/racks").get_data(as_text=True)
    assert 'src="/static/img/demo/racks.svg"' in html
