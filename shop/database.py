"""Database plumbing shared by every area: UTC timestamps and connection settings."""
from datetime import datetime, timezone

from sqlalchemy import DateTime, event
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no zone, so values are normalised to UTC on the way in and
    tagged as UTC on the way out; naive datetimes are refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


# SQLite's own page cache, per connection, in KiB (its default is 2,000). Each gunicorn
# thread holds a connection, and each filled up to 2 MB with copies of the same pages,
# which the operating system's file cache already holds once: workers reached 150 MB in
# make bench's SQLite run. At 256 KiB they stayed at 134-138 MB, and no page measured
# (category, search, product) was slower. (Production runs PostgreSQL.)
SQLITE_CACHE_KIB = 256


def tune_connections(engine) -> None:
    """Settings every new connection of the shop gets, for a web workload.

    PostgreSQL: no parallel workers for a query. A shop's queries read a few thousand
    rows at most; starting a worker costs more than it saves and, with every web worker
    doing it at once, the helpers fight the requests for the same cores (a category
    page's query went from 9 ms to 5 ms without them on the 10,000-product bench).
    SQLite: a small page cache per connection (SQLITE_CACHE_KIB).
    """
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _small_page_cache(dbapi_connection, connection_record):
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
            cursor.close()
        return
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def _no_parallel_workers(dbapi_connection, connection_record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
        dbapi_connection.commit()  # a session-level SET, kept when later transactions roll back


def commit_keeping_loaded(session) -> None:
    """Commit without expiring what `session` has loaded, so reading it back costs no query.

    Every object in the session stays as it was loaded, not only the rows just written,
    until the next ordinary commit or rollback expires everything as usual. So use it only
    where the request goes on to read what it has just written itself (checkout: the new
    order's number, lines and total on the way to Stripe); a row that someone else may
    have changed meanwhile must be read afresh.
    """
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire
