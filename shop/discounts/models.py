"""Discount code tables: the code and its counters, and each customer email's uses."""
from sqlalchemy import CheckConstraint, UniqueConstraint

from shop.database import UTCDateTime, utcnow
from shop.extensions import db

discount_code_category = db.Table(
    "discount_code_category",
    db.Column("discount_code_id", db.Integer, db.ForeignKey("discount_code.id", ondelete="CASCADE"),
              primary_key=True),
    db.Column("category_id", db.Integer, db.ForeignKey("category.id", ondelete="CASCADE"),
              primary_key=True),
)

discount_code_product = db.Table(
    "discount_code_product",
    db.Column("discount_code_id", db.Integer, db.ForeignKey("discount_code.id", ondelete="CASCADE"),
              primary_key=True),
    db.Column("product_id", db.Integer, db.ForeignKey("product.id", ondelete="CASCADE"),
              primary_key=True),
)


class DiscountCode(db.Model):
    """A code customers type in the cart. `uses` counts orders holding or having used it:
    taken by a conditional UPDATE (uses < max_uses) when an order is placed, given back
    when that order closes unpaid."""

    __tablename__ = "discount_code"
    __table_args__ = (
        CheckConstraint("kind IN ('percent', 'fixed', 'free_shipping')", name="kind_known"),
        CheckConstraint("percent >= 0 AND percent <= 100", name="percent_range"),
        # what the kind needs, so a row the rules can't price never exists
        CheckConstraint("(kind = 'percent' AND percent >= 1) OR (kind = 'fixed' AND amount_cents > 0)"
                        " OR kind = 'free_shipping'", name="terms_fit_kind"),
        CheckConstraint("amount_cents >= 0 AND min_subtotal_cents >= 0", name="money_not_negative"),
        CheckConstraint("uses >= 0", name="uses_not_negative"),
        CheckConstraint("max_uses IS NULL OR max_uses > 0", name="max_uses_positive"),
        CheckConstraint("per_email_limit IS NULL OR per_email_limit > 0",
                        name="per_email_limit_positive"),
    )

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(40), nullable=False, unique=True)  # upper case
    kind = db.Column(db.String(20), nullable=False)
    percent = db.Column(db.Integer, nullable=False, default=0)
    amount_cents = db.Column(db.Integer, nullable=False, default=0)
    min_subtotal_cents = db.Column(db.Integer, nullable=False, default=0)
    starts_at = db.Column(UTCDateTime, nullable=True)
    ends_at = db.Column(UTCDateTime, nullable=True)
    max_uses = db.Column(db.Integer, nullable=True)
    uses = db.Column(db.Integer, nullable=False, default=0)
    per_email_limit = db.Column(db.Integer, nullable=True)
    active = db.Column(db.Boolean, nullable=False, default=True)
    note = db.Column(db.String(200), nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    created_by = db.Column(db.String(254), nullable=False, default="")

    categories = db.relationship("Category", secondary=discount_code_category, order_by="Category.name")
    products = db.relationship("Product", secondary=discount_code_product, order_by="Product.name")


class DiscountEmailUse(db.Model):
    """How many orders one customer email holds or used a code for: one row per (code, email),
    created once (unique), then counted by a conditional UPDATE (uses < per-email limit)."""

    __tablename__ = "discount_email_use"
    __table_args__ = (
        UniqueConstraint("discount_code_id", "email", name="uq_discount_email_use_code_email"),
        CheckConstraint("uses >= 0", name="uses_not_negative"),
    )

    id = db.Column(db.Integer, primary_key=True)
    discount_code_id = db.Column(db.Integer, db.ForeignKey("discount_code.id", ondelete="CASCADE"),
                                 nullable=False)
    email = db.Column(db.String(254), nullable=False)
    uses = db.Column(db.Integer, nullable=False, default=0)
