"""Discount tests run against the local Stripe stand-in, like checkout's."""
from tests.checkout.conftest import app_settings, standin, stock, wired  # noqa: F401
