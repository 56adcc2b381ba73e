"""Configuration read from the environment, one class per way the shop runs."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev-insecure-secret-change-me"


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _default_sqlite_url() -> str:
    return f"sqlite:///{BASE_DIR / 'instance' / 'shop.db'}"


class Config:
    """Settings shared by every environment; each can be set from the environment."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", _default_sqlite_url())
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False
    SHOP_NAME = os.environ.get("SHOP_NAME", "Iron & Oak Fitness Supply")
    SHOP_TIMEZONE = os.environ.get("SHOP_TIMEZONE", "America/New_York")
    SHOP_BASE_URL = os.environ.get("SHOP_BASE_URL", "")
    SHOP_CONTACT_EMAIL = os.environ.get("SHOP_CONTACT_EMAIL", "help@example.com")
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
    RATE_LIMIT_ORDER_LOOKUP = "10 per minute;50 per hour"
    RATE_LIMIT_ORDER_REQUESTS = "10 per hour"
    RATE_LIMIT_CONTACT = "5 per minute;30 per day"
    RATE_LIMIT_CHECKOUT = "20 per minute"
    # Checkouts one client may start (each holds stock for up to 30 minutes).
    RATE_LIMIT_CHECKOUT_STARTS = "10 per hour"
    # Stripe: real keys when set; otherwise `make run` points these at the local stand-in.
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024


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
    """Production: refuses to start without a real secret key."""

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
    """Refuse to run in production with a default or weak secret key."""
    if settings.get("ENV_NAME") != "production":
        return
    key = settings.get("SECRET_KEY") or ""
    if key == DEFAULT_SECRET_KEY or len(key) < 32:
        raise RuntimeError(
            "Production needs SECRET_KEY set to a random value of at least 32 characters "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    if "127.0.0.1" in (settings.get("STRIPE_API_BASE") or "") or \
            "localhost" in (settings.get("STRIPE_API_BASE") or ""):
        raise RuntimeError("Production must talk to Stripe itself, not the local stand-in "
                           "(unset STRIPE_API_BASE).")
