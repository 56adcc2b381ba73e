"""The objects the /admin access matrix needs for the issue-20 routes (reviews, goes-with)."""
from shop.engagement.models import ProductLink
from shop.extensions import db
from shop.reviews.models import Review
from tests.factories import make_product


def engagement_world(rack, order) -> dict:
    """A pending review of `rack` from `order`, J-cups linked to the rack, collars not yet."""
    cups = make_product(rack.category, name="J-Cups", slug="j-cups")
    make_product(rack.category, name="Collars", slug="collars")
    review = Review(product_id=rack.id, order_id=order.id, email=order.email, author="Sam",
                    rating=5, body="Solid rack, quick to put together.", claims=[])
    db.session.add_all([ProductLink(product_id=rack.id, accessory_id=cups.id), review])
    db.session.commit()
    return {"review_id": review.id, "accessory_id": cups.id}
