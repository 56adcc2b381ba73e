"""Whole pages: rendered once per version, shared by visitors, finished per visitor.

A cached page is shared by every visitor, so what differs per visitor (the header's
cart count, the add-to-cart CSRF token) is rendered as a marker and filled in on the
way out; so is a page's late part (the product page's delivery promise, which counts
down by the minute and depends on the visitor's destination). Pages with flash
messages are never cached.

Each response says what the cache did in `X-Page-Cache`: `hit` (served from the cache),
`miss` (rendered, and stored unless it was a one-off), or `bypass` (rendered for this
visitor only). It names no data, only the cache's work: `make bench` counts it.
"""
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from flask import make_response, request, session
from flask_wtf.csrf import generate_csrf

from shop.web_cache import storage
from shop.web_cache.versions import catalog_version, product_version

CART_COUNT_MARKER = "__shop_cart_count_0c1f__"
CSRF_MARKER = "__shop_csrf_token_7ad2__"
LATE_MARKER = "__shop_late_part_41e9__"
CACHE_HEADER = "X-Page-Cache"
_CART_SPAN = re.compile(r"\s*<span class=\"cart-count\"[^>]*>" + CART_COUNT_MARKER + "</span>")


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

    The parts are kept encoded (UTF-8), as they are sent: nothing to encode on a hit.
    `data` is what the page's late part (see `serve_page`) is filled in from."""
    head: bytes
    cart_span: bytes
    tail: bytes
    digest: str
    data: object = None


def _cut(html: str, data=None) -> CachedPage | None:
    match = _CART_SPAN.search(html)
    if match is None:  # the layout changed: serve uncached rather than guess
        return None
    digest = hashlib.blake2b(html.encode(), digest_size=10).hexdigest()
    return CachedPage(html[:match.start()].encode(), match.group(0).encode(),
                      html[match.end():].encode(), digest, data)


def page_key(*parts) -> str:
    """A cache key for a page: host and scheme (links are absolute), then `parts`."""
    return ":".join([request.scheme, request.host, *map(str, parts)])


def _versioned_key(key: str, product: str | None) -> str:
    versions = [catalog_version()]
    if product is not None:
        versions.append(product_version(product))
    # "v2" names the entries' shape (CachedPage with bytes parts; the first shape, untagged,
    # had str parts). Bump it (v3) when CachedPage's fields or their types change: a worker
    # then never reads an entry an older release left in Redis.
    return f"page:v2:{':'.join(versions)}:{key}"


def serve_page(key: str, render: Callable[..., "str | Rendered"], *, cart_count: int,
               timeout: int, with_csrf: bool = False, product: str | None = None,
               fill: Callable[[object], str] | None = None):
    """Respond with the page cached under `key` and the catalog version (and, with
    `product`, a slug, that product's version), rendering it with `render` when missing.

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
        response.headers[CACHE_HEADER] = "bypass"
        return response
    full_key = _versioned_key(key, product)  # versions first: never newer than the render
    page = storage.get(full_key)
    outcome = "hit"
    if page is None:
        outcome = "miss"
        rendered = _as_rendered(render(cart_count=CART_COUNT_MARKER, csrf_token=CSRF_MARKER,
                                       **markers))
        page = _cut(rendered.html, rendered.data)
        if page is None:
            response = make_response(_for_this_visitor(
                render(csrf_token=generate_csrf() if with_csrf else "", **markers), fill))
            response.headers[CACHE_HEADER] = "bypass"
            return response
        if rendered.keep:
            storage.put(full_key, page, timeout)
    response = _respond(page, cart_count, with_csrf, fill)
    response.headers[CACHE_HEADER] = outcome
    return response


def _respond(page: CachedPage, cart_count: int, with_csrf: bool, fill):
    """The cached page with this visitor's markers filled in, or 304 if they have it."""
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
        body = page.head + (page.cart_span.replace(CART_COUNT_MARKER.encode(),
                                                   str(cart_count).encode())
                            if cart_count else b"") + page.tail
        if with_csrf:
            body = body.replace(CSRF_MARKER.encode(), csrf.encode())
        if fill:
            body = body.replace(LATE_MARKER.encode(), late.encode())
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
