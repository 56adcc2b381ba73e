"""Column types shared by every area: timezone-aware UTC timestamps."""
from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

from shop.catalog.search_index import is_index_table


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


def include_in_schema_comparison(name, type_, parent_names) -> bool:
    """Alembic's `include_name` hook: leave out what exists only in some databases.

    The trigram search indexes (`ix_product_*_trgm`) are created by migration 0004 on
    PostgreSQL when pg_trgm is available; the models do not describe them, so a schema
    comparison must not ask to drop them. Nor the SQLite search index of migration 0008
    (an FTS5 table and its shadow tables), which no model describes either.
    """
    if type_ == "table" and name and is_index_table(name):
        return False  # the SQLite search index (shop/catalog/search_index.py) and its shadows
    return not (type_ == "index" and name and name.endswith("_trgm"))
