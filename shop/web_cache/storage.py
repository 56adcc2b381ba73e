"""Entries: read and written through Flask-Caching, with a copy in each worker before Redis.

An entry's key names the versions it was made from, so an entry never changes once
written. With Redis, a worker therefore keeps the entries it read in its own
`WorkerCopy` (at most `CACHE_WORKER_COPY_ENTRIES`, each for `CATALOG_CACHE_SECONDS`) and
skips the round trip next time: a trip cost about 0.2 ms when this copy was introduced,
as much as the rest of a cached page (not measured again). In memory there is one cache
per worker already, and no copy.
"""
from collections.abc import Callable

from flask import current_app

from shop.web_cache.config import cache, worker_state
from shop.web_cache.versions import catalog_version


def get(key: str):
    """The entry under `key`, or None."""
    copy = worker_state().entries
    if copy is None:
        return cache.get(key)
    value = copy.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            copy.set(key, value, timeout=current_app.config["CATALOG_CACHE_SECONDS"])
    return value


def put(key: str, value, timeout: int | None = None) -> None:
    """Store `value` under `key` for `timeout` seconds (CATALOG_CACHE_SECONDS by default)."""
    timeout = timeout or current_app.config["CATALOG_CACHE_SECONDS"]
    cache.set(key, value, timeout=timeout)
    copy = worker_state().entries
    if copy is not None:
        copy.set(key, value, timeout=timeout)


def remember(key, load: Callable, timeout: int | None = None):
    """`load()`, kept under `key` for this catalog version (and `timeout` seconds at most).

    For catalog data that changes only with the catalog version (categories, brands, a
    product's id); a None result is not kept. A list is kept as a tuple: with Redis the
    worker's threads share the value (see `WorkerCopy`), so none of them may change it."""
    full_key = f"data:{catalog_version()}:{key}"
    value = get(full_key)
    if value is None:
        value = load()
        if isinstance(value, list):
            value = tuple(value)
        if value is not None:
            put(full_key, value, timeout)
    return value


def worker_memo(name: str, key, compute: Callable, generation=None, size: int = 20_000):
    """`compute()`, remembered in this worker under `key` (hashable, naming every input).

    For small pure results asked for again and again, too cheap to fetch from Redis.
    `generation` (the minute, say) is what the results hold for: a new one drops every
    result of the last. Each memo holds `size` entries at most, and starts afresh when full.
    """
    memos = current_app.extensions.setdefault("web_cache_memos", {})
    kept = memos.get(name)
    if kept is None or kept[0] != generation or len(kept[1]) >= size:
        kept = memos[name] = (generation, {})
    memo = kept[1]
    value = memo.get(key)
    if value is None:
        value = memo[key] = compute()
    return value
