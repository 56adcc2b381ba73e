"""Passwords are stored as scrypt hashes unless a setting (the test suite's) says otherwise."""
from shop.accounts.service import authenticate, create_staff
from shop.config import Config


def test_the_shop_stores_scrypt_hashes_by_default():
    assert Config.PASSWORD_HASH_METHOD == "scrypt"


def test_a_staff_password_is_hashed_by_the_configured_method_and_still_signs_in(app):
    # given the shop's own method
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    # when a staff account is made
    user = create_staff("lee@example.com", "a long enough password", role="staff")
    # then its hash is scrypt, and the password signs in while a wrong one does not
    assert user.password_hash.startswith("scrypt:")
    assert authenticate("lee@example.com", "a long enough password").id == user.id
    assert authenticate("lee@example.com", "not the password") is None
    assert authenticate("nobody@example.com", "a long enough password") is None
