"""search by words: FTS5 (porter) on SQLite, a weighted tsvector on PostgreSQL, synonyms

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 10:00:00

Search matched substrings (0008's trigram FTS5 table, 0011's lower-cased document), so
"racks" found no rack. It now matches words and their stems, with the category's name
indexed beside the product's own text, ranked by field, and a vocabulary of the
catalog's words for typo correction (see shop.catalog.search_index). `search_synonym`
holds the words shoppers type for what the catalog calls otherwise, seeded with the
gym defaults staff can edit.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

from shop.catalog import search_index


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# Written out, not imported: this migration must keep seeding what it seeded when written.
DEFAULT_SYNONYMS = (
    ("rowing machine", "rower"),
    ("stationary bike", "bike"),
    ("exercise bike", "bike"),
    ("cable machine", "functional trainer, lat pulldown"),
    ("kettle bell", "kettlebell"),
    ("dumbell", "dumbbell"),
)
SEEDED_AT = datetime(2026, 12, 5, tzinfo=timezone.utc)
# 0011's document, to put back on the way down
JOINED = "name || ' ' || brand || ' ' || short_description || ' ' || long_description"


def upgrade():
    synonyms = op.create_table(
        'search_synonym',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('term', sa.String(length=80), nullable=False),
        sa.Column('replacement', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_synonym')),
        sa.UniqueConstraint('term', name=op.f('uq_search_synonym_term')),
    )
    op.bulk_insert(synonyms, [
        {"term": term, "replacement": replacement, "created_at": SEEDED_AT}
        for term, replacement in DEFAULT_SYNONYMS])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        search_index.drop_sqlite_index(bind)  # 0008's substring index
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_product_search_trgm")
        op.execute("ALTER TABLE product DROP COLUMN IF EXISTS search_document")
    search_index.create_word_index(bind)


def downgrade():
    bind = op.get_bind()
    search_index.drop_word_index(bind)
    if bind.dialect.name == "sqlite":
        search_index.create_sqlite_index(bind)
    elif bind.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE product ADD COLUMN search_document text "
                   f"GENERATED ALWAYS AS (lower({JOINED})) STORED")
        schema = search_index.trigram_schema(bind)
        if schema:
            op.execute(f"CREATE INDEX ix_product_search_trgm ON product USING gin "
                       f"(search_document {schema}.gin_trgm_ops)")
    op.drop_table('search_synonym')
