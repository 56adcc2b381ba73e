"""Catalog caches: rendered pages and small lookups, invalidated when the catalog changes.

One Flask-Caching cache: in memory per worker by default (`SimpleCache`), shared
through Redis when `CACHE_REDIS_URL` (or `REDIS_URL`) is set. Keys carry the
*catalog version*, a token replaced whenever a commit changes a category, product,
variant (price, stock, reservation) or the stock ledger, so the next request of
this worker renders afresh (with Redis, every other worker within
`CATALOG_VERSION_SECONDS`, 1 s). Entries also expire after `CATALOG_CACHE_SECONDS`
(5 s in memory, which bounds how stale a page can be in a worker that missed the
change, since each worker has its own version; 300 s with Redis, where the version
is shared).
Product pages are cached the same way; only their delivery promise, which counts
down by the minute and depends on the visitor's destination, is written afresh on
every response (the page's late part, see `serve_page`).

The version is bumped by the session events below after any commit that touched
those tables, through the ORM or `session.execute(update(...))`; code that changes
them some other way calls `bump_catalog_version()` after its commit.

A cached page is shared by every visitor, so what differs per visitor (the header's
cart count, the add-to-cart CSRF token) is rendered as a marker and filled in on
the way out. Pages with flash messages are never cached.
"""
import functools
import hashlib
import os
import pickle
import re
import secrets
import threading
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from flask import (Flask, current_app, g, has_app_context, make_response, request, session)
from flask_caching import Cache
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.orm import Session

from shop.extensions import limiter

cache = Cache()

CATALOG_TABLES = frozenset({"category", "product", "variant", "stock_movement"})
VERSION_KEY = "catalog-version"
CART_COUNT_MARKER = "__shop_cart_count_0c1f__"
CSRF_MARKER = "__shop_csrf_token_7ad2__"
LATE_MARKER = "__shop_late_part_41e9__"
_CART_SPAN = re.compile(r"\s*<span class=\"cart-count\"[^>]*>" + CART_COUNT_MARKER + "</span>")
_WRITE_SQL = re.compile(r"^\s*(update|insert\s+into|delete\s+from)\s+\"?(\w+)", re.IGNORECASE)


def init_app(app: Flask) -> None:
    """Configure the cache (memory, or Redis when configured) and watch catalog commits."""
    if "shop_caching" in app.extensions:
        return
    config = app.config
    redis_url = config.get("CACHE_REDIS_URL") or os.environ.get("CACHE_REDIS_URL") \
        or os.environ.get("REDIS_URL")
    if "CACHE_TYPE" not in config:
        if redis_url:
            config.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url)
            config.setdefault("CACHE_KEY_PREFIX", os.environ.get("CACHE_KEY_PREFIX", "shop:"))
        else:
            config["CACHE_TYPE"] = "SimpleCache"
    # In memory, a worker sees only its own commits: the lifetime bounds how long its
    # listings can lag another worker's change. In Redis, the catalog version is shared
    # and every change is seen at once, so listings can be kept far longer.
    shared = config["CACHE_TYPE"] == "RedisCache"
    config.setdefault("CATALOG_CACHE_SECONDS",
                      int(os.environ.get("CATALOG_CACHE_SECONDS", "300" if shared else "5")))
    # In memory the version is this worker's own: nothing to remember between requests.
    config.setdefault("CATALOG_VERSION_SECONDS",
                      float(os.environ.get("CATALOG_VERSION_SECONDS", "1" if shared else "0")))
    config.setdefault("CACHE_THRESHOLD", 3000)  # entries per worker (SimpleCache)
    config.setdefault("CACHE_DEFAULT_TIMEOUT", config["CATALOG_CACHE_SECONDS"])
    cache.init_app(app)
    app.extensions["shop_caching"] = True
    app.extensions["shop_catalog_version"] = []  # [read at (monotonic), version] of this worker
    app.extensions["shop_cache_shared"] = shared
    _watch_catalog_commits()
    _skip_rate_limit_bookkeeping_on_catalog_reads(app)


def _skip_rate_limit_bookkeeping_on_catalog_reads(app: Flask) -> None:
    """Catalog GETs carry no rate limit: let them skip Flask-Limiter's per-request work.

    Its three hooks (check before the view, headers after it, and the context's release)
    resolve limits and build a context even for a request that has none: about a fifth
    of a cached page (measured in-process). Each is wrapped to return at once for
    catalog reads, only while no app-wide limit (RATELIMIT_DEFAULT /
    RATELIMIT_APPLICATION) is set, so a limit added later still applies to them.
    A hook that is not found (another Flask-Limiter) is left as it is.
    """
    def is_limiter_hook(hook, name: str) -> bool:
        if isinstance(hook, functools.partial):  # after_request: partial(method, limiter)
            return hook.args[:1] == (limiter,) and hook.func.__name__ == name
        return getattr(hook, "__self__", None) is limiter and hook.__name__ == name

    for hooks, name, skipped in (
            (app.before_request_funcs, "_check_request_limit", lambda: None),
            (app.after_request_funcs, "__inject_headers", lambda response: response),
            (app.teardown_request_funcs, "__release_context", lambda error=None: None)):
        chain = hooks.get(None, [])
        for index, hook in enumerate(chain):
            if is_limiter_hook(hook, name):
                chain[index] = _unless_catalog_read(hook, skipped, name.strip("_"))
                break


def _unless_catalog_read(hook: Callable, skipped: Callable, name: str) -> Callable:
    def run(*args, **kwargs):
        return (skipped if _is_unlimited_catalog_read() else hook)(*args, **kwargs)
    run.__name__ = run.__qualname__ = f"{name}_unless_catalog_read"
    run.__wrapped__ = hook
    return run


def _is_unlimited_catalog_read() -> bool:
    config = current_app.config
    return (request.blueprint == "catalog" and request.method in ("GET", "HEAD")
            and not config.get("RATELIMIT_DEFAULT") and not config.get("RATELIMIT_APPLICATION"))


# --- the catalog version ----------------------------------------------------------------

def _new_version() -> str:
    return secrets.token_hex(6)


def catalog_version() -> str:
    """The current catalog version (read once per request).

    With Redis, a worker reuses the version it last read for `CATALOG_VERSION_SECONDS`
    (1 s): a change made in another worker shows here within that second, one made in
    this worker at once, and most cached pages cost no round trip at all.
    """
    if "catalog_version" in g:
        return g.catalog_version
    seen = current_app.extensions["shop_catalog_version"]
    now = time.monotonic()
    if seen and now - seen[0] < current_app.config["CATALOG_VERSION_SECONDS"]:
        version = seen[1]
    else:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, _new_version(), timeout=0)
            version = cache.get(VERSION_KEY) or "0"
        seen[:] = [now, version]
    g.catalog_version = version
    return version


def bump_catalog_version() -> None:
    """Call after committing a change of price, stock or catalog text made outside the ORM."""
    if not has_app_context() or "shop_caching" not in current_app.extensions:
        return
    version = _new_version()
    cache.set(VERSION_KEY, version, timeout=0)
    current_app.extensions["shop_catalog_version"][:] = [time.monotonic(), version]
    g.pop("catalog_version", None)


# --- entries: shared, with a copy in each worker ----------------------------------------------
#
# An entry's key names everything it was made from (the catalog version), so an entry never
# changes: a worker may keep its own copy and skip the trip to Redis (about 0.2 ms here, as
# much as the rest of a cached page). Only the catalog version is asked of the shared cache,
# at most once a second. With the in-memory cache there is nothing to skip, and no second
# copy is kept.

class WorkerCopy:
    """This worker's copy of shared entries: compressed, least recently used out first.

    Pages compress about five to one (a product page 8 kB to under 3 kB, 14 us to open), so
    `max_bytes` of 32 MB holds every page of a 10,000-product catalog.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()  # for threaded servers (flask run, gthread workers)

    def get(self, key: str):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
        return pickle.loads(zlib.decompress(entry[1]))

    def set(self, key: str, value, timeout: float) -> None:
        blob = zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1)
        if len(blob) > self.max_bytes:
            return
        with self._lock:
            self._drop(key)
            self._entries[key] = (time.monotonic() + timeout, blob)
            self.size += len(blob)
            while self.size > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self.size -= len(entry[1])


_local = WorkerCopy(max_bytes=int(os.environ.get("CACHE_WORKER_COPY_MB", "32")) * 2**20)


def _is_shared() -> bool:
    return current_app.extensions["shop_cache_shared"]


def _get(full_key: str):
    if _is_shared():
        value = _local.get(full_key)
        if value is not None:
            return value
        value = cache.get(full_key)
        if value is not None:
            _local.set(full_key, value, current_app.config["CATALOG_CACHE_SECONDS"])
        return value
    return cache.get(full_key)


def _set(full_key: str, value, timeout: int | None) -> None:
    cache.set(full_key, value, timeout=timeout)
    if _is_shared():
        _local.set(full_key, value, timeout or current_app.config["CATALOG_CACHE_SECONDS"])


def remember(key, load: Callable, timeout: int | None = None):
    """`load()`, kept under `key` for this catalog version (and `timeout` seconds at most)."""
    if "shop_caching" not in current_app.extensions:
        return load()
    full_key = f"data:{_code_stamp()}:{catalog_version()}:{key}"
    value = _get(full_key)
    if value is None:
        value = load()
        _set(full_key, value, timeout)
    return value


def worker_memo(name: str, key, compute: Callable, generation=None, size: int = 20_000):
    """`compute()`, remembered in this worker under `key` (hashable, naming every input).

    For small pure results asked for again and again, too cheap to fetch from Redis.
    `generation` (the minute, say) is what the results hold for: a new one drops every
    result of the last. Each memo holds `size` entries at most, and starts afresh when full.
    """
    memos = current_app.extensions.setdefault("shop_memos", {})
    kept = memos.get(name)
    if kept is None or kept[0] != generation or len(kept[1]) >= size:
        kept = memos[name] = (generation, {})
    memo = kept[1]
    value = memo.get(key)
    if value is None:
        value = memo[key] = compute()
    return value


# --- noticing catalog changes -------------------------------------------------------------

_watching = False


def _watch_catalog_commits() -> None:
    global _watching
    if _watching:
        return
    event.listen(Session, "after_flush", _note_flush)
    event.listen(Session, "do_orm_execute", _note_statement)
    event.listen(Session, "after_commit", _bump_after_commit)
    event.listen(Session, "after_rollback", _forget_changes)
    _watching = True


def _note_flush(session, flush_context) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if getattr(obj, "__tablename__", None) in CATALOG_TABLES:
            session.info["catalog_changed"] = True
            return


def _note_statement(state) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        match = _WRITE_SQL.match(str(state.statement)) if not state.is_select else None
        if match and match.group(2).lower() in CATALOG_TABLES:
            state.session.info["catalog_changed"] = True
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in CATALOG_TABLES:
        state.session.info["catalog_changed"] = True


def _bump_after_commit(session) -> None:
    if session.info.pop("catalog_changed", False):
        bump_catalog_version()


def _forget_changes(session) -> None:
    session.info.pop("catalog_changed", None)


# --- whole pages --------------------------------------------------------------------------

@dataclass(frozen=True)
class Rendered:
    """What a page's `render` returns when it has more to say than its HTML."""
    html: str
    data: object = None  # what `fill` writes the page's late part from
    keep: bool = True  # False: serve it but do not store it (it answers input no other
    #                    visitor is likely to send, an unknown ?sku= say)


@dataclass(frozen=True)
class CachedPage:
    """A rendered page cut around the visitor's cart count; `digest` names its content.

    `data` is what the page's late part (see `serve_page`) is filled in from."""
    head: str
    cart_span: str
    tail: str
    digest: str
    data: object = None


def _cut(html: str, data=None) -> CachedPage | None:
    match = _CART_SPAN.search(html)
    if match is None:  # the layout changed: serve uncached rather than guess
        return None
    digest = hashlib.blake2b(html.encode(), digest_size=10).hexdigest()
    return CachedPage(html[:match.start()], match.group(0), html[match.end():], digest, data)


def page_key(*parts) -> str:
    """A cache key for a page: host and scheme (links are absolute), then `parts`."""
    return ":".join([request.scheme, request.host, *map(str, parts)])


def serve_page(key: str, render: Callable[..., "str | Rendered"], *, cart_count: int,
               timeout: int, with_csrf: bool = False,
               fill: Callable[[object], str] | None = None):
    """Respond with the page cached under `key` (and the catalog version), rendering it with
    `render` when missing.

    `render(**markers)` renders the template with `cart_count` and `csrf_token` set to
    the markers (or, for a page that must not be cached, to the visitor's values), and
    returns its HTML or a `Rendered`.
    With `fill`, the page also has a late part, written on every response: `render` then
    also gets a `late` marker, and `fill(Rendered.data)` returns the HTML that replaces
    the marker (the product page's delivery countdown, say).
    Responses carry an ETag (304 when it matches) and Cache-Control: public for
    visitors without cookies, private otherwise; never stored when flashes are pending.
    """
    markers = {"late": LATE_MARKER} if fill else {}
    if session.get("_flashes"):
        response = make_response(_for_this_visitor(
            render(csrf_token=generate_csrf() if with_csrf else "", **markers), fill))
        response.headers["Cache-Control"] = "private, no-store"
        return response
    full_key = f"page:{_code_stamp()}:{catalog_version()}:{key}"
    page = _get(full_key)
    if page is None:
        rendered = _as_rendered(render(cart_count=CART_COUNT_MARKER, csrf_token=CSRF_MARKER,
                                       **markers))
        page = _cut(rendered.html, rendered.data)
        if page is None:
            return make_response(_for_this_visitor(
                render(csrf_token=generate_csrf() if with_csrf else "", **markers), fill))
        if rendered.keep:
            _set(full_key, page, timeout)
    csrf = generate_csrf() if with_csrf else ""
    late = fill(page.data) if fill else ""
    etag = f"{page.digest}-{cart_count}"
    if with_csrf:  # the token differs per session: so does the page
        etag += "-" + hashlib.blake2b(session["csrf_token"].encode(), digest_size=6).hexdigest()
    if fill:
        etag += "-" + hashlib.blake2b(late.encode(), digest_size=6).hexdigest()
    if request.if_none_match.contains_weak(etag):
        response = make_response("", 304)
    else:
        body = page.head + (page.cart_span.replace(CART_COUNT_MARKER, str(cart_count))
                            if cart_count else "") + page.tail
        if with_csrf:
            body = body.replace(CSRF_MARKER, csrf)
        if fill:
            body = body.replace(LATE_MARKER, late)
        response = make_response(body)
    response.set_etag(etag, weak=True)
    anonymous = not request.cookies and not with_csrf
    # Browsers and proxies may keep the page but must ask again each time (a 304 is cheap):
    # prices and stock on it are never older than the server's own short-lived copy.
    response.headers["Cache-Control"] = "public, no-cache" if anonymous else "private, no-cache"
    response.vary.add("Cookie")
    return response


def _as_rendered(rendered) -> Rendered:
    return rendered if isinstance(rendered, Rendered) else Rendered(rendered)


def _for_this_visitor(rendered, fill) -> str:
    """A page rendered for this visitor only, its late part filled in."""
    rendered = _as_rendered(rendered)
    return rendered.html.replace(LATE_MARKER, fill(rendered.data)) if fill else rendered.html


@functools.cache
def _code_stamp() -> str:
    """A digest of the shop's code and templates, part of every cache key.

    Entries in Redis outlive a deploy; what they hold (pickled pages and their data) was
    made by the code of their time. With the stamp in the key, new code never reads them.
    """
    root = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=6)
    for folder in (root, root.parent / "templates"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".html", ".txt", ".xml"):
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()
