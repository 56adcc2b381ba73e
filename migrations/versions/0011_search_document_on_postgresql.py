"""search on PostgreSQL reads a stored, lower-cased search document

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 16:10:00

0009's trigram index on the four text columns joined served rare words, but a common
word matches most of the catalog, and then PostgreSQL checks every matching row with
ILIKE over the joined columns, lower-casing them each time: 66 ms for "set" on the
bench catalog. `product.search_document` stores that text joined and lower-cased once,
when a product is written, and search asks it with LIKE: 13 ms for "set", and rare
words still through the trigram index, now on the column. Nothing changes on SQLite,
whose FTS5 index (0008) already stores the text. See shop.catalog.search_index.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# Written out, not imported: this migration must keep doing what it did when it was written.
JOINED = "name || ' ' || brand || ' ' || short_description || ' ' || long_description"


def _trigram_schema(bind) -> str | None:
    return bind.execute(sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'")).scalar()


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_product_search_trgm")
    op.execute(f"ALTER TABLE product ADD COLUMN search_document text "
               f"GENERATED ALWAYS AS (lower({JOINED})) STORED")
    schema = _trigram_schema(bind)
    if schema:
        op.execute(f"CREATE INDEX ix_product_search_trgm ON product USING gin "
                   f"(search_document {schema}.gin_trgm_ops)")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_product_search_trgm")
    op.execute("ALTER TABLE product DROP COLUMN search_document")
    schema = _trigram_schema(bind)
    if schema:  # 0009's index
        op.execute(f"CREATE INDEX ix_product_search_trgm ON product USING gin "
                   f"(({JOINED}) {schema}.gin_trgm_ops)")
