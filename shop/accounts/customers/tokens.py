"""Signed links sent by email: verify an address, reset a password.

Both are signed with the app's secret key (itsdangerous) and expire. A reset link is
also bound to a fingerprint of the account's password hash and last sign-in, so it
stops working once used (the password changes) or once the customer signs in; a
verification link is bound to the email it was sent to.
"""
import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

VERIFY_SALT = "customer-verify-email"
RESET_SALT = "customer-reset-password"
VERIFY_MAX_AGE = 3 * 24 * 3600  # three days
RESET_MAX_AGE = 3600  # one hour


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=salt)


def fingerprint(password_hash: str, last_login_at) -> str:
    """What a reset link is bound to: it changes when the password or last sign-in does."""
    stamp = last_login_at.isoformat() if last_login_at else ""
    return hashlib.sha256(f"{password_hash}|{stamp}".encode()).hexdigest()[:32]


def verify_token(customer_id: int, email: str) -> str:
    return _serializer(VERIFY_SALT).dumps({"id": customer_id, "email": email})


def reset_token(customer_id: int, password_hash: str, last_login_at) -> str:
    return _serializer(RESET_SALT).dumps(
        {"id": customer_id, "fp": fingerprint(password_hash, last_login_at)})


def read(token: str, salt: str, max_age: int) -> dict | None:
    """The token's payload, or None when forged, expired or malformed."""
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired is a BadSignature
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    return data
