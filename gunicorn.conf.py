"""gunicorn settings for the shop: `gunicorn -c gunicorn.conf.py wsgi:app`.

Threaded workers (`gthread`; deploy/gunicorn_worker.py): a checkout waits hundreds of
milliseconds on Stripe, and with threads that wait holds one thread, not a whole worker,
so catalog pages keep being served meanwhile. Sized from the CPU count:

- workers: one process per CPU (at least 2), for Python work in parallel;
- threads: 8 per worker, for requests waiting on Stripe, PostgreSQL or Redis.

Everything the app keeps per request is thread-safe (Flask's request and app
contexts, a scoped SQLAlchemy session per thread, Flask-Caching, each worker's copy of
cache entries (shop.web_cache.worker_copy, behind a lock) and the Redis client's
connection pool).

Each can be changed from the environment without editing this file:
GUNICORN_BIND (127.0.0.1:8000), GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT,
GUNICORN_MAX_REQUESTS;
flags on the command line win over all of these.
"""
import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# gunicorn's gthread worker, except that a stop answers the requests already sent to it
# (deploy/gunicorn_worker.py says which ones gunicorn 23 drops). Changing it takes a
# restart: a reload (HUP) keeps the class the master imported.
worker_class = "deploy.gunicorn_worker.AnsweringThreadWorker"
workers = _int("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count()))
threads = _int("GUNICORN_THREADS", 8)

# A request may wait on Stripe (a few seconds at worst, the client times out first);
# past this the worker is considered stuck and is restarted.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM (systemctl stop, a deploy) requests in flight get this long to finish.
graceful_timeout = 30
# Idle keep-alive connections are kept this long. nginx (deploy/nginx/shop.conf) opens
# one connection per request, so this only matters for clients talking to gunicorn directly.
keepalive = 10
# Recycle a worker after this many requests (jittered, so not all at once): bounds memory
# growth. Not too often: a new worker spends about a second of CPU starting and begins
# with empty per-worker caches. At 5,000, `make bench` recycled each worker every few
# seconds: fewer requests served, and wrk's kept-alive connections to the old worker were
# reset (errors in every row, hello world's too). 0 turns recycling off. The jitter is a
# tenth of this setting; with --max-requests on the command line, pass
# --max-requests-jitter too.
max_requests = _int("GUNICORN_MAX_REQUESTS", 20_000)
max_requests_jitter = max_requests // 10

# The app writes one JSON line per request itself (shop.request_log): no access log here.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Each worker builds its own app (own database connections); nothing is shared by fork.
preload_app = False
