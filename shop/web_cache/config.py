"""Setting up the page cache: once per app, from `create_app`.

One Flask-Caching cache: in memory per worker by default (`SimpleCache`), shared
through Redis when `CACHE_REDIS_URL` (or `REDIS_URL`) is set. With Redis, each worker
also keeps a copy of the entries it read (see `shop.web_cache.storage`) and of the
versions it read (see `shop.web_cache.versions`), both in `WorkerCopy`s.

Keys carry no digest of the code. Entries in Redis outlive a deploy, so for at most
`CATALOG_CACHE_SECONDS` after one, pages rendered by the old templates may still be
served. A deploy that must not serve them (or whose cached values changed shape) sets
`SHOP_RELEASE` (say, the commit id): it is part of the Redis key prefix, so the new
code starts with an empty cache.
"""
import os
from dataclasses import dataclass

from flask import Flask, current_app
from flask_caching import Cache

from shop.web_cache.worker_copy import WorkerCopy

cache = Cache()


@dataclass(frozen=True)
class WorkerState:
    """What each worker keeps beside the cache (with Redis only; None in memory)."""
    entries: WorkerCopy | None  # copies of shared entries, which never change
    versions: WorkerCopy | None  # versions read from Redis: (read at, version)


def init_app(app: Flask) -> None:
    """Configure the cache (memory, or Redis when configured). Called by `create_app` only."""
    config = app.config
    redis_url = config.get("CACHE_REDIS_URL") or os.environ.get("CACHE_REDIS_URL") \
        or os.environ.get("REDIS_URL")
    if "CACHE_TYPE" not in config:
        if redis_url:
            config.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url)
            config.setdefault("CACHE_KEY_PREFIX", os.environ.get("CACHE_KEY_PREFIX", "shop:"))
        else:
            config["CACHE_TYPE"] = "SimpleCache"
    shared = config["CACHE_TYPE"] == "RedisCache"
    release = config.setdefault("SHOP_RELEASE", os.environ.get("SHOP_RELEASE", ""))
    if shared and release:
        config["CACHE_KEY_PREFIX"] = f"{config.get('CACHE_KEY_PREFIX', '')}{release}:"
    # In memory, a worker sees only its own changes: the lifetime bounds how long its pages
    # can lag another worker's change. In Redis, versions are shared and every change is
    # seen within CATALOG_VERSION_SECONDS, so pages can be kept far longer.
    config.setdefault("CATALOG_CACHE_SECONDS",
                      int(os.environ.get("CATALOG_CACHE_SECONDS", "300" if shared else "5")))
    config.setdefault("CATALOG_VERSION_SECONDS",
                      float(os.environ.get("CATALOG_VERSION_SECONDS", "1" if shared else "0")))
    config.setdefault("CACHE_THRESHOLD", 3000)  # entries per worker (SimpleCache)
    config.setdefault("CACHE_DEFAULT_TIMEOUT", config["CATALOG_CACHE_SECONDS"])
    # 1,000 pages of 10-20 KB: 10-20 MB a worker. The most used stay (a read counts), and
    # any other is a round trip to Redis away. At 2,000, workers reached 151-154 MB in
    # `make bench`'s mixed run, over the 150 MB budget.
    config.setdefault("CACHE_WORKER_COPY_ENTRIES",
                      int(os.environ.get("CACHE_WORKER_COPY_ENTRIES", "1000")))
    cache.init_app(app)
    copies = config["CACHE_WORKER_COPY_ENTRIES"]
    app.extensions["web_cache"] = WorkerState(
        entries=WorkerCopy(copies) if shared else None,
        versions=WorkerCopy(copies) if shared else None,
    )


def worker_state() -> WorkerState:
    return current_app.extensions["web_cache"]
