"""Structured request logs, request ids and optional error reporting (Sentry).

- Every request gets an id: the incoming `X-Request-ID` when it looks like one
  (nginx sets it from its own `$request_id`), else a new random one. It is sent back
  in the `X-Request-ID` response header, shown on error pages ("Reference: ...") and
  written with every log line below, so a customer's reference leads to the log.
- One JSON line per request on the `shop.requests` logger (stderr, which gunicorn and
  systemd's journal collect): method, path (no query string), status, duration in ms,
  request id and the client's address as ProxyFix sees it (TRUSTED_PROXIES).
- `log_event(...)` writes other events the same way (an email queued, with the id of
  the request that queued it).
- With `SENTRY_DSN` set and sentry-sdk installed, errors are reported to Sentry,
  tagged with the request id; unset, nothing is loaded.
"""
import json
import logging
import os
import re
import sys
import time
import uuid

from flask import Flask, current_app, has_request_context, request

log = logging.getLogger("shop.requests")
HEADER = "X-Request-ID"
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_ID_KEY = "shop.request_id"
_START_KEY = "shop.request_started"


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (like logging's last-resort handler)."""

    def __init__(self):
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


def init_app(app: Flask) -> None:
    """Give every request an id and a JSON log line; start Sentry when SENTRY_DSN is set."""
    log.setLevel(logging.INFO)
    log.propagate = False  # one JSON line, not a second copy in Flask's own format
    if not app.testing and not log.handlers:  # tests attach their own handler
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
    app.jinja_env.globals["request_id"] = current_request_id
    app.before_request(_start)
    app.after_request(_finish)
    init_sentry(app)


def current_request_id() -> str:
    """The id of the request being served ("" outside a request)."""
    if not has_request_context():
        return ""
    environ = request.environ
    if _ID_KEY not in environ:  # also for responses made before any before_request ran
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        environ[_ID_KEY] = incoming if SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
    return environ[_ID_KEY]


def log_event(event: str, **fields) -> None:
    """One JSON log line for `event`, with the current request's id."""
    log.info(json.dumps({"event": event, "request_id": current_request_id(), **fields},
                        default=str, separators=(",", ":")))


def _start() -> None:
    request.environ[_START_KEY] = time.perf_counter()
    request_id = current_request_id()
    if _sentry_active():
        import sentry_sdk  # optional: imported only when SENTRY_DSN started it
        sentry_sdk.set_tag("request_id", request_id)


SECRET_ARGS = ("token",)  # URL parts that are secrets (emailed links): never logged
MASK = "<token>"


def logged_path() -> str:
    """The request's path with secret URL parts (view arguments named token) masked."""
    secrets = {str(value) for name, value in (request.view_args or {}).items()
               if name in SECRET_ARGS and value}
    if not secrets:
        return request.path
    return "/".join(MASK if part in secrets else part for part in request.path.split("/"))


def _finish(response):
    response.headers[HEADER] = current_request_id()
    started = request.environ.get(_START_KEY, time.perf_counter())
    log_event("request", method=request.method, path=logged_path(),
              status=response.status_code,
              duration_ms=round((time.perf_counter() - started) * 1000, 1),
              remote_addr=request.remote_addr)
    return response


def init_sentry(app: Flask) -> bool:
    """Start sentry-sdk when SENTRY_DSN is set and it is installed; True when started."""
    dsn = app.config.get("SENTRY_DSN") or os.environ.get("SENTRY_DSN")
    if not dsn:
        return False
    try:
        import sentry_sdk
    except ImportError:
        logging.getLogger(__name__).warning(
            "SENTRY_DSN is set but sentry-sdk is not installed: errors are not reported.")
        return False
    release = app.config.get("SHOP_RELEASE") or os.environ.get("SHOP_RELEASE") or None
    sentry_sdk.init(dsn=dsn, environment=app.config.get("ENV_NAME"), release=release,
                    send_default_pii=False, traces_sample_rate=0.0)
    app.extensions["sentry"] = True
    return True


def _sentry_active() -> bool:
    return bool(current_app.extensions.get("sentry"))
