"""Product search: words (stemmed), synonyms, typo correction and ranked, filtered pages.

One behaviour on both databases, over the word indexes of `search_index`:
- A query is cut into words (letters and digits), English stop words dropped. Each word,
  or each run of words that is a synonym's term, is a group; every group must match
  (AND); a synonym group matches its term as a phrase or any of its alternatives.
- Ranking ("featured" sort): field weights (name > category > brand = short description
  > long description; bm25 on SQLite, ts_rank_cd on PostgreSQL), doubled when the
  query's words appear as a phrase; then featured products, then by name.
- No result, and a word of 4+ letters that matches nothing: it is replaced by the
  nearest word of the catalog's vocabulary (at most 1 edit for 4-5 letters, 2 beyond)
  when that finds something; the result says what was searched instead.
- Two statements a search: how many published products match, per brand (the total and
  the brand facet); then, only when some do, the page: the matches ranked and cut in
  the database (a top-N sort), joined to their variants for the page's products only.
"""
import json
import re
from dataclasses import dataclass, field

from sqlalchemy import bindparam, case, column, func, literal_column, select, table, text
from sqlalchemy.exc import IntegrityError

from shop.accounts.service import record
from shop.catalog import search_index
from shop.catalog.models import Product, SearchSynonym, Variant
from shop.catalog.service import ListingFilters, ListingPage, ProductCard, SORTS
from shop.database import utcnow
from shop.extensions import db
from shop.web_cache import versions

MAX_WORDS = 8
# PostgreSQL's english stop words: dropped from queries on both databases, so a query
# asks the same of SQLite (which indexes them) as of PostgreSQL (which does not).
STOP_WORDS = frozenset("""
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
she her hers herself it its itself they them their theirs themselves what which who whom
this that these those am is are was were be been being have has had having do does did
doing a an the and but if or because as until while of at by for with about against
between into through during before after above below to from up down in out on off over
under again further then once here there when where why how all any both each few more
most other some such no nor not only own same so than too very s t can will just don
should now""".split())

_WORD = re.compile(r"[^\W_]+")


def words(text_: str) -> list[str]:
    """`text_` cut into lower-case words of letters and digits, as the indexes cut it."""
    return _WORD.findall(text_.lower())


@dataclass(frozen=True)
class Synonym:
    term: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class SearchResult:
    listing: ListingPage
    searched: str           # the words searched, after any correction
    corrected: bool = False  # a typo was corrected: "Showing results for `searched`"
    groups: list = field(default_factory=list)


def _plain(word: str) -> str:
    """A word with a plural's s dropped, so "rowing machines" meets "rowing machine"."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") \
        else word


def parse_synonym(term: str, replacement: str) -> Synonym | None:
    """A synonym from the table's text, or None if either side has no words."""
    alternatives = tuple(tuple(words(part)) for part in replacement.split(","))
    alternatives = tuple(a for a in alternatives if a)
    if not words(term) or not alternatives:
        return None
    return Synonym(tuple(words(term)), alternatives)


def load_synonyms() -> list[Synonym]:
    """Every synonym of the table (one query; a short list, cached by the views)."""
    rows = db.session.execute(select(SearchSynonym.term, SearchSynonym.replacement)).all()
    return [s for s in (parse_synonym(r.term, r.replacement) for r in rows) if s]


def query_groups(query: str, synonyms: list[Synonym]) -> list[list[tuple[str, ...]]]:
    """The query as groups of alternatives (tuples of words); every group must match."""
    typed = words(query)[:MAX_WORDS]
    by_term = sorted(synonyms, key=lambda s: -len(s.term))
    groups, i = [], 0
    while i < len(typed):
        found = next((s for s in by_term if [_plain(w) for w in typed[i:i + len(s.term)]]
                      == [_plain(w) for w in s.term]), None)
        span = len(found.term) if found else 1
        alternatives = [tuple(typed[i:i + span])] + (list(found.alternatives) if found else [])
        kept = []
        for alternative in alternatives:
            content = tuple(w for w in alternative if w not in STOP_WORDS)
            if content and content not in kept:
                kept.append(content)
        if kept:
            groups.append(kept)
        i += span
    return groups


def _fts_query(groups) -> str:
    """FTS5: every group, each a choice of phrases (words are letters and digits only)."""
    return " AND ".join("(" + " OR ".join(f'"{" ".join(alt)}"' for alt in group) + ")"
                        for group in groups)


def _pg_query(groups) -> str:
    """to_tsquery: every group, each a choice of phrases (words are letters and digits only)."""
    return " & ".join("(" + " | ".join("(" + " <-> ".join(alt) + ")" for alt in group) + ")"
                      for group in groups)


def _phrase(groups, dialect: str) -> str:
    """The query's own words as a phrase (the first alternative of each group)."""
    typed = [w for group in groups for w in group[0]]
    return '"' + " ".join(typed) + '"' if dialect == "sqlite" else " <-> ".join(typed)


def match_params(groups, dialect: str) -> dict:
    if dialect == "sqlite":
        return {"match": _fts_query(groups), "phrase": _phrase(groups, dialect)}
    return {"match": _pg_query(groups), "phrase": _phrase(groups, dialect)}


# --- statements ---------------------------------------------------------------------------
# Every published product has a variant (publishing refuses a product without one, and
# variants are never deleted: tests/backoffice/test_catalog_admin.py, test_catalog_csv.py,
# and tests/conftest.py checks it after every test), so the match counts read `product`
# alone; the page itself joins the variants.

_P, _V = Product.__table__, Variant.__table__
_CARD = (_P.c.id, _P.c.slug, _P.c.name, _P.c.brand, _P.c.short_description, _P.c.image_path,
         _P.c.image_alt)
_FTS = literal_column(search_index.TABLE)
_FTS_ROWS = table(search_index.TABLE, column("rowid"))
_VECTOR = literal_column(f"product.{search_index.PG_VECTOR}")


def _matching(dialect: str):
    """The condition: the product's words match the bound `match`."""
    if dialect == "sqlite":
        return _P.c.id.in_(select(_FTS_ROWS.c.rowid).where(_FTS.op("MATCH")(bindparam("match"))))
    return _VECTOR.op("@@")(func.to_tsquery("english", bindparam("match")))


def _facets_statement(dialect: str):
    """How many published products of each brand match: the total and the brand facet."""
    return (select(_P.c.brand, func.count().label("matches"))
            .where(_P.c.status == "published", _matching(dialect)).group_by(_P.c.brand))


def _ranked_source(dialect: str, phrase: bool):
    """The published matches, and their score (lower is better): field weights, doubled
    when the query's words (two or more) appear as a phrase."""
    if dialect == "sqlite":
        weights = ", ".join(str(w) for w in search_index.BM25_WEIGHTS)
        score = literal_column(f"bm25({search_index.TABLE}, {weights})")
        if phrase:
            phrase_ids = select(_FTS_ROWS.c.rowid).where(_FTS.op("MATCH")(bindparam("phrase")))
            score = score * case((_P.c.id.in_(phrase_ids), 2.0), else_=1.0)
        source = _P.join(_FTS_ROWS, _FTS_ROWS.c.rowid == _P.c.id)
        condition = _FTS.op("MATCH")(bindparam("match"))
    else:
        query = func.to_tsquery("english", bindparam("match"))
        score = -func.ts_rank_cd(literal_column(f"'{search_index.PG_RANK_WEIGHTS}'"),
                                 _VECTOR, query)
        if phrase:
            phrase_query = func.to_tsquery("english", bindparam("phrase"))
            score = score * case((_VECTOR.op("@@")(phrase_query), 2.0), else_=1.0)
        source, condition = _P, _VECTOR.op("@@")(query)
    return source, [_P.c.status == "published", condition], score


def _order(c, sort: str) -> list:
    return {
        "price_asc": [c.price_from.asc(), c.name, c.id] if "price_from" in c else None,
        "price_desc": [c.price_from.desc(), c.name, c.id] if "price_from" in c else None,
        "name": [c.name, c.id],
        "newest": [c.created_at.desc(), c.id.desc()],
    }.get(sort) or [c.score, c.featured.desc(), c.name, c.id]


def _needs_summary(shape) -> bool:
    _, min_price, max_price, in_stock, sort = shape
    return bool(min_price or max_price or in_stock or sort in ("price_asc", "price_desc"))


def _summary_columns(v):
    v = v.c
    return (func.min(v.price_cents).label("price_from"), func.max(v.price_cents).label("price_to"),
            func.max(v.compare_at_cents).label("compare_at"),
            func.sum(v.on_hand - v.reserved).label("available"),
            func.count(v.id).label("variant_count"))


def _page_statement(shape, dialect: str, phrase: bool):
    """One page of the matches as cards, in the order `shape` asks for. Only the page's
    own products are joined to their variants, unless a price or stock filter or a price
    sort needs every match's prices: then the page also carries the filtered `total`."""
    brand, min_price, max_price, in_stock, sort = shape
    source, conditions, score = _ranked_source(dialect, phrase)
    columns = [_P.c.id, _P.c.featured, _P.c.name, _P.c.created_at]
    columns += [score.label("score")] if sort == "featured" else []
    conditions += [_P.c.brand == bindparam("brand")] if brand else []
    matches = select(*columns).select_from(source).where(*conditions)
    if not _needs_summary(shape):
        page = matches.order_by(*_order(matches.selected_columns, sort)) \
            .limit(bindparam("limit")).offset(bindparam("offset")).subquery("page")
        return (select(*_CARD, *_summary_columns(_V))
                .select_from(page.join(_P, _P.c.id == page.c.id)
                             .join(_V, _V.c.product_id == page.c.id))
                .group_by(*_CARD, *page.c).order_by(*_order(page.c, sort)))
    m = matches.cte("matches").prefix_with("MATERIALIZED")
    s = (select(_V.c.product_id, *_summary_columns(_V))
         .join(m, m.c.id == _V.c.product_id).group_by(_V.c.product_id).subquery("summary"))
    filters = [s.c.price_from >= bindparam("min_price")] if min_price else []
    filters += [s.c.price_from <= bindparam("max_price")] if max_price else []
    filters += [s.c.available > 0] if in_stock else []
    page = (select(*m.c, s.c.price_from, s.c.price_to, s.c.compare_at, s.c.available,
                   s.c.variant_count, func.count().over().label("total"))
            .join(s, s.c.product_id == m.c.id).where(*filters))
    page = page.order_by(*_order(page.selected_columns, sort)) \
        .limit(bindparam("limit")).offset(bindparam("offset")).subquery("page")
    return (select(*_CARD, page.c.price_from, page.c.price_to, page.c.compare_at,
                   page.c.available, page.c.variant_count, page.c.total)
            .join(page, page.c.id == _P.c.id).order_by(*_order(page.c, sort)))


_statements: dict = {}


def _cached(key, build):
    """Build each shape of statement once per process (its SQL is then compiled once)."""
    if key not in _statements:
        _statements[key] = build()
    return _statements[key]


_CARD_FIELDS = ("id", "slug", "name", "brand", "short_description", "image_path", "image_alt")


def _card(row) -> ProductCard:
    return ProductCard(**{name: row[name] for name in _CARD_FIELDS},
                       price_from_cents=row["price_from"], price_to_cents=row["price_to"],
                       compare_at_cents=row["compare_at"], available=row["available"],
                       variant_count=row["variant_count"])


def _run(groups, filters: ListingFilters, per_page: int) -> tuple[ListingPage, bool]:
    """A page of the products matching `groups`, and whether the words match any product at
    all, whatever the filters. First how many match, per brand (the total and the brand
    facet); then, when some do, the page."""
    dialect = db.engine.dialect.name
    sort = filters.sort if filters.sort in SORTS else "featured"
    shape = (bool(filters.brand), filters.min_price_cents is not None,
             filters.max_price_cents is not None, bool(filters.in_stock), sort)
    phrase = sum(len(group[0]) for group in groups) > 1
    params = {**match_params(groups, dialect), "limit": per_page,
              "offset": (filters.page - 1) * per_page}
    params.update({k: v for k, v in (("brand", filters.brand),
                                     ("min_price", filters.min_price_cents),
                                     ("max_price", filters.max_price_cents)) if v is not None})
    facets = db.session.execute(_cached(("facets", dialect), lambda: _facets_statement(dialect)),
                                params).all()
    brands = sorted((f.brand for f in facets if f.brand), key=lambda b: (b.casefold(), b))
    total = sum(f.matches for f in facets if f.brand == filters.brand or not filters.brand)
    rows = []
    if total:
        statement = _cached(("page", dialect, shape, phrase),
                            lambda: _page_statement(shape, dialect, phrase))
        rows = db.session.execute(statement, params).mappings().all()
    if _needs_summary(shape):
        total = rows[0]["total"] if rows else 0
    listing = ListingPage(items=[_card(r) for r in rows], total=total, page=filters.page,
                          per_page=per_page, brands=brands)
    return listing, bool(facets)


def search_products(query: str, filters: ListingFilters, per_page: int,
                    synonyms: list[Synonym] | None = None) -> SearchResult:
    """A page of the products matching `query`, correcting a typo when nothing matches."""
    if synonyms is None:
        synonyms = load_synonyms()
    groups = query_groups(query, synonyms)
    searched = " ".join(words(query)[:MAX_WORDS])
    empty = ListingPage(items=[], total=0, page=filters.page, per_page=per_page, brands=[])
    if not groups:
        return SearchResult(empty, searched)
    listing, matched = _run(groups, filters, per_page)
    if matched or filters.page > 1:
        return SearchResult(listing, searched, groups=groups)
    corrected = _corrected_groups(groups)
    if corrected is not None:
        fixed, matched = _run(corrected, filters, per_page)
        if matched:
            words_searched = " ".join(" ".join(g[0]) for g in corrected)
            return SearchResult(fixed, words_searched, corrected=True, groups=corrected)
    return SearchResult(listing, searched, groups=groups)


# --- typos --------------------------------------------------------------------------------

def edit_distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`."""
    previous, current = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        before, previous, current = previous, current, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
    return current[len(b)]


def _allowed_edits(word: str) -> int:
    return 1 if len(word) <= 5 else 2


def _matching_words(candidates: list[str]) -> set[str]:
    """Which of `candidates` the index holds (any form of each) at all: one statement for
    them all. The corrected search itself then says whether a published product matches."""
    if not candidates:
        return set()
    if db.engine.dialect.name == "sqlite":  # words are letters and digits: quoted as phrases
        sql = (f"SELECT value FROM json_each(:words) WHERE EXISTS (SELECT 1 FROM "
               f"{search_index.TABLE} WHERE {search_index.TABLE} MATCH '\"' || value || '\"')")
        params = {"words": json.dumps(candidates)}
    else:
        sql = (f"SELECT w FROM unnest(CAST(:words AS text[])) AS w WHERE EXISTS (SELECT 1 "
               f"FROM product WHERE {search_index.PG_VECTOR} @@ to_tsquery('english', w))")
        params = {"words": candidates}
    return set(db.session.execute(text(sql), params).scalars())


def _vocabulary_near(word: str) -> list[str]:
    """Words of the catalog's vocabulary that may be within reach of `word`."""
    n, reach = len(word), _allowed_edits(word)
    params = {"lo": n - reach, "hi": n + reach, "c1": word[0], "c2": word[1], "w": word}
    if db.engine.dialect.name == "sqlite":
        sql = (f"SELECT term FROM {search_index.VOCAB} WHERE length(term) BETWEEN :lo AND :hi "
               "AND (substr(term, 1, 1) = :c1 OR substr(term, 2, 1) = :c2)")
    elif schema := search_index.trigram_schema(db.session.connection()):
        sql = (f'SELECT word FROM {search_index.PG_WORDS} WHERE word OPERATOR("{schema}".%) :w '
               "AND length(word) BETWEEN :lo AND :hi")
    else:
        sql = (f"SELECT word FROM {search_index.PG_WORDS} WHERE length(word) BETWEEN :lo AND :hi "
               "AND (substr(word, 1, 1) = :c1 OR substr(word, 2, 1) = :c2)")
    return list(db.session.execute(text(sql), params).scalars())


def nearest_word(word: str) -> str | None:
    """The nearest vocabulary word that finds something, or None: fewest edits, then the
    same first letter, then the longer word (typing drops letters more than it adds them)."""
    reach = _allowed_edits(word)
    scored = sorted((edit_distance(word, candidate), candidate[0] != word[0], -len(candidate),
                     candidate) for candidate in _vocabulary_near(word) if candidate != word)
    near = [candidate for distance, _, _, candidate in scored[:10]
            if distance <= reach and not candidate.isdigit()]
    found = _matching_words(near)
    return next((candidate for candidate in near if candidate in found), None)


def _single_word(group) -> str | None:
    """The group's word, when it is one word without synonyms."""
    return group[0][0] if len(group) == 1 and len(group[0]) == 1 else None


def _corrected_groups(groups):
    """`groups` with each plain word of 4+ letters that matches nothing replaced by its
    nearest vocabulary word, or None if no word could be corrected. Words the index
    holds cost one statement together."""
    candidates = [word for word in map(_single_word, groups)
                  if word and len(word) >= 4 and not word.isdigit()]
    unknown = set(candidates) - _matching_words(candidates)
    changed, corrected = False, []
    for group in groups:
        replacement = nearest_word(group[0][0]) if _single_word(group) in unknown else None
        if replacement:
            group, changed = [(replacement,)], True
        corrected.append(group)
    return corrected if changed else None


# --- synonyms, as staff edit them -----------------------------------------------------------

def synonym_rows() -> list[SearchSynonym]:
    """Every synonym, A-Z by term, for the back office."""
    return list(db.session.scalars(select(SearchSynonym).order_by(SearchSynonym.term)))


def add_synonym(term: str, replacement: str, actor: str) -> tuple[bool, str]:
    """Add a synonym and its audit row (one transaction); (False, reason) if it has no words
    or the term is taken, even by someone adding it at the same instant. Search pages show
    it at once (the catalog version moves)."""
    term = " ".join(words(term))
    replacement = ", ".join(" ".join(words(part)) for part in replacement.split(",")
                            if words(part))
    if parse_synonym(term, replacement) is None:
        return False, "Give a term and at least one replacement, in letters or digits."
    try:
        synonym_id = db.session.execute(
            SearchSynonym.__table__.insert().returning(SearchSynonym.id),
            {"term": term, "replacement": replacement, "created_at": utcnow()}).scalar_one()
        record(actor, "search_synonym_added", "search_synonym", synonym_id,
               after={"term": term, "replacement": replacement})
        db.session.commit()
    except IntegrityError:  # the term's unique constraint: it is taken
        db.session.rollback()
        return False, f"“{term}” already has a synonym: delete it first to change it."
    versions.catalog_changed()
    return True, f"Searches for “{term}” also find {replacement}."


def delete_synonym(synonym_id: int, actor: str) -> bool:
    """Delete a synonym and write its audit row (one transaction); False if it was not there."""
    table = SearchSynonym.__table__
    deleted = db.session.execute(table.delete().where(table.c.id == synonym_id)
                                 .returning(table.c.term, table.c.replacement)).first()
    if deleted:
        record(actor, "search_synonym_deleted", "search_synonym", synonym_id,
               before={"term": deleted.term, "replacement": deleted.replacement})
    db.session.commit()
    if deleted:
        versions.catalog_changed()
    return deleted is not None
