"""Health checks for load balancers and process managers: `/healthz` and `/readyz`.

- `/healthz`: the process is alive and answering. Touches nothing else.
- `/readyz`: this app server can do its work: the database answers `SELECT 1` and,
  when configured, every Redis it uses (rate limits, page cache) answers PING.
  200 when ready, 503 with the reason as JSON when not.

Both are cheap, unauthenticated, and exempt from rate limits (a balancer polls them
every few seconds from one address).
"""
import logging

import redis
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from shop.extensions import db, limiter

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)
limiter.exempt(bp)
REDIS_TIMEOUT_SECONDS = 1.0


@bp.get("/healthz")
def healthz():
    """The process is alive (nothing else is checked)."""
    return _no_store(jsonify(status="ok"))


@bp.get("/readyz")
def readyz():
    """The database and the configured Redis servers answer: 200, else 503 with the reason."""
    problems = [problem for problem in (_database_problem(), *_redis_problems()) if problem]
    if problems:
        log.warning("not ready: %s", "; ".join(problems))
        return _no_store(jsonify(status="unavailable", reasons=problems)), 503
    return _no_store(jsonify(status="ok"))


def _no_store(response):
    response.cache_control.no_store = True
    return response


def _database_problem() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return ""
    except Exception as error:  # any driver error means "not ready", never a 500
        return f"database: {type(error).__name__}"
    finally:
        db.session.rollback()


def redis_urls(config) -> list[str]:
    """The Redis servers this app uses: rate-limit storage and the shared page cache."""
    urls = []
    limits = config.get("RATELIMIT_STORAGE_URI") or ""
    if limits.startswith(("redis://", "rediss://", "unix://")):
        urls.append(limits)
    if config.get("CACHE_TYPE") == "RedisCache" and config.get("CACHE_REDIS_URL"):
        urls.append(config["CACHE_REDIS_URL"])
    return list(dict.fromkeys(urls))


def _redis_problems() -> list[str]:
    clients = current_app.extensions.setdefault("health_redis", {})
    problems = []
    for url in redis_urls(current_app.config):
        if url not in clients:  # one client (and connection pool) per URL per worker
            clients[url] = redis.Redis.from_url(
                url, socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
        try:
            clients[url].ping()
        except Exception as error:
            problems.append(f"redis: {type(error).__name__}")
    return problems
