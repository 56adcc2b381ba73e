"""Cart tables: one cart per signed-cookie token, one line per variant."""
from sqlalchemy import CheckConstraint, UniqueConstraint

from shop.database import UTCDateTime, utcnow
from shop.extensions import db


class Cart(db.Model):
    """A visitor's cart; `token` is what the signed cookie carries."""

    __tablename__ = "cart"

    id = db.Column(db.Integer, primary_key=True)
    token = db.Column(db.String(64), nullable=False, unique=True)
    country = db.Column(db.String(2), nullable=False, default="US")
    region = db.Column(db.String(3), nullable=False, default="")
    # A discount code the customer entered (checked again at every pricing), or "".
    discount_code = db.Column(db.String(40), nullable=False, default="", server_default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow,
                           index=True)


class CartItem(db.Model):
    """A variant in a cart; `price_seen_cents` is the price when the customer last looked."""

    __tablename__ = "cart_item"
    __table_args__ = (
        UniqueConstraint("cart_id", "variant_id", name="uq_cart_item_cart_variant"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id = db.Column(db.Integer, primary_key=True)
    cart_id = db.Column(db.Integer, db.ForeignKey("cart.id", ondelete="CASCADE"), nullable=False)
    variant_id = db.Column(db.Integer, db.ForeignKey("variant.id"), nullable=False)
    quantity = db.Column(db.Integer, nullable=False)
    price_seen_cents = db.Column(db.Integer, nullable=False)
    added_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
