"""Staff account use cases: create, authenticate, change password, and the audit log."""
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from shop.accounts.models import ROLES, AuditEntry, StaffUser
from shop.database import utcnow
from shop.extensions import db

MIN_PASSWORD_LENGTH = 12
# Checked against when the email is unknown, so a wrong email costs the same time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password-for-timing")


class AccountError(Exception):
    """A request about an account that cannot be done; the message is for the user."""


def _check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")


def create_staff(email: str, password: str, role: str = "staff", name: str = "") -> StaffUser:
    email = email.strip().lower()
    if role not in ROLES:
        raise AccountError(f"Role must be one of: {', '.join(ROLES)}.")
    if "@" not in email:
        raise AccountError("Enter a valid email address.")
    _check_password_rules(password)
    if db.session.scalar(select(StaffUser).where(StaffUser.email == email)):
        raise AccountError("An account with that email already exists.")
    user = StaffUser(email=email, password_hash=generate_password_hash(password), role=role,
                     name=name)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> StaffUser | None:
    """The active user with this email and password, or None (same work either way)."""
    user = db.session.scalar(select(StaffUser).where(
        func.lower(StaffUser.email) == email.strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def change_password(user: StaffUser, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise AccountError("Your current password is not right.")
    _check_password_rules(new)
    user.password_hash = generate_password_hash(new)
    user.session_version += 1
    record(user.email, "password_changed", "staff_user", user.id)
    db.session.commit()


def load_user(user_id: str) -> StaffUser | None:
    """Flask-Login's loader: "<id>:<session version>", stale versions are signed out."""
    try:
        raw_id, version = user_id.split(":")
        user = db.session.get(StaffUser, int(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or str(user.session_version) != version or not user.active:
        return None
    return user


def record(actor: str, action: str, entity: str, entity_id, before=None, after=None,
           note: str = "") -> AuditEntry:
    """Add an audit row inside the caller's transaction."""
    entry = AuditEntry(actor=actor, action=action, entity=entity, entity_id=str(entity_id),
                       before=before, after=after, note=note[:500])
    db.session.add(entry)
    return entry
