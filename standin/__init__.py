"""The local Stripe stand-in: localstripe plus our Checkout Session extension.

A test and demo tool, never Stripe and never used in production. It runs
`localstripe` (a fake, stateful Stripe API server on aiohttp) bound to 127.0.0.1
only, keeps its state in memory (no /tmp/localstripe.pickle), and adds what
localstripe lacks (see `checkout.py`): `/v1/checkout/sessions`, a plain hosted
payment page at `/pay/<id>`, signed webhooks and idempotency keys.

Launch with `python -m standin --port N`.

Importing this package does not import localstripe or aiohttp; `checkout.py`
does. Nothing here imports stripe: the gateway is the only module that does.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Mapping
from urllib.parse import urlsplit

LOOPBACK_HOST = "127.0.0.1"
DEFAULT_PORT = 8420

PAYING_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000341"

PRODUCTION_ENV_VARS = ("SHOP_ENV", "FLASK_ENV")
PRODUCTION_NAMES = ("production", "prod")
LIVE_KEY_PREFIXES = ("sk_live_", "rk_live_")


def banner(port: int) -> str:
    """The line the launcher prints once it listens (tests parse the port out of it)."""
    return (
        f"LOCAL STRIPE STAND-IN (test tool, not Stripe) on http://{LOOPBACK_HOST}:{port}"
        " — test cards: 4242 4242 4242 4242 pays, 4000 0000 0000 0341 is declined"
    )


def is_live_key(key: str | None) -> bool:
    """True for a Stripe live secret or restricted key."""
    return bool(key) and key.strip().startswith(LIVE_KEY_PREFIXES)


def refusal_reason(environ: Mapping[str, str], secret_key: str | None = None) -> str | None:
    """Why the stand-in must not start here, or None when it may.

    It refuses in production configuration and whenever it is handed a live key:
    a live key means real payments are meant, which the stand-in must never fake.
    """
    for name in PRODUCTION_ENV_VARS:
        value = (environ.get(name) or "").strip().lower()
        if value in PRODUCTION_NAMES:
            return f"{name}={environ.get(name)} is set: the Stripe stand-in is a test tool and never runs in production"
    for key in (secret_key, environ.get("STRIPE_SECRET_KEY")):
        if is_live_key(key):
            return "a live Stripe key (sk_live_...) is configured: use real Stripe, not the stand-in"
    return None


def is_loopback_url(url: str) -> bool:
    """True for an http(s) URL whose host is on this machine's loopback (127.0.0.0/8, ::1, localhost)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    host = parts.hostname
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (prefer `--port 0` where possible)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK_HOST, 0))
        return sock.getsockname()[1]


API_PREFIX = "/v1/"


def is_api_call(path: str) -> bool:
    """True for a Stripe API call (`/v1/...`), which `--latency-ms` slows down; the hosted
    payment page and the stand-in's own endpoints answer at once."""
    return path.startswith(API_PREFIX)


def latency_seconds(latency_ms: float, jitter_ms: float, rng) -> float:
    """How long one API call waits before it is answered: `latency_ms` give or take up to
    `jitter_ms` (uniform), never below zero. `rng` is a `random.Random`."""
    if jitter_ms <= 0:
        return max(0.0, latency_ms) / 1000
    return max(0.0, rng.uniform(latency_ms - jitter_ms, latency_ms + jitter_ms)) / 1000


def normalise_card_number(raw: str | None) -> str:
    """Digits only: '4242 4242-4242 4242' -> '4242424242424242'."""
    return "".join(ch for ch in (raw or "") if ch.isdigit())
