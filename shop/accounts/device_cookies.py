"""Device cookies (OWASP): a signed cookie naming the account a browser signed in to.

A browser's sign-ins to the account its cookie names skip the per-account rate limit,
so failures from elsewhere cannot lock the real user out; the per-client limit still
applies. Staff and customers each have their own cookie (`shop.accounts.sessions`,
`shop.accounts.customers.sessions`).
"""
from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer


class DeviceCookie:
    """One kind of device cookie: its name, its signing salt and how long it lasts."""

    def __init__(self, name: str, salt: str, days: int = 180):
        self.name, self.salt, self.max_age = name, salt, days * 24 * 3600

    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(current_app.secret_key, salt=self.salt)

    def give(self, response: Response, account: str) -> Response:
        """Set the cookie naming `account` (a normalised email) on `response`."""
        response.set_cookie(
            self.name, self._serializer().dumps(account), max_age=self.max_age,
            httponly=True, samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
        return response

    def names(self, account: str) -> bool:
        """Whether this request carries a valid cookie naming `account`."""
        cookie = request.cookies.get(self.name)
        if not cookie:
            return False
        try:
            named = self._serializer().loads(cookie, max_age=self.max_age)
        except BadSignature:
            return False
        return bool(named) and named == account
