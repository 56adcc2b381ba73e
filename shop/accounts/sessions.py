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
from itsdangerous import BadSignature, URLSafeTimedSerializer

from shop.accounts import service
from shop.accounts.models import StaffUser

SIGNED_IN_AT = "staff_signed_in_at"
CLOCK_SKEW_SECONDS = 60  # app servers' clocks may differ a little
# A browser that signed in to an account keeps a signed cookie naming it (OWASP "device
# cookies"): its sign-ins to that account skip the per-account limit, so failures from
# elsewhere cannot lock the real user out. The per-client limit still applies.
DEVICE_COOKIE = "staff_device"
DEVICE_COOKIE_DAYS = 180
DEVICE_COOKIE_SALT = "staff-device-cookie"


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


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=DEVICE_COOKIE_SALT)


def remember_device(response: Response, user: StaffUser) -> Response:
    """Give this browser a device cookie for `user`'s account."""
    response.set_cookie(
        DEVICE_COOKIE, _device_serializer().dumps(user.email.strip().lower()),
        max_age=DEVICE_COOKIE_DAYS * 24 * 3600, httponly=True, samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


def has_device_cookie_for_typed_account() -> bool:
    """Whether this browser holds a valid device cookie for the account typed."""
    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie:
        return False
    try:
        account = _device_serializer().loads(cookie, max_age=DEVICE_COOKIE_DAYS * 24 * 3600)
    except BadSignature:
        return False
    return bool(account) and account == _typed_account()
