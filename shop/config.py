"""Configuration read from the environment, one class per way the shop runs."""
import ipaddress
import logging
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
# Keys that were ever written in this source: anyone can sign cookies with them.
PUBLIC_SECRET_KEYS = frozenset({  # published in this repository: never a production key
    "dev-insecure-secret-change-me",
    "testing-secret-key-not-for-production",
    # deploy/README's shop.env placeholder until 5 Dec 2026 (systemd keeps it as written)
    "<64 random hex characters: python3 -c 'import secrets; print(secrets.token_hex(32))'>",
})
STRIPE_API_ORIGIN = "https://api.stripe.com"
STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"

log = logging.getLogger(__name__)


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _default_sqlite_url() -> str:
    return f"sqlite:///{BASE_DIR / 'instance' / 'shop.db'}"


def _list_from_env(name: str) -> list[str] | None:
    """A comma-separated variable as a list, or None when unset or empty."""
    items = [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]
    return items or None


class Config:
    """Settings shared by every environment; each can be set from the environment."""

    ENV_NAME = "development"
    # Unset in development: create_app then keeps a random key in SECRET_KEY_FILE.
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SECRET_KEY_FILE = str(BASE_DIR / "instance" / "secret_key")
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", _default_sqlite_url())
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False
    SHOP_NAME = os.environ.get("SHOP_NAME", "Iron & Oak Fitness Supply")
    SHOP_TIMEZONE = os.environ.get("SHOP_TIMEZONE", "America/New_York")
    # The public address (https://shop.example.com): links built outside a request and in
    # emails, and canonical links, use it (create_app sets SERVER_NAME from it).
    SHOP_BASE_URL = os.environ.get("SHOP_BASE_URL", "")
    # Behind a proxy: how many proxies set X-Forwarded-For/-Proto/-Host (0: none trusted).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # Host names requests may carry (others get 400); None accepts any.
    TRUSTED_HOSTS = _list_from_env("TRUSTED_HOSTS")
    SHOP_CONTACT_EMAIL = os.environ.get("SHOP_CONTACT_EMAIL", "help@example.com")
    # Shown in the footer and on the contact page (empty: not shown).
    SHOP_CONTACT_PHONE = os.environ.get("SHOP_CONTACT_PHONE", "+1 555 010 0199")
    SHOP_CONTACT_ADDRESS = os.environ.get(
        "SHOP_CONTACT_ADDRESS", "Iron & Oak Fitness Supply, 100 Warehouse Way, Albany, NY 12207, USA")
    # Where customers send returns (approval emails); one line, commas between its parts.
    SHOP_RETURN_ADDRESS = os.environ.get(
        "SHOP_RETURN_ADDRESS", "Iron & Oak Returns, 100 Warehouse Way, Dock 3, Albany, NY 12207, USA")
    # The sender a discreet parcel's label and packing slip show instead of the shop's name.
    SHOP_DISCREET_SENDER = os.environ.get("SHOP_DISCREET_SENDER", "GF Supply")
    # Weights and sizes: "us" (lb and in first, metric in brackets) or "metric"; the back
    # office's weight and size fields are typed in the same units.
    SHOP_UNITS = os.environ.get("SHOP_UNITS", "us")
    PRODUCTS_PER_PAGE = 24
    LOW_STOCK_LABEL_AT = 5
    WTF_CSRF_TIME_LIMIT = None
    # Pay-over-time (Affirm, Klarna through Stripe Checkout) is offered from this total.
    FINANCING_MIN_CENTS = int(os.environ.get("FINANCING_MIN_CENTS", "25000"))
    CHECKOUT_PAYMENT_METHODS = ("card",)
    FINANCING_PAYMENT_METHODS = ("card", "affirm", "klarna")
    # Email: printed to the console in development; SMTP when MAIL_SERVER is set.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
    MAIL_TIMEOUT = 10
    MAIL_BACKEND = "smtp" if MAIL_SERVER else "console"
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "orders@example.com")
    # Rate limits: in memory per process by default, shared through Redis when set.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    RATE_LIMIT_LOGIN = "10 per minute;100 per hour"
    # Failed sign-ins per account (the email typed), whichever client they come from.
    RATE_LIMIT_LOGIN_ACCOUNT = "10 per minute;30 per hour"
    RATE_LIMIT_ORDER_LOOKUP = "10 per minute;50 per hour"
    RATE_LIMIT_ORDER_REQUESTS = "10 per hour"
    RATE_LIMIT_CONTACT = "5 per minute;30 per day"
    RATE_LIMIT_CHECKOUT = "20 per minute"
    # Discount codes one client may try in the cart and get refused (so codes can't be guessed).
    RATE_LIMIT_DISCOUNT_CODES = "10 per minute;50 per day"
    # Checkouts one client may start (each holds stock for up to 30 minutes).
    RATE_LIMIT_CHECKOUT_STARTS = "10 per hour"
    # Stripe: the keys, and STRIPE_API_BASE only to point the shop at a Stripe-compatible
    # API other than api.stripe.com (development and tests; production refuses it).
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
    # Origins whose payment pages a checkout sends the browser on to (the CSP's form-action);
    # the origin of STRIPE_API_BASE, when set, is added to them.
    CHECKOUT_FORM_ORIGINS = _list_from_env("CHECKOUT_FORM_ORIGINS") or [STRIPE_CHECKOUT_ORIGIN]
    # A staff sign-in lasts this long (PERMANENT_SESSION_LIFETIME follows it).
    STAFF_SESSION_HOURS = int(os.environ.get("STAFF_SESSION_HOURS", "8"))
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's; the test suite sets a cheap one
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    # Product images and other uploads: ONE directory shared by every app server (a shared
    # mount with several), served by nginx at /uploads/ (deploy/nginx/shop.conf).
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(BASE_DIR / "instance" / "uploads"))


class DevelopmentConfig(Config):
    """Local development: `make run`."""


class TestingConfig(Config):
    """The test suite: a throwaway database set by the fixtures."""

    ENV_NAME = "testing"
    TESTING = True
    MAIL_BACKEND = "locmem"
    SECRET_KEY = "testing-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = "sqlite://"


class ProductionConfig(Config):
    """Production: refuses to start without a real secret key or an https SHOP_BASE_URL
    (shop.config.check_production_settings)."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_environment() -> type[Config]:
    """Pick the config class named by SHOP_ENV (development by default)."""
    name = os.environ.get("SHOP_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"SHOP_ENV must be one of {sorted(CONFIGS)}, not {name!r}") from None


def check_production_settings(settings) -> None:
    """Refuse to run in production without a real secret key, without the shop's public https
    address, or with an API other than Stripe's."""
    if settings.get("ENV_NAME") != "production":
        return
    key = settings.get("SECRET_KEY") or ""
    if key in PUBLIC_SECRET_KEYS:
        raise RuntimeError(
            "Production's SECRET_KEY is one published in this repository: anyone can sign "
            "sessions with it. Set a new random one (python -c 'import secrets; "
            "print(secrets.token_hex(32))'); everyone signed in is signed out."
        )
    if any(character.isspace() or character in "<>" for character in key):
        raise RuntimeError(
            "Production's SECRET_KEY looks like a placeholder (spaces or <>), not a random "
            "value: set one with python -c 'import secrets; print(secrets.token_hex(32))'."
        )
    if len(key) < 32:
        raise RuntimeError(
            "Production needs SECRET_KEY set to a random value of at least 32 characters "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    base_url = settings.get("SHOP_BASE_URL") or ""
    scheme = base_url_settings(base_url)["PREFERRED_URL_SCHEME"] if base_url else ""
    if scheme != "https":
        raise RuntimeError(
            f"Production needs SHOP_BASE_URL set to the shop's public https:// address (for "
            f"example https://shop.example.com), not {base_url!r}: links in emails (password "
            f"resets, orders, back-in-stock alerts) are built from it, never from the Host "
            f"header a visitor sends, and mail clients' one-click unsubscribe needs https."
        )
    api_base = settings.get("STRIPE_API_BASE") or ""
    if api_base and not is_stripe_itself(api_base):
        raise RuntimeError(f"Production must talk to Stripe itself ({STRIPE_API_ORIGIN}), not "
                           f"{api_base!r}: unset STRIPE_API_BASE.")


def is_stripe_itself(url: str) -> bool:
    """True only for https://api.stripe.com (optionally with port 443 or a trailing /)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return (parts.scheme == "https"
            and parts.netloc.lower() in ("api.stripe.com", "api.stripe.com:443")
            and parts.path in ("", "/") and not parts.query and not parts.fragment)


def warn_about_production_settings(settings) -> None:
    """Log loudly at startup what works in production but is probably a mistake."""
    if settings.get("ENV_NAME") != "production":
        return
    if (settings.get("RATELIMIT_STORAGE_URI") or "memory://").startswith("memory://"):
        log.warning("RATE LIMITS ARE KEPT IN EACH WORKER'S MEMORY (RATELIMIT_STORAGE_URI "
                    "memory://): every gunicorn worker counts on its own, so sign-in and "
                    "checkout limits are multiplied by the number of workers. Set REDIS_URL.")
    if settings.get("TRUSTED_PROXIES", 0) == 0:
        log.warning("TRUSTED_PROXIES is 0: behind a proxy every visitor shares the proxy's "
                    "rate-limit bucket and links say http://. Set TRUSTED_PROXIES=1 behind "
                    "one proxy.")


DEFAULT_PORTS = {"http": 80, "https": 443}
# A host name as DNS spells it, lowercase (urlsplit's hostname is): dot-separated labels
# of letters, digits and inner hyphens.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
_PATH = re.compile(r"(?:/[A-Za-z0-9._~-]+)*/?")  # plain path segments, nothing to escape


def _link_host(hostname: str) -> str | None:
    """The host as links spell it (an IDN in its xn-- form, an IPv6 address in brackets),
    or None when it is neither a host name nor an IP address."""
    try:
        address = ipaddress.ip_address(hostname)
        return f"[{address}]" if address.version == 6 else str(address)
    except ValueError:
        pass
    try:
        name = hostname.encode("idna").decode("ascii")  # bücher.example: xn--bcher-kva.example
    except UnicodeError:
        return None
    # a last label of digits only reads as an IPv4 address to browsers (127.1, 2130706433)
    if not _HOST_NAME.fullmatch(name) or len(name) > 253 or name.rsplit(".", 1)[-1].isdigit():
        return None
    return name


def base_url_settings(base_url: str) -> dict:
    """SERVER_NAME, PREFERRED_URL_SCHEME and APPLICATION_ROOT for SHOP_BASE_URL."""
    refused = RuntimeError(f"SHOP_BASE_URL must look like https://shop.example.com, "
                           f"not {base_url!r}.")
    try:
        parts = urlsplit(base_url.strip())
        port = parts.port
    except ValueError:  # a port that is not a number, an unclosed [, ...
        raise refused from None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or port == 0 \
            or parts.query or parts.fragment or not _PATH.fullmatch(parts.path):
        raise refused
    # the address part must be exactly a host and a port: no sign-in, nothing left over
    given = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    given += f":{port}" if port is not None else ""
    host = _link_host(parts.hostname)
    if host is None or parts.netloc.lower() != given:
        raise refused
    server_name = host if port in (None, DEFAULT_PORTS[parts.scheme]) else f"{host}:{port}"
    return {"SERVER_NAME": server_name, "PREFERRED_URL_SCHEME": parts.scheme,
            "APPLICATION_ROOT": parts.path.rstrip("/") or "/"}
