"""Staff sign-in sessions: they last STAFF_SESSION_HOURS from signing in, then end.

The session cookie is signed and its age checked by Flask (PERMANENT_SESSION_LIFETIME
follows STAFF_SESSION_HOURS), but Flask renews it on every request; the sign-in time
kept inside it caps a session however busy it stays. A password change or a
deactivation ends every session of the account through its session version
(`service.load_user`).
"""
import time

from flask import current_app, request, session
from flask_login import login_user

from shop.accounts import service
from shop.accounts.models import StaffUser

SIGNED_IN_AT = "staff_signed_in_at"
CLOCK_SKEW_SECONDS = 60  # app servers' clocks may differ a little


def sign_in(user: StaffUser) -> None:
    """Start a fresh session for `user` (nothing from before sign-in is kept)."""
    session.clear()
    login_user(user)
    session.permanent = True
    session[SIGNED_IN_AT] = time.time()


def load_staff(user_id: str) -> StaffUser | None:
    """Flask-Login's loader: the account, while its session is young enough and current."""
    signed_in_at = session.get(SIGNED_IN_AT)
    if not isinstance(signed_in_at, (int, float)):
        return None
    age = time.time() - signed_in_at
    if not -CLOCK_SKEW_SECONDS <= age <= current_app.config["STAFF_SESSION_HOURS"] * 3600:
        return None
    return service.load_user(user_id)


def login_account_key() -> str:
    """The rate-limit bucket of a sign-in attempt: the account (email) typed."""
    return "account:" + request.form.get("email", "").strip().lower()[:254]
