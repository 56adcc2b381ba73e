"""Customer tables: the account and its saved addresses. Orders link by verified email."""
from sqlalchemy import CheckConstraint, Index, text

from shop.database import UTCDateTime, utcnow
from shop.extensions import db


class Customer(db.Model):
    """A shopper's account; its orders are the orders placed with its email once verified."""

    __tablename__ = "customer"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False, unique=True)  # stored lower-case
    name = db.Column(db.String(120), nullable=False, default="")
    password_hash = db.Column(db.String(255), nullable=False)
    email_verified_at = db.Column(UTCDateTime, nullable=True)
    # Bumped on a password change or reset: sessions signed in before it stop working.
    session_version = db.Column(db.Integer, nullable=False, default=1)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    last_login_at = db.Column(UTCDateTime, nullable=True)

    addresses = db.relationship("CustomerAddress", order_by="CustomerAddress.id",
                                cascade="all, delete-orphan", passive_deletes=True)

    @property
    def verified(self) -> bool:
        return self.email_verified_at is not None


class CustomerAddress(db.Model):
    """A shipping address kept for checkout; at most one per account is the default."""

    __tablename__ = "customer_address"
    __table_args__ = (
        Index("uq_customer_address_one_default", "customer_id", unique=True,
              sqlite_where=text("is_default"), postgresql_where=text("is_default")),
        CheckConstraint("length(country) = 2", name="country_code"),
    )

    id = db.Column(db.Integer, primary_key=True)
    customer_id = db.Column(db.Integer, db.ForeignKey("customer.id", ondelete="CASCADE"),
                            nullable=False, index=True)
    name = db.Column(db.String(120), nullable=False)
    phone = db.Column(db.String(40), nullable=False, default="")
    address1 = db.Column(db.String(200), nullable=False)
    address2 = db.Column(db.String(200), nullable=False, default="")
    city = db.Column(db.String(100), nullable=False)
    region = db.Column(db.String(3), nullable=False, default="")
    postal_code = db.Column(db.String(20), nullable=False, default="")
    country = db.Column(db.String(2), nullable=False)
    is_default = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    def lines(self) -> tuple[str, ...]:
        """The address as printed on a label, empty parts left out."""
        place = " ".join(part for part in (self.city, self.region, self.postal_code) if part)
        return tuple(part for part in (self.name, self.address1, self.address2, place,
                                       self.country) if part)
