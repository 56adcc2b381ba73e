"""Staff sign-in sessions: they last STAFF_SESSION_HOURS from signing in, then end.

The session cookie is signed and its age checked by Flask (PERMANENT_SESSION_LIFETIME
follows STAFF_SESSION_HOURS), but Flask renews it on every request; the sign-in time
kept inside it caps a session however busy it stays. A password change or a
deactivation ends every session of the account through its session version
(`service.load_user`).
"""
import time

from flask import Response, current_app, request, session
from flask_login import login_user

from shop.accounts import service
from shop.accounts.device_cookies import DeviceCookie
from shop.accounts.models import StaffUser

SIGNED_IN_AT = "staff_signed_in_at"
CLOCK_SKEW_SECONDS = 60  # app servers' clocks may differ a little
# A browser that signed in to an account keeps a signed cookie naming it: its sign-ins
# to that account skip the per-account limit (see shop.accounts.device_cookies).
DEVICE_COOKIE = DeviceCookie("staff_device", salt="staff-device-cookie")


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


def _typed_account() -> str:
    return request.form.get("email", "").strip().lower()[:254]


def login_account_key() -> str:
    """The rate-limit bucket of a sign-in attempt: the account (email) typed."""
    return "account:" + _typed_account()


def remember_device(response: Response, user: StaffUser) -> Response:
    """Give this browser a device cookie for `user`'s account."""
    return DEVICE_COOKIE.give(response, user.email.strip().lower())


def has_device_cookie_for_typed_account() -> bool:
    """Whether this browser holds a valid device cookie for the account typed."""
    return DEVICE_COOKIE.names(_typed_account())
