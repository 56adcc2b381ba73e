"""Password hashes for staff and customer accounts (werkzeug.security).

Production uses scrypt, werkzeug's default. The method is a setting only so that the
test suite, which signs hundreds of accounts in, can use a cheap one.
"""
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

_DUMMY_PASSWORD = "not-a-real-password-for-timing"
_dummy_hashes: dict[str, str] = {}


def hash_password(password: str) -> str:
    """The hash to store for `password`, by the PASSWORD_HASH_METHOD setting."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def dummy_hash() -> str:
    """A hash of no one's password, made by the configured method (once per worker)."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash(_DUMMY_PASSWORD, method=method)
    return _dummy_hashes[method]


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Whether `password` is the one `stored_hash` was made from; an account without one
    (unknown email) is checked against a dummy hash, so both cost the same time."""
    if stored_hash is None:
        check_password_hash(dummy_hash(), password)
        return False
    return check_password_hash(stored_hash, password)
