"""Messages customers send through the contact form."""
from shop.database import UTCDateTime, utcnow
from shop.extensions import db

CONTACT_TOPICS = (
    ("choosing", "Help choosing equipment"),
    ("order", "An order I placed"),
    ("delivery", "Shipping and delivery"),
    ("returns", "Returns and warranty"),
    ("other", "Something else"),
)


class ContactMessage(db.Model):
    """A message for staff; `status` is new until someone answers it."""

    __tablename__ = "contact_message"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(120), nullable=False)
    email = db.Column(db.String(254), nullable=False)
    topic = db.Column(db.String(20), nullable=False)
    message = db.Column(db.String(5000), nullable=False)
    status = db.Column(db.String(10), nullable=False, default="new", index=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
