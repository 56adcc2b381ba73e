"""Product cards show the average rating of approved reviews (home, category and search pages)."""
from sqlalchemy import select

from shop.catalog.models import Product
from shop.extensions import db
from shop.reviews.models import Review
from shop.reviews.service import rating_summary
from tests.factories import make_category, make_order, make_product


def add_review(product, order, stars, status, email):
    db.session.add(Review(product_id=product.id, order_id=order.id, rating=stars, body="x" * 20,
                          email=email, author="A", claims=[], status=status))


def test_listing_cards_show_the_average_of_approved_reviews_only(app, client):
    # given a rack with two approved reviews and a pending one, and a bench with none
    category = make_category(name="Racks", slug="racks")
    rack = make_product(category, name="Summit Rack", slug="rack", featured=True)
    make_product(category, name="Flat Bench", slug="bench", featured=True)
    order = make_order([(rack.variants[0], 1)])
    for stars, status in [(5, "approved"), (4, "approved"), (1, "pending")]:
        add_review(rack, order, stars, status, f"{stars}@example.com")
    db.session.commit()
    for url in ("/", "/categories/racks", "/search?q=rack"):
        # when a shopper opens a listing
        html = client.get(url).get_data(as_text=True)
        # then the rack's card carries 4.5 stars from 2 reviews, and only one card is rated
        assert html.count('data-testid="card-rating"') == 1, url
        card = html[html.index('data-testid="card-rating"'):]
        assert "4.5" in card[:400] and "(2<" in card[:400], url


def test_rating_summary_joins_onto_a_card_query(app):
    rack, bench = make_product(slug="rack"), make_product(slug="bench")
    order = make_order([(rack.variants[0], 1)])
    for stars, status in [(5, "approved"), (4, "approved"), (1, "pending")]:
        db.session.add(Review(product_id=rack.id, order_id=order.id, rating=stars, body="x" * 20,
                              email=f"{stars}@example.com", author="A", claims=[], status=status))
    db.session.commit()
    ratings = rating_summary()
    rows = db.session.execute(
        select(Product.slug, ratings.c.rating_count, ratings.c.rating_average)
        .outerjoin(ratings, ratings.c.product_id == Product.id).order_by(Product.slug)).all()
    assert [(slug, count or 0, float(avg) if avg else None) for slug, count, avg in rows] == [
        ("bench", 0, None), ("rack", 2, 4.5)]
