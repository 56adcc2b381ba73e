"""Security on every request and response.

- Input no database column can hold is refused before a view runs: a NUL character
  anywhere in the path, query or a customer-facing form (PostgreSQL cannot store it in
  text), or a numeric id in the path beyond a database integer. Back-office forms
  refuse NUL at the field instead, keeping what staff typed.
- Headers on every response: CSP without inline scripts, no framing, no sniffing.
- Development without SECRET_KEY gets a random key of its own, kept in a private file.
"""
import os
import re
import secrets
import tempfile
from urllib.parse import urlsplit

from flask import Flask, abort, render_template, request

from shop.config import STRIPE_CHECKOUT_ORIGIN

MAX_DATABASE_INT = 2**31 - 1
ORIGIN = re.compile(r"https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?")  # scheme://host[:port]


def secret_key_from_file(path: str) -> str:
    """The key kept in `path`, made first (random, mode 0600) if there is none yet.

    Every worker of one install must end up with the same key: the key is written
    in full to a private temporary file which is then linked into place, and linking
    fails if another worker got there first; everyone then reads the one that won.
    """
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    if not os.path.exists(path):
        fd, draft = tempfile.mkstemp(dir=directory, prefix=".secret_key-")  # mode 0600
        try:
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_hex(32))
            os.link(draft, path)
        except FileExistsError:
            pass  # another worker made it first: use theirs
        finally:
            os.unlink(draft)
    with open(path) as file:
        key = file.read().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable secret key: delete it to get a new one, "
                           "or set SECRET_KEY.")
    return key


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def checkout_form_origins(config) -> list[str]:
    """The origins a checkout may send the browser on to for payment.

    CHECKOUT_FORM_ORIGINS (Stripe Checkout unless set), then the origin of
    STRIPE_API_BASE when one is configured: a Stripe-compatible API there serves
    its hosted payment pages from its own origin.
    """
    origins = [_checked_origin("CHECKOUT_FORM_ORIGINS", value, whole=True)
               for value in config.get("CHECKOUT_FORM_ORIGINS") or [STRIPE_CHECKOUT_ORIGIN]]
    if config.get("STRIPE_API_BASE"):
        api_origin = _checked_origin("STRIPE_API_BASE", config["STRIPE_API_BASE"], whole=False)
        if api_origin not in origins:
            origins.append(api_origin)
    return origins


def _checked_origin(setting: str, value: str, *, whole: bool) -> str:
    """The scheme://host[:port] of `value`; refused unless it is one (`whole`: and nothing more)."""
    origin = _origin(value.strip())
    if not ORIGIN.fullmatch(origin) or (whole and origin != value.strip().rstrip("/")):
        raise RuntimeError(f"{setting} must name an origin like https://pay.example.com, "
                           f"not {value!r}.")
    return origin


def content_security_policy(config) -> str:
    """The CSP: our own scripts, styles and images only; forms may go on to the payment pages."""
    form_targets = ["'self'", *checkout_form_origins(config)]
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action " + " ".join(form_targets),
    ])


def security_headers(config) -> list[tuple[str, str]]:
    headers = [
        ("Content-Security-Policy", content_security_policy(config)),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if config.get("ENV_NAME") == "production":
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return headers


def register(app: Flask) -> None:
    defaults = security_headers(app.config)

    @app.before_request
    def refuse_unstorable_input():
        if "\x00" in request.path or any(
                isinstance(value, int) and not 0 <= value <= MAX_DATABASE_INT
                for value in (request.view_args or {}).values()):
            abort(404)
        fields = _fields_with_nul(request.args)
        # (a GET carries no form; back-office forms say it at the field, NO_NUL)
        if request.method != "GET" and request.blueprint != "admin":
            fields += _fields_with_nul(request.form)
        if fields:
            return render_template("errors/nul_input.html", fields=fields), 400
        return None

    @app.after_request
    def set_security_headers(response):
        """Each default header, unless the view set its own (one pass over the headers)."""
        headers = response.headers
        present = {name.lower() for name, _ in headers.items()}
        headers.extend([(name, value) for name, value in defaults
                        if name.lower() not in present])
        return response


def _fields_with_nul(values) -> list[str]:
    """The names of the parameters whose name or any value holds a NUL character."""
    return sorted({key for key, value in values.items(multi=True)
                   if "\x00" in key or "\x00" in value})
