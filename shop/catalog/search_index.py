"""The search indexes of product text: FTS5 on SQLite, one pg_trgm index on PostgreSQL.

Search asks for every word anywhere in a product's name, brand or descriptions,
case-insensitively. A LIKE '%word%' over every description reads the whole product
table; a trigram index finds the same substrings without scanning.

SQLite: `product_search` is an FTS5 table with the trigram tokenizer, external
content over `product`: it stores only the index, and triggers keep it in step
with every insert, update and delete, whatever code path writes the product. It
holds words of three or more characters; `index_query` answers None for shorter
ones and the search falls back to LIKE. Migration 0008 creates it; schemas built
with `create_all` (tests) get it from the `after_create` hook in catalog.models.

PostgreSQL: migration 0009 indexes `search_text()`, the four columns joined by
spaces, with gin_trgm_ops, so one ILIKE per word is one index scan. (Four indexes,
one per column, were left unused: the planner priced their OR above a table scan.)
The expression here and the index's must stay the same, or the index is not used.
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

    The pg_trgm index of migration 0009 (PostgreSQL, when pg_trgm is available) and
    the FTS5 table of 0008 with its shadow tables (SQLite) exist only in some databases,
    so a schema comparison must not ask to drop them.
    """
    if type_ == "table" and name and (name == TABLE or name.startswith(TABLE + "_")):
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


def search_text(product_table):
    """name || ' ' || brand || ' ' || short_description || ' ' || long_description."""
    space = sa.literal_column("' '")
    parts = [product_table.c[name] for name in COLUMNS]
    text = parts[0]
    for part in parts[1:]:
        text = text.op("||")(space).op("||")(part)
    return text


PG_INDEX_EXPRESSION = " || ' ' || ".join(COLUMNS)
