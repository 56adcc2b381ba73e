"""performance indexes for catalog listings, summaries and search

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 06:00:00

- ix_product_listing: scope (status, category) and default order (featured, name) of
  listing pages, plus brand for the brand facet: both are read from the index alone.
- ix_variant_product_summary: a product's prices and stock without reading variant rows.
- PostgreSQL only, when the pg_trgm extension can be had: trigram indexes serving the
  search's case-insensitive substring matches (ILIKE '%word%') on the four text columns.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

TRIGRAM_COLUMNS = ("name", "brand", "short_description", "long_description")


def upgrade():
    op.create_index("ix_product_listing", "product",
                    ["status", "category_id", "featured", "name", "brand"], unique=False)
    op.create_index("ix_variant_product_summary", "variant",
                    ["product_id", "price_cents", "compare_at_cents", "on_hand", "reserved"],
                    unique=False)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        schema = _trigram_schema(bind)
        if schema:
            for column in TRIGRAM_COLUMNS:
                op.create_index(f"ix_product_{column}_trgm", "product", [column],
                                postgresql_using="gin",
                                postgresql_ops={column: f"{schema}.gin_trgm_ops"})


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for column in TRIGRAM_COLUMNS:
            op.execute(sa.text(f"DROP INDEX IF EXISTS ix_product_{column}_trgm"))
    op.drop_index("ix_variant_product_summary", table_name="variant")
    op.drop_index("ix_product_listing", table_name="product")


def _trigram_schema(bind) -> str | None:
    """The schema holding pg_trgm (installed in `public` if missing), or None if unavailable.

    A database user who may not install extensions still gets a working search, only
    without these indexes.
    """
    find = sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                   "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'")
    schema = bind.execute(find).scalar()
    if schema:
        return schema
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
    except sa.exc.DBAPIError:
        savepoint.rollback()
        return None
    savepoint.commit()
    return bind.execute(find).scalar()
