"""Versions of the catalog and of each product, bumped by the services that change them.

A cached page's key names the versions it was made from (see `shop.web_cache.pages`):
every page the *catalog version*, a product page its product's version too (by slug, as
pages are addressed; a slug changes only through a catalog edit). A version
is a random token; a service replaces it after committing its change, so the next
request renders afresh, and entries under the old token are never read again (they
expire after `CATALOG_CACHE_SECONDS`).

What each change bumps:
- `catalog_changed()`: categories, product copy and status, variants, prices (back-office
  edits, the CSV import, the demo seed). Every page is rendered afresh.
- `stock_moved([(variant_id, change of its available units), ...])`: releases of expired
  checkouts, late payments, goods in, adjustments. The moved products' own versions only,
  so a stock move leaves every other product's page cached. Listings show a product as
  "In stock" or "Out of stock", nothing finer: they are refreshed (the catalog version)
  only when a move takes a product in or out of stock. A sale turns reserved units into
  sold ones and changes no page.
- `products_changed(slugs, listings=...)`: the lower-level form of `stock_moved`, for a
  caller that knows the products and whether one may have gone in or out of stock (a
  checkout read its lines' stock with the cart, and so spends no query on this).

In memory, versions are each worker's own: another worker's change reaches this one's
pages when they expire (`CATALOG_CACHE_SECONDS`, 5 s). With Redis they are shared; a
worker reuses a version it read for `CATALOG_VERSION_SECONDS` (1 s), so another worker's
change shows here within that second, this worker's own at once.
"""
import secrets
import time
from collections.abc import Iterable

from flask import current_app, g

from shop.catalog import service as catalog
from shop.web_cache.config import cache, worker_state

CATALOG_KEY = "version:catalog"
# A version made on a read lives this long unless bumped; pages under it then re-render.
UNCHANGED_VERSION_SECONDS = 24 * 3600


def _product_key(slug: str) -> str:
    return f"version:product:{slug}"


def catalog_version() -> str:
    """The catalog's current version (read once per request)."""
    return _version(CATALOG_KEY)


def product_version(slug: str) -> str:
    """The current version of the product at `slug` (read once per request)."""
    return _version(_product_key(slug))


def catalog_changed() -> None:
    """Call after committing a change to categories, products, variants or prices."""
    _bump([CATALOG_KEY])


def products_changed(slugs: Iterable[str], *, listings: bool = False) -> None:
    """Call after committing a stock move on the products at `slugs`; `listings`: one of
    them may have gone in or out of stock, so listings are rendered afresh too."""
    keys = [_product_key(slug) for slug in sorted(set(slugs))]
    if listings:
        keys.append(CATALOG_KEY)
    _bump(keys)


def stock_moved(changes: Iterable[tuple[int, int]]) -> None:
    """Call after committing stock moves: `changes` are (variant id, change of its available
    units, i.e. on hand less reserved) pairs. One query when anything moved."""
    moved: dict[int, int] = {}
    for variant_id, delta in changes:
        moved[variant_id] = moved.get(variant_id, 0) + delta
    moved = {variant_id: delta for variant_id, delta in moved.items() if delta}
    if not moved:
        return
    went_in_or_out = False
    stock = catalog.available_by_product(list(moved))
    for variants in stock.values():
        after = sum(variants.values())
        before = after - sum(moved.get(variant_id, 0) for variant_id in variants)
        went_in_or_out |= (before > 0) != (after > 0)
    products_changed(stock, listings=went_in_or_out)


# --- reading and replacing ---------------------------------------------------------------

def _new_version() -> str:
    return secrets.token_hex(6)


def _version(key: str) -> str:
    seen = g.setdefault("web_cache_versions", {})
    if key not in seen:
        seen[key] = _read(key)
    return seen[key]


def _read(key: str) -> str:
    """The version under `key`: this worker's recent read (Redis), else the cache's."""
    kept = worker_state().versions
    if kept is not None:
        read = kept.get(key)
        if read is not None and \
                time.monotonic() - read[0] < current_app.config["CATALOG_VERSION_SECONDS"]:
            return read[1]
    version = cache.get(key)
    if version is None:  # never set, or evicted: a new token is as good as any
        # It expires unless a change bumps it (bumped versions are kept): any slug typed
        # in a URL reads a version, and must not leave a key in Redis for good.
        cache.add(key, _new_version(), timeout=UNCHANGED_VERSION_SECONDS)
        version = cache.get(key) or "0"
    _keep(key, version)
    return version


KEPT_SECONDS = 60  # how long a read version stays in memory; `_read` decides if it is fresh


def _keep(key: str, version: str) -> None:
    kept = worker_state().versions
    if kept is not None:
        # Freshness is `_read`'s check on when the version was read; this timeout only
        # evicts. Were it as short as CATALOG_VERSION_SECONDS, a busy worker could lose
        # a version it read a moment ago and read it again from Redis.
        kept.set(key, (time.monotonic(), version), timeout=KEPT_SECONDS)


def _bump(keys: list[str]) -> None:
    new = {key: _new_version() for key in keys}
    cache.set_many(new, timeout=0)
    for key, version in new.items():
        _keep(key, version)
    if "web_cache_versions" in g:
        g.web_cache_versions.update(new)
