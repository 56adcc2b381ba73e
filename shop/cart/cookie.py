"""The cart cookie: a signed token plus what the header and product pages show.

Besides the cart's token it carries the item count (for the header) and the
chosen destination (for delivery estimates), so rendering them costs no query.
They are refreshed whenever the cart changes.
"""
from dataclasses import dataclass

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE_NAME = "cart"
MAX_AGE = 30 * 24 * 3600


@dataclass(frozen=True)
class CartCookie:
    token: str | None = None
    count: int = 0
    country: str = "US"
    region: str = ""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="cart-cookie")


def read() -> CartCookie:
    """The request's cart cookie; an empty one when absent, expired or forged."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return CartCookie()
    try:
        data = _serializer().loads(raw, max_age=MAX_AGE)
        return CartCookie(str(data["t"]), int(data.get("n", 0)), str(data.get("c", "US"))[:2],
                          str(data.get("r", ""))[:3])
    except (BadSignature, KeyError, TypeError, ValueError):
        return CartCookie()


def write(response, cart, count: int):
    """Set the cookie for `cart` for another 30 days."""
    value = _serializer().dumps({"t": cart.token, "n": count, "c": cart.country,
                                 "r": cart.region})
    response.set_cookie(
        COOKIE_NAME, value, max_age=MAX_AGE, httponly=True, samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response
