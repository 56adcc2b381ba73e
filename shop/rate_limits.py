"""Rate limits: declared on views with `rate_limited`, checked only for those views.

Flask-Limiter's own check of every request (`auto_check`) cost 0.075 ms of CPU a request:
a quarter of a cached catalog page, which has no limit. So the limiter is made with
auto_check off (shop.extensions), and `check_rate_limits`, before each request, calls its
public `check()` for the views that declare a limit.

Checked: limits on views (stacked, with methods, exempt_when, deduct_when; the last is
applied by Flask-Limiter's own after-request hook), and RATELIMIT_DEFAULT (a limit on
every view). Not checked this way: RATELIMIT_APPLICATION (refused at start-up),
RATELIMIT_META, limits on whole blueprints, and `limiter.limit` used directly
(tests/security/test_rate_limits.py fails on one).
"""
from flask import current_app, request

from shop.extensions import limiter

_limited_views: set[str] = set()


def rate_limited(limit_value, **options):
    """`limiter.limit(...)` for a view function: the limit, checked before the view runs
    (by `check_rate_limits`). Stack it for several limits, as `limiter.limit`.

    A view is known by its module and name, so put it right under the route decorator,
    and let any decorator under it keep the view's name (functools.wraps):
    `check_limited_views` refuses to start when a limited name is not a routed view's."""
    declare = limiter.limit(limit_value, **options)

    def decorate(view):
        _limited_views.add(_view_name(view))
        return declare(view)
    return decorate


def check_rate_limits() -> None:
    """Before each request: Flask-Limiter's check of this view's limits, when it has any,
    or when RATELIMIT_DEFAULT sets a limit for every view. Raises RateLimitExceeded (429).

    OPTIONS is never checked: Flask answers it without the view, and a web page can make
    a visitor's browser send it (a preflight) to use up the visitor's tries."""
    if request.method == "OPTIONS":
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and (_view_name(view) in _limited_views
                             or current_app.config.get("RATELIMIT_DEFAULT")):
        limiter.check()


def check_limited_views(app) -> None:
    """At start-up, once the blueprints are registered: every view declared with
    `rate_limited` is routed under its own name (a decorator above it without
    functools.wraps would hide it, and its limit would never be checked); and
    RATELIMIT_APPLICATION, which `check_rate_limits` would not check, is refused."""
    routed = {_view_name(view) for view in app.view_functions.values()}
    hidden = sorted(_limited_views - routed)
    if hidden:
        raise RuntimeError(f"Rate-limited views not routed under their own names: {hidden}. "
                           "Put @rate_limited right under the route decorator.")
    if app.config.get("RATELIMIT_APPLICATION"):
        raise RuntimeError("RATELIMIT_APPLICATION is not supported: use RATELIMIT_DEFAULT.")


def _view_name(view) -> str:
    return f"{view.__module__}.{view.__qualname__}"


def rate_limit(setting: str):
    """A limit read from config at request time (e.g. RATE_LIMIT_LOGIN = "10 per minute")."""
    return lambda: current_app.config[setting]
