"""Tables for back-in-stock alerts and goes-with links between products."""
from sqlalchemy import CheckConstraint, Index, UniqueConstraint, text

from shop.database import UTCDateTime, utcnow
from shop.extensions import db

ALERT_STATUSES = ("pending", "confirmed", "notified", "unsubscribed")
OPEN_ALERT = "status IN ('pending', 'confirmed')"


class BackInStockRequest(db.Model):
    """A shopper's wish to hear once when a sold-out SKU is back.

    `pending` until the address confirms the link emailed to it (double opt-in), then
    `confirmed`; `notified` once the back-in-stock email is queued (a conditional update
    from `confirmed`, so it happens once), or `unsubscribed`. One open request per SKU and
    address.
    """

    __tablename__ = "back_in_stock_request"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'confirmed', 'notified', 'unsubscribed')",
                        name="status_known"),
        Index("uq_back_in_stock_request_open", "variant_id", "email", unique=True,
              sqlite_where=text(OPEN_ALERT), postgresql_where=text(OPEN_ALERT)),
        Index("ix_back_in_stock_request_variant_status", "variant_id", "status"),
    )

    id = db.Column(db.Integer, primary_key=True)
    variant_id = db.Column(db.Integer, db.ForeignKey("variant.id"), nullable=False)
    email = db.Column(db.String(254), nullable=False, index=True)
    # Random and unguessable: proves the holder got the email (confirm, unsubscribe).
    token = db.Column(db.String(64), nullable=False, unique=True)
    status = db.Column(db.String(12), nullable=False, default="pending")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    confirmed_at = db.Column(UTCDateTime, nullable=True)
    notified_at = db.Column(UTCDateTime, nullable=True)
    unsubscribed_at = db.Column(UTCDateTime, nullable=True)


class ProductLink(db.Model):
    """An accessory shown under "Goes with" on a product's page (J-cups for a rack)."""

    __tablename__ = "product_link"
    __table_args__ = (
        UniqueConstraint("product_id", "accessory_id", name="uq_product_link_pair"),
        CheckConstraint("product_id <> accessory_id", name="not_itself"),
    )

    id = db.Column(db.Integer, primary_key=True)
    product_id = db.Column(db.Integer, db.ForeignKey("product.id"), nullable=False)
    accessory_id = db.Column(db.Integer, db.ForeignKey("product.id"), nullable=False,
                             index=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
