"""search index of product text on SQLite (FTS5, trigram tokenizer)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 13:00:00

Search matches every word anywhere in a product's name, brand or descriptions. On
SQLite that was a LIKE scan of the whole product table; `product_search` (an FTS5
external-content table kept in step by triggers) answers the same question from an
index. PostgreSQL already has the pg_trgm indexes of 0004 and gets nothing here.
The statements live in shop/catalog/search_index.py, which create_all uses as well.
"""
from alembic import op

from shop.catalog import search_index


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        search_index.create_sqlite_index(bind)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        search_index.drop_sqlite_index(bind)
