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

from shop.catalog import search_index


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(sa.text(f"DROP INDEX IF EXISTS {search_index.PG_INDEX}"))
    search_index.add_pg_document(bind, search_index.trigram_schema(bind))


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(sa.text(f"DROP INDEX IF EXISTS {search_index.PG_INDEX}"))
    op.execute(sa.text(f"ALTER TABLE product DROP COLUMN {search_index.PG_DOCUMENT}"))
    schema = search_index.trigram_schema(bind)
    if schema:
        op.execute(sa.text(f"CREATE INDEX {search_index.PG_INDEX} ON product USING gin "
                           f"(({search_index.PG_INDEX_EXPRESSION}) {schema}.gin_trgm_ops)"))
