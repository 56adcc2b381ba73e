"""The word indexes of product text: FTS5 (porter) on SQLite, a weighted tsvector on PostgreSQL.

A product is found by the words of five fields, ranked in this order: its name, its
category's name (and the parent category's), its brand, its short description and its
long description. Both databases keep the index in step with the tables through
triggers, whatever code path writes a product or renames a category, and both keep a
vocabulary of the catalog's words (as written, not stemmed) for typo correction.

SQLite:
- `product_search`: FTS5, porter tokenizer, one column per field. Category names are
  copied in (denormalised) by the triggers on `product` and on `category`.
- `product_words`: FTS5 over the same text without stemming (external content:
  `product_search`, detail=none), and `product_words_vocab` (fts5vocab) lists its words.

PostgreSQL:
- `product.search_vector`: tsvector ('english'), weighted A name, B category names,
  C brand and short description, D long description; set by a BEFORE trigger on
  `product` (and refreshed by one on `category`), GIN-indexed.
- `search_word`: every word of the catalog, added by the same trigger (never removed:
  search checks a correction still finds something), trigram-indexed when pg_trgm is
  installed.

Text is cut into words the same way on both sides: runs of letters and digits, so
"pull-up" is "pull up" in documents and in queries (`shop.catalog.search.words`).
None of this is described by a model: the schema comparison leaves it out
(`include_in_schema_comparison`); migration 0016 and the `after_create` hook of
catalog.models call the functions here.
"""
import sqlalchemy as sa

TABLE = "product_search"
WORDS = "product_words"
VOCAB = "product_words_vocab"
FIELDS = ("name", "category", "brand", "short_description", "long_description")
# bm25 weights per field on SQLite, and ts_rank_cd's {D, C, B, A} on PostgreSQL: both
# rank name > category > brand = short description > long description.
BM25_WEIGHTS = (10.0, 5.0, 2.0, 2.0, 1.0)
PG_RANK_WEIGHTS = "{0.1, 0.2, 0.5, 1.0}"

_fields = ", ".join(FIELDS)
# A product's five fields, its category's name followed by the parent category's
_PRODUCT_TEXT = (
    "SELECT p.id, p.name, c.name || ' ' || coalesce(pc.name, ''), p.brand, "
    "p.short_description, p.long_description FROM product p "
    "JOIN category c ON c.id = p.category_id LEFT JOIN category pc ON pc.id = c.parent_id "
    "WHERE {where}")
_IN_CATEGORY = ("(SELECT id FROM product WHERE category_id = new.id OR category_id IN "
                "(SELECT id FROM category WHERE parent_id = new.id))")


def _index(where: str) -> str:
    return (f"INSERT INTO {TABLE}(rowid, {_fields}) {_PRODUCT_TEXT.format(where=where)}; "
            f"INSERT INTO {WORDS}(rowid, {_fields}) SELECT rowid, {_fields} FROM {TABLE} "
            f"WHERE rowid IN (SELECT p.id FROM product p WHERE {where}); ")


def _unindex(rowids: str) -> str:
    return (f"INSERT INTO {WORDS}({WORDS}, rowid, {_fields}) SELECT 'delete', rowid, {_fields} "
            f"FROM {TABLE} WHERE rowid IN {rowids}; "
            f"DELETE FROM {TABLE} WHERE rowid IN {rowids}; ")


SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5({_fields}, "
    f"tokenize='porter unicode61 remove_diacritics 0')",
    f"CREATE VIRTUAL TABLE {WORDS} USING fts5({_fields}, content='{TABLE}', "
    f"tokenize='unicode61 remove_diacritics 0', detail='none')",
    f"CREATE VIRTUAL TABLE {VOCAB} USING fts5vocab({WORDS}, 'row')",
    f"CREATE TRIGGER {TABLE}_ai AFTER INSERT ON product BEGIN {_index('p.id = new.id')} END",
    f"CREATE TRIGGER {TABLE}_ad AFTER DELETE ON product BEGIN {_unindex('(old.id)')} END",
    f"CREATE TRIGGER {TABLE}_au AFTER UPDATE OF name, brand, short_description, "
    f"long_description, category_id ON product BEGIN {_unindex('(old.id)')} "
    f"{_index('p.id = new.id')} END",
    f"CREATE TRIGGER {TABLE}_category_au AFTER UPDATE OF name, parent_id ON category BEGIN "
    f"{_unindex(_IN_CATEGORY)} {_index('p.id IN ' + _IN_CATEGORY)} END",
)
SQLITE_FILL = _index("1 = 1").split("; ")

SQLITE_DROP = (
    f"DROP TRIGGER IF EXISTS {TABLE}_category_au",
    f"DROP TRIGGER IF EXISTS {TABLE}_au",
    f"DROP TRIGGER IF EXISTS {TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {TABLE}_ai",
    f"DROP TABLE IF EXISTS {VOCAB}",
    f"DROP TABLE IF EXISTS {WORDS}",
    f"DROP TABLE IF EXISTS {TABLE}",
)


def create_sqlite_word_index(connection) -> None:
    """Create the word index, its vocabulary and triggers on SQLite, and fill them."""
    for statement in SQLITE_DDL + tuple(s for s in SQLITE_FILL if s.strip()):
        connection.execute(sa.text(statement))


def drop_sqlite_word_index(connection) -> None:
    for statement in SQLITE_DROP:
        connection.execute(sa.text(statement))


# --- PostgreSQL ---------------------------------------------------------------------------

PG_VECTOR = "search_vector"
PG_INDEX = "ix_product_search_vector"
PG_WORDS = "search_word"
PG_WORDS_INDEX = "ix_search_word_trgm"


def _plain(expression: str) -> str:
    """Text cut into words as the Python side cuts queries: letters and digits only."""
    return f"regexp_replace(lower({expression}), '[^[:alnum:]]+', ' ', 'g')"


_PG_FUNCTION = f"""
CREATE FUNCTION product_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    category_names text;
BEGIN
    SELECT c.name || ' ' || coalesce(pc.name, '') INTO category_names
    FROM category c LEFT JOIN category pc ON pc.id = c.parent_id WHERE c.id = NEW.category_id;
    NEW.{PG_VECTOR} :=
        setweight(to_tsvector('english', {_plain('NEW.name')}), 'A') ||
        setweight(to_tsvector('english', {_plain("coalesce(category_names, '')")}), 'B') ||
        setweight(to_tsvector('english', {_plain("NEW.brand || ' ' || NEW.short_description")}),
                  'C') ||
        setweight(to_tsvector('english', {_plain('NEW.long_description')}), 'D');
    INSERT INTO {PG_WORDS}(word)
    SELECT DISTINCT w FROM regexp_split_to_table(lower(NEW.name || ' ' ||
        coalesce(category_names, '') || ' ' || NEW.brand || ' ' || NEW.short_description ||
        ' ' || NEW.long_description), '[^[:alnum:]]+') AS w
    WHERE length(w) >= 3
    ON CONFLICT DO NOTHING;
    RETURN NEW;
END $$"""

_PG_CATEGORY_FUNCTION = """
CREATE FUNCTION category_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE product SET category_id = category_id
    WHERE category_id = NEW.id OR category_id IN (SELECT id FROM category WHERE parent_id = NEW.id);
    RETURN NULL;
END $$"""

PG_DDL = (
    f"ALTER TABLE product ADD COLUMN {PG_VECTOR} tsvector",
    f"CREATE TABLE {PG_WORDS} (word text PRIMARY KEY)",
    _PG_FUNCTION,
    _PG_CATEGORY_FUNCTION,
    "CREATE TRIGGER product_search_vector BEFORE INSERT OR UPDATE OF name, brand, "
    "short_description, long_description, category_id ON product "
    "FOR EACH ROW EXECUTE FUNCTION product_search_vector()",
    "CREATE TRIGGER category_search_vector AFTER UPDATE OF name, parent_id ON category "
    "FOR EACH ROW EXECUTE FUNCTION category_search_vector()",
    # index what is already there (nothing on a new database)
    "UPDATE product SET category_id = category_id",
    f"CREATE INDEX {PG_INDEX} ON product USING gin ({PG_VECTOR})",
)

PG_DROP = (
    "DROP TRIGGER IF EXISTS category_search_vector ON category",
    "DROP TRIGGER IF EXISTS product_search_vector ON product",
    "DROP FUNCTION IF EXISTS category_search_vector()",
    "DROP FUNCTION IF EXISTS product_search_vector()",
    f"DROP TABLE IF EXISTS {PG_WORDS}",
    f"DROP INDEX IF EXISTS {PG_INDEX}",
    f"ALTER TABLE product DROP COLUMN IF EXISTS {PG_VECTOR}",
)


def create_pg_word_index(connection) -> None:
    """Add the search vector, its triggers, index and the vocabulary on PostgreSQL."""
    for statement in PG_DDL:
        connection.execute(sa.text(statement))
    schema = trigram_schema(connection)
    if schema:
        connection.execute(sa.text(f"CREATE INDEX {PG_WORDS_INDEX} ON {PG_WORDS} "
                                   f"USING gin (word {schema}.gin_trgm_ops)"))


def drop_pg_word_index(connection) -> None:
    for statement in PG_DROP:
        connection.execute(sa.text(statement))


def trigram_schema(connection) -> str | None:
    """The schema pg_trgm is installed in, or None."""
    return connection.execute(sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'")).scalar()


def create_word_index(connection) -> None:
    if connection.dialect.name == "sqlite":
        create_sqlite_word_index(connection)
    elif connection.dialect.name == "postgresql":
        create_pg_word_index(connection)


def drop_word_index(connection) -> None:
    if connection.dialect.name == "sqlite":
        drop_sqlite_word_index(connection)
    elif connection.dialect.name == "postgresql":
        drop_pg_word_index(connection)


def include_in_schema_comparison(name, type_, parent_names) -> bool:
    """Alembic's `include_name` hook: leave out the search objects no model describes.

    The FTS5 tables and their shadow tables (SQLite), the search vector, its index and
    the vocabulary table (PostgreSQL) exist only in some databases, so a schema
    comparison must not ask to drop them.
    """
    if type_ == "table" and name and (name.startswith(TABLE) or name.startswith(WORDS)
                                      or name == PG_WORDS):
        return False
    if type_ == "column" and name == PG_VECTOR:
        return False
    return not (type_ == "index" and name in (PG_INDEX, PG_WORDS_INDEX))


# --- Migration 0008's substring index (SQLite), kept for that migration -------------------

LEGACY_COLUMNS = ("name", "brand", "short_description", "long_description")
_lcols = ", ".join(LEGACY_COLUMNS)
_lnew = ", ".join(f"new.{c}" for c in LEGACY_COLUMNS)
_lold = ", ".join(f"old.{c}" for c in LEGACY_COLUMNS)

LEGACY_SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5({_lcols}, content='product', "
    f"content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER {TABLE}_ai AFTER INSERT ON product BEGIN "
    f"INSERT INTO {TABLE}(rowid, {_lcols}) VALUES (new.id, {_lnew}); END",
    f"CREATE TRIGGER {TABLE}_ad AFTER DELETE ON product BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, {_lcols}) VALUES ('delete', old.id, {_lold}); END",
    f"CREATE TRIGGER {TABLE}_au AFTER UPDATE OF {_lcols} ON product BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, {_lcols}) VALUES ('delete', old.id, {_lold}); "
    f"INSERT INTO {TABLE}(rowid, {_lcols}) VALUES (new.id, {_lnew}); END",
    f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",
)


def create_sqlite_index(connection) -> None:
    """Migration 0008's trigram index (replaced by 0016's word index)."""
    for statement in LEGACY_SQLITE_DDL:
        connection.execute(sa.text(statement))


def drop_sqlite_index(connection) -> None:
    """Drop migration 0008's trigram index."""
    for statement in SQLITE_DROP[1:]:
        connection.execute(sa.text(statement))
