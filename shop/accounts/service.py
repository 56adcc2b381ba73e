"""Staff account use cases: create, authenticate, change password, and the audit log."""
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from shop.accounts.models import ROLES, AuditEntry, StaffUser
from shop.accounts.passwords import hash_password, password_matches
from shop.database import utcnow
from shop.extensions import db
from shop.pagination import Page, paginate

MIN_PASSWORD_LENGTH = 12
AUDIT_PAGE_SIZE = 100


class AccountError(Exception):
    """A request about an account that cannot be done; the message is for the user."""


def _check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")


def create_staff(email: str, password: str, role: str = "staff", name: str = "",
                 actor: str = "command line") -> StaffUser:
    """Create an account and its audit row in one transaction; `actor` is who made it."""
    email = email.strip().lower()
    if role not in ROLES:
        raise AccountError(f"Role must be one of: {', '.join(ROLES)}.")
    if "@" not in email:
        raise AccountError("Enter a valid email address.")
    _check_password_rules(password)
    taken = AccountError("An account with that email already exists.")
    if db.session.scalar(select(StaffUser.id).where(StaffUser.email == email)):
        raise taken
    user = StaffUser(email=email, password_hash=hash_password(password), role=role,
                     name=name)
    db.session.add(user)
    try:
        db.session.flush()  # the id, for the audit row; a twin made meanwhile fails here
    except IntegrityError:
        db.session.rollback()
        raise taken from None
    record(actor, "staff_created", "staff_user", user.id,
           after={"email": user.email, "role": user.role})
    db.session.commit()
    return user


ACCESS_CHANGES = {
    # action: (column values it sets, what the audit row calls it)
    "deactivate": {"active": False},
    "activate": {"active": True},
    "make_manager": {"role": "manager"},
    "make_staff": {"role": "staff"},
}


def change_access(user_id: int, action: str, actor: StaffUser) -> StaffUser:
    """Deactivate or reactivate an account, or change its role; signs the account out.

    A manager cannot lock themselves out, and the shop always keeps an active manager:
    the update only applies while another active manager exists, checked in the update
    itself after locking the managers' rows, so two managers demoting each other at once
    cannot both succeed.
    """
    values = ACCESS_CHANGES.get(action)
    if values is None:
        raise AccountError("Unknown change.")
    user = db.session.get(StaffUser, user_id)
    if user is None:
        raise AccountError("No such account.")
    if user.id == actor.id and action in ("deactivate", "make_staff"):
        raise AccountError("You cannot remove your own access; ask another manager.")
    before = {"active": user.active, "role": user.role}
    statement = (update(StaffUser).where(StaffUser.id == user_id)
                 .values(session_version=StaffUser.session_version + 1, **values)
                 .execution_options(synchronize_session=False))
    if action in ("deactivate", "make_staff"):
        # Lock the active managers first (PostgreSQL; SQLite serialises writers anyway), so
        # the check below sees a demotion committed meanwhile by another manager.
        db.session.execute(select(StaffUser.id).where(StaffUser.role == "manager",
                                                      StaffUser.active.is_(True))
                           .with_for_update())
        other_manager = (select(StaffUser.id)
                         .where(StaffUser.id != user_id, StaffUser.role == "manager",
                                StaffUser.active.is_(True))
                         .limit(1).scalar_subquery())
        statement = statement.where(other_manager.is_not(None))
    if db.session.execute(statement).rowcount != 1:
        db.session.rollback()
        raise AccountError("The shop needs at least one active manager; nothing was changed.")
    db.session.expire(user)
    record(actor.email, f"staff_{action}", "staff_user", user.id, before=before,
           after={"active": user.active, "role": user.role})
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> StaffUser | None:
    """The active user with this email and password, or None (same work either way)."""
    user = db.session.scalar(select(StaffUser).where(
        func.lower(StaffUser.email) == email.strip().lower()))
    if not password_matches(user and user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def change_password(user: StaffUser, current: str, new: str) -> None:
    if not password_matches(user.password_hash, current):
        raise AccountError("Your current password is not right.")
    _check_password_rules(new)
    user.password_hash = hash_password(new)
    user.session_version = StaffUser.session_version + 1  # in SQL: no lost update
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


def audit_log(actor: str, action: str, entity: str, page: int = 1) -> Page:
    """One page of audit rows, newest first, each filter applied when not empty."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if actor:
        query = query.where(AuditEntry.actor == actor.lower())
    if action:
        query = query.where(AuditEntry.action == action)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    return paginate(query, page, AUDIT_PAGE_SIZE, build=lambda row: row[0])


def record(actor: str, action: str, entity: str, entity_id, before=None, after=None,
           note: str = "") -> AuditEntry:
    """Add an audit row inside the caller's transaction."""
    entry = AuditEntry(actor=actor, action=action, entity=entity, entity_id=str(entity_id),
                       before=before, after=after, note=note[:500])
    db.session.add(entry)
    return entry
