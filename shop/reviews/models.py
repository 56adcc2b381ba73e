"""The product review table."""
from sqlalchemy import CheckConstraint, Index, text

from shop.database import UTCDateTime, utcnow
from shop.extensions import db

REVIEW_STATUSES = ("pending", "approved", "rejected")
NOT_REJECTED = "status <> 'rejected'"


class Review(db.Model):
    """A buyer's review of a product: 1-5 stars and text, shown once staff approve it.

    The reviewer proved a paid order holding the product (`order_id`). `claims` keeps what
    the claims checker found when it was written: a "block" finding keeps it unpublished.
    One review per product and address, unless rejected.
    """

    __tablename__ = "product_review"
    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_one_to_five"),
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status_known"),
        Index("uq_product_review_one_per_buyer", "product_id", "email", unique=True,
              sqlite_where=text(NOT_REJECTED), postgresql_where=text(NOT_REJECTED)),
        # Ratings per product (cards, JSON-LD) from the index alone.
        Index("ix_product_review_product_status", "product_id", "status", "rating"),
        Index("ix_product_review_status_created", "status", "created_at"),
    )

    id = db.Column(db.Integer, primary_key=True)
    product_id = db.Column(db.Integer, db.ForeignKey("product.id"), nullable=False)
    order_id = db.Column(db.Integer, db.ForeignKey("shop_order.id"), nullable=False,
                         index=True)
    email = db.Column(db.String(254), nullable=False)
    author = db.Column(db.String(60), nullable=False)
    rating = db.Column(db.Integer, nullable=False)
    title = db.Column(db.String(120), nullable=False, default="")
    body = db.Column(db.Text, nullable=False)
    status = db.Column(db.String(10), nullable=False, default="pending")
    # [{"severity", "category", "text", "reason"}, ...] from the claims checker.
    claims = db.Column(db.JSON, nullable=False, default=list)
    # Why it is not shown (a moderator's reason, or the claims checker's), for staff.
    rejection_reason = db.Column(db.String(500), nullable=False, default="")
    moderated_by = db.Column(db.String(120), nullable=False, default="")
    moderated_at = db.Column(UTCDateTime, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    product = db.relationship("Product")
