"""Product cards show the average rating when their data carries one (rating_count, rating_average)."""
from dataclasses import dataclass

from sqlalchemy import select

from shop.catalog.models import Product
from shop.extensions import db
from shop.reviews.models import Review
from shop.reviews.service import rating_summary
from tests.factories import make_order, make_product


@dataclass
class Card:
    id: int = 1
    slug: str = "rack"
    name: str = "Rack"
    brand: str = "Ironforge"
    image_alt: str = ""
    price_from_cents: int = 100
    price_to_cents: int = 100
    compare_at_cents: int | None = None
    available: int = 1
    variant_count: int = 1


@dataclass
class RatedCard(Card):
    rating_count: int = 0
    rating_average: float | None = None


def card_html(app, card):
    template = app.jinja_env.from_string(
        '{% from "macros.html" import product_card %}{{ product_card(p, links) }}')
    with app.test_request_context():
        return template.render(p=card, links={"page": "/products/rack", "image": "/x.jpg"})


def test_a_card_shows_stars_only_with_approved_reviews(app):
    rated = card_html(app, RatedCard(rating_count=3, rating_average=13 / 3))
    assert 'data-testid="card-rating"' in rated and "4.3" in rated
    assert rated.count('class="star-on"') == 4 and "(3<" in rated
    assert 'card-rating' not in card_html(app, RatedCard())
    assert 'card-rating' not in card_html(app, Card())  # card data without ratings yet


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
