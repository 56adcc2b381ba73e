"""Staff users. Passwords are stored as scrypt hashes (werkzeug.security)."""
from flask_login import UserMixin
from sqlalchemy import CheckConstraint

from shop.database import UTCDateTime, utcnow
from shop.extensions import db

ROLES = ("staff", "manager")


class StaffUser(UserMixin, db.Model):
    """A member of staff; `manager` may also change products, prices, refunds and accounts."""

    __tablename__ = "staff_user"
    __table_args__ = (CheckConstraint("role IN ('staff', 'manager')", name="role_known"),)

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False, unique=True)
    name = db.Column(db.String(120), nullable=False, default="")
    password_hash = db.Column(db.String(255), nullable=False)
    role = db.Column(db.String(10), nullable=False, default="staff")
    active = db.Column(db.Boolean, nullable=False, default=True)
    # Bumped on a password or access change: sessions signed in before it stop working.
    session_version = db.Column(db.Integer, nullable=False, default=1)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    last_login_at = db.Column(UTCDateTime, nullable=True)

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class AuditEntry(db.Model):
    """Who did what in the back office, with before and after for prices and stock."""

    __tablename__ = "audit_entry"

    id = db.Column(db.Integer, primary_key=True)
    actor = db.Column(db.String(254), nullable=False, index=True)
    action = db.Column(db.String(60), nullable=False, index=True)
    entity = db.Column(db.String(40), nullable=False)
    entity_id = db.Column(db.String(64), nullable=False, default="")
    before = db.Column(db.JSON, nullable=True)
    after = db.Column(db.JSON, nullable=True)
    note = db.Column(db.String(500), nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
