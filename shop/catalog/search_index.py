"""The search indexes of product text: FTS5 on SQLite, a pg_trgm-indexed document on PostgreSQL.

Search asks for every word anywhere in a product's name, brand or descriptions,
case-insensitively. A LIKE '%word%' over every description reads the whole product
table; a trigram index finds the same substrings without scanning.

SQLite: `product_search` is an FTS5 table with the trigram tokenizer, external
content over `product`: it stores only the index, and triggers keep it in step
with every insert, update and delete, whatever code path writes the product. It
holds words of three or more characters; `index_query` answers None for shorter
ones and the search falls back to LIKE. Migration 0008 creates it; schemas built
with `create_all` (tests) get it from the `after_create` hook in catalog.models.

PostgreSQL: `product.search_document` (migration 0011) is a stored generated
column, the four columns joined by spaces and lower-cased, indexed with
gin_trgm_ops; search lower-cases each word and asks `search_document LIKE '%word%'`.
The trigram index finds rare words at once. A common word ("set") matches most of
the catalog whatever the index, and the check of each row is then what costs: on
a column already lower-cased it is LIKE on stored text, five times cheaper than the
ILIKE over the joined columns that 0009 indexed (66 ms to 13 ms for 10,000
products). The column exists only on PostgreSQL: no model maps it, so the ORM
never reads or writes it, and schemas built with `create_all` (tests) get it from
the `after_create` hook in catalog.models.
"""
import sqlalchemy as sa

TABLE = "product_search"
COLUMNS = ("name", "brand", "short_description", "long_description")
MIN_TERM_LENGTH = 3  # the trigram tokenizer cannot match shorter substrings
# The listing statement's search shape when all terms go to the FTS5 index as one query
# (otherwise the shape is the number of LIKE terms).
BY_INDEX = -1

_cols = ", ".join(COLUMNS)
_new = ", ".join(f"new.{c}" for c in COLUMNS)
_old = ", ".join(f"old.{c}" for c in COLUMNS)

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5({_cols}, content='product', "
    f"content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER {TABLE}_ai AFTER INSERT ON product BEGIN "
    f"INSERT INTO {TABLE}(rowid, {_cols}) VALUES (new.id, {_new}); END",
    f"CREATE TRIGGER {TABLE}_ad AFTER DELETE ON product BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, {_cols}) VALUES ('delete', old.id, {_old}); END",
    f"CREATE TRIGGER {TABLE}_au AFTER UPDATE OF {_cols} ON product BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, {_cols}) VALUES ('delete', old.id, {_old}); "
    f"INSERT INTO {TABLE}(rowid, {_cols}) VALUES (new.id, {_new}); END",
    # index what is already there (nothing on a new database)
    f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",
)

SQLITE_DROP = (
    f"DROP TRIGGER IF EXISTS {TABLE}_au",
    f"DROP TRIGGER IF EXISTS {TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {TABLE}_ai",
    f"DROP TABLE IF EXISTS {TABLE}",
)


def create_sqlite_index(connection) -> None:
    """Create the index and its triggers on a SQLite connection, and fill it."""
    for statement in SQLITE_DDL:
        connection.execute(sa.text(statement))


def drop_sqlite_index(connection) -> None:
    for statement in SQLITE_DROP:
        connection.execute(sa.text(statement))


def include_in_schema_comparison(name, type_, parent_names) -> bool:
    """Alembic's `include_name` hook: leave out the search indexes no model describes.

    The search document and its pg_trgm index (PostgreSQL) and the FTS5 table of 0008
    with its shadow tables (SQLite) exist only in some databases, so a schema comparison
    must not ask to drop them.
    """
    if type_ == "table" and name and (name == TABLE or name.startswith(TABLE + "_")):
        return False
    if type_ == "column" and name == PG_DOCUMENT:
        return False
    return not (type_ == "index" and name and name.endswith("_trgm"))


def index_query(terms: list[str]) -> str | None:
    """An FTS5 query asking for every term as a substring, or None if a term is too short."""
    if not terms or any(len(term) < MIN_TERM_LENGTH for term in terms):
        return None
    return " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)


def matching_ids():
    """`product.id IN (...)` of the products the bound `search_index_query` matches."""
    return sa.select(sa.literal_column("rowid")).select_from(sa.table(TABLE)).where(
        sa.literal_column(TABLE).op("MATCH")(sa.bindparam("search_index_query")))


# --- PostgreSQL ---------------------------------------------------------------------------

PG_DOCUMENT = "search_document"
PG_INDEX = "ix_product_search_trgm"
# The searchable columns joined by spaces: the document stores it lower-cased (0011 wrote
# the same expression out; 0009 indexed it as it is)
PG_INDEX_EXPRESSION = " || ' ' || ".join(COLUMNS)


def add_pg_document(connection, trigram_schema: str | None) -> None:
    """Add the search document to `product`, and its trigram index if pg_trgm is installed
    (in `trigram_schema`)."""
    connection.execute(sa.text(
        f"ALTER TABLE product ADD COLUMN {PG_DOCUMENT} text "
        f"GENERATED ALWAYS AS (lower({PG_INDEX_EXPRESSION})) STORED"))
    if trigram_schema:
        connection.execute(sa.text(f"CREATE INDEX {PG_INDEX} ON product USING gin "
                                   f"({PG_DOCUMENT} {trigram_schema}.gin_trgm_ops)"))


def trigram_schema(connection) -> str | None:
    """The schema pg_trgm is installed in, or None."""
    return connection.execute(sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'")).scalar()


def pg_document():
    """product.search_document, for conditions (PostgreSQL only)."""
    return sa.literal_column(f"product.{PG_DOCUMENT}", sa.Text)
