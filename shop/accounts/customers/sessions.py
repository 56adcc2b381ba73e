"""Customer sign-in sessions: their own keys in the signed session cookie, never
Flask-Login's (which is the back office's), so a customer is never a staff user.

The session names the account and its session version: a password change, a reset or
deleting the account ends every session of it. Sign-in is throttled like staff sign-in
(`shop.accounts.sessions`): per client, and per account typed, with a device cookie
that lets a browser that signed in before skip the per-account limit.
"""
import time
from functools import wraps

from flask import Response, flash, g, redirect, request, session, url_for

from shop.accounts.customers import service
from shop.accounts.customers.models import Customer
from shop.accounts.device_cookies import DeviceCookie

SESSION_KEY = "customer"
SIGNED_IN_AT = "customer_signed_in_at"
ORDERS_KEY = "orders"  # order numbers this browser may open (shop.orders views)
CLOCK_SKEW_SECONDS = 60
SESSION_HOURS = 24 * 14  # capped by the session cookie's own lifetime too
DEVICE_COOKIE = DeviceCookie("customer_device", salt="customer-device-cookie")


def sign_in(customer: Customer) -> None:
    """Start this browser's customer session (the staff session, if any, is left alone)."""
    session[SESSION_KEY] = [customer.id, customer.session_version]
    session[SIGNED_IN_AT] = time.time()
    session.permanent = True
    g.pop("customer", None)


def sign_out() -> None:
    """End the customer session, and close the order pages it opened in this browser
    (`session["orders"]`, which /track/<number> reads): on a shared computer the next
    person must not see them. Orders looked up by number and email go too."""
    session.pop(SESSION_KEY, None)
    session.pop(SIGNED_IN_AT, None)
    session.pop(ORDERS_KEY, None)
    g.pop("customer", None)


def refresh(customer: Customer) -> None:
    """Keep this session after a password change (the new session version)."""
    session[SESSION_KEY] = [customer.id, customer.session_version]
    g.customer = customer


def current_customer() -> Customer | None:
    """The signed-in customer of this request, or None (looked up once per request)."""
    if "customer" in g:
        return g.customer
    g.customer = _load()
    return g.customer


def _load() -> Customer | None:
    value, signed_in_at = session.get(SESSION_KEY), session.get(SIGNED_IN_AT)
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        return None
    if not isinstance(signed_in_at, (int, float)):
        return None
    if not -CLOCK_SKEW_SECONDS <= time.time() - signed_in_at <= SESSION_HOURS * 3600:
        return None
    return service.load(value[0], value[1])


def customer_required(view):
    """Only for a signed-in customer; others go to the sign-in page (nothing runs)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_customer() is None:
            flash("Please sign in to your account.", "error")
            return redirect(url_for("customer.sign_in", next=request.full_path.rstrip("?")),
                            code=303)
        return view(*args, **kwargs)
    return wrapped


def _typed_account() -> str:
    return service.normalise_email(request.form.get("email", ""))[:254]


def account_key() -> str:
    """The rate-limit bucket of an attempt about an account: the email typed."""
    return "customer-account:" + _typed_account()


def remember_device(response: Response, customer: Customer) -> Response:
    """Give this browser a device cookie for `customer`'s account."""
    return DEVICE_COOKIE.give(response, customer.email)


def has_device_cookie_for_typed_account() -> bool:
    """Whether this browser signed in to the account typed before (a valid device cookie)."""
    return DEVICE_COOKIE.names(_typed_account())
