"""Catalog read use cases: each returns plain values in a small, fixed number of queries.

Statements are built once per shape and run with bound parameters, so SQLAlchemy
compiles each once per process; they select only the columns a page shows.
"""
from dataclasses import dataclass, field, fields
from operator import itemgetter

from sqlalchemy import bindparam, func, select

from shop.catalog.models import Category, Product, Variant
from shop.extensions import db

SORTS = {
    "featured": "Featured",
    "price_asc": "Price: low to high",
    "price_desc": "Price: high to low",
    "name": "Name",
    "newest": "Newest",
}


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    slug: str
    name: str
    description: str
    parent_id: int | None
    featured: bool
    image_path: str
    warranty_kind: str


@dataclass(frozen=True)
class ProductCard:
    id: int
    slug: str
    name: str
    brand: str
    short_description: str
    image_path: str
    image_alt: str
    price_from_cents: int
    price_to_cents: int
    compare_at_cents: int | None
    available: int
    variant_count: int


@dataclass(frozen=True)
class ListingFilters:
    min_price_cents: int | None = None
    max_price_cents: int | None = None
    in_stock: bool = False
    brand: str = ""
    sort: str = "featured"
    page: int = 1


@dataclass(frozen=True)
class ListingPage:
    items: list[ProductCard]
    total: int
    page: int
    per_page: int
    brands: list[str] | None = field(default_factory=list)  # None: not read (see list_products)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class VariantInfo:
    id: int
    sku: str
    option_name: str
    option_value: str
    price_cents: int
    compare_at_cents: int | None
    weight_g: int
    length_cm: int
    width_cm: int
    height_cm: int
    available: int

    @property
    def label(self) -> str:
        return self.option_value or "Standard"


@dataclass(frozen=True)
class ProductDetail:
    id: int
    slug: str
    name: str
    brand: str
    short_description: str
    long_description: str
    features: list[str]
    meta_description: str
    image_path: str
    image_alt: str
    final_sale: bool
    warranty_overrides: dict
    updated_at: object
    category: CategoryInfo
    variants: list[VariantInfo]


# Core tables: the read queries select plain columns, so they skip the ORM's entity loading.
# Each column is labelled with the name of the dataclass field it fills (`_build`).
_C, _P, _V = Category.__table__, Product.__table__, Variant.__table__
_CATEGORY_COLUMNS = (_C.c.id, _C.c.slug, _C.c.name, _C.c.description, _C.c.parent_id,
                     _C.c.featured, _C.c.image_path, _C.c.warranty_kind)
_CARD_COLUMNS = (_P.c.id, _P.c.slug, _P.c.name, _P.c.brand, _P.c.short_description,
                 _P.c.image_path, _P.c.image_alt)
_SUMMARY_COLUMNS = (
    func.min(_V.c.price_cents).label("price_from_cents"),
    func.max(_V.c.price_cents).label("price_to_cents"),
    func.max(_V.c.compare_at_cents).label("compare_at_cents"),
    func.sum(_V.c.on_hand - _V.c.reserved).label("available"),
    func.count(_V.c.id).label("variant_count"),
)
_ALL_CATEGORIES = select(*_CATEGORY_COLUMNS).order_by(_C.c.position, _C.c.name)
_READERS: dict[tuple[type, str], itemgetter] = {}


def _build(cls, row, prefix: str = ""):
    """A `cls` built by name from a labelled row (`.mappings()`): each field from the
    column labelled `prefix` + its name; other columns are ignored.

    The labels are read with one itemgetter per class, made once: nearly as fast as
    `cls(*row)` (a dict of keyword arguments per row measured ~70% slower)."""
    read = _READERS.get((cls, prefix))
    if read is None:
        read = _READERS[cls, prefix] = itemgetter(*(prefix + f.name for f in fields(cls)))
    return cls(*read(row))


def all_categories() -> list[CategoryInfo]:
    """Every category in shelf order (one query; the list is short)."""
    return [_build(CategoryInfo, row)
            for row in db.session.execute(_ALL_CATEGORIES).mappings()]


def _needs_summary(shape: tuple) -> bool:
    """Whether a listing filters or sorts on prices or stock, which need every match's
    variant summary (otherwise only the page's products are summed)."""
    _, _, min_price, max_price, in_stock, sort = shape
    return bool(min_price or max_price or in_stock or sort in ("price_asc", "price_desc"))


def _page_order(c, sort: str) -> list:
    """The order of a page of products by columns `c` (a table's or a subquery's), for the
    sorts that need no prices."""
    if sort == "name":
        return [c.name, c.id]
    if sort == "newest":
        return [c.created_at.desc(), c.id.desc()]
    return [c.featured.desc(), c.name, c.id]


def _listing_statement(shape: tuple, dialect: str):
    """The page query for one shape of listing; values come in as bound parameters.

    Without price or stock conditions the page of products is chosen from the product
    table alone (an index covers scope and order), and variants are summed for those
    products only. With them, variants are summarised for the products in scope only.
    Every published product has a variant (see the note in shop/catalog/search.py), so
    choosing from `product` alone lists no product without one: asking each row for a
    variant had made a large category's page query twice as slow.
    """
    by_category, brand, min_price, max_price, in_stock, sort = shape
    scope = [_P.c.status == "published"]
    if by_category:
        scope.append(_P.c.category_id.in_(bindparam("category_ids", expanding=True)))
    if brand:
        scope.append(_P.c.brand == bindparam("brand"))

    if not _needs_summary(shape):
        # only the sort's own columns: scope and order then come from ix_product_listing
        keys = {"name": [_P.c.name], "newest": [_P.c.created_at]}.get(
            sort, [_P.c.featured, _P.c.name])
        page = (select(_P.c.id, *keys, func.count().over().label("total"))
                .where(*scope)
                .order_by(*_page_order(_P.c, sort)).limit(bindparam("limit"))
                .offset(bindparam("offset")).subquery("page"))
        outer_order = _page_order(page.c, sort)
        return (
            select(*_CARD_COLUMNS, *_SUMMARY_COLUMNS, page.c.total)
            .select_from(page.join(_P, _P.c.id == page.c.id)
                         .join(_V, _V.c.product_id == page.c.id))
            .group_by(*_CARD_COLUMNS, page.c.total, *page.c)
            .order_by(*outer_order)
        )

    summary = (
        select(_V.c.product_id,
               func.min(_V.c.price_cents).label("price_from"),
               func.max(_V.c.price_cents).label("price_to"),
               func.max(_V.c.compare_at_cents).label("compare_at"),
               func.sum(_V.c.on_hand - _V.c.reserved).label("available"),
               func.count(_V.c.id).label("variant_count"))
        .join(_P, _P.c.id == _V.c.product_id).where(*scope)
        .group_by(_V.c.product_id).subquery("summary")
    )
    conditions = []
    if min_price:
        conditions.append(summary.c.price_from >= bindparam("min_price"))
    if max_price:
        conditions.append(summary.c.price_from <= bindparam("max_price"))
    if in_stock:
        conditions.append(summary.c.available > 0)
    order = {
        "price_asc": [summary.c.price_from.asc(), _P.c.name],
        "price_desc": [summary.c.price_from.desc(), _P.c.name],
        "name": [_P.c.name, _P.c.id],
        "newest": [_P.c.created_at.desc(), _P.c.id.desc()],
    }.get(sort)
    if order is None:
        order = [_P.c.featured.desc(), _P.c.name]
    return (
        select(*_CARD_COLUMNS, summary.c.price_from.label("price_from_cents"),
               summary.c.price_to.label("price_to_cents"),
               summary.c.compare_at.label("compare_at_cents"), summary.c.available,
               summary.c.variant_count, func.count().over().label("total"))
        .join(summary, summary.c.product_id == _P.c.id)
        .where(*conditions)
        .order_by(*order)
        .limit(bindparam("limit")).offset(bindparam("offset"))
    )


def _brand_list(brands) -> list[str]:
    """Brands in the order the filter offers them (alphabetical, whatever the case)."""
    return sorted(brands, key=lambda brand: (brand.casefold(), brand))


def _brands_statement(by_category: bool, dialect: str):
    """The brands of the listed products."""
    scope = [_P.c.status == "published", _P.c.brand != ""]
    if by_category:
        scope.append(_P.c.category_id.in_(bindparam("category_ids", expanding=True)))
    return select(_P.c.brand).distinct().where(*scope)


_statements: dict = {}


def _statement(kind: str, shape: tuple, build):
    """Build each shape of statement once per process: its SQL is then compiled once too."""
    dialect = db.engine.dialect.name
    key = (kind, dialect, shape)
    stmt = _statements.get(key)
    if stmt is None:
        stmt = _statements[key] = build(*shape, dialect) if kind == "brands" else \
            build(shape, dialect)
    return stmt


def _scope_params(category_ids: list[int] | None) -> dict:
    """The bound parameters of a listing's scope."""
    return {} if category_ids is None else {"category_ids": list(category_ids)}


def list_products(
    filters: ListingFilters,
    per_page: int,
    category_ids: list[int] | None = None,
    with_brands: bool = True,
) -> ListingPage:
    """One page of published products with filters and sorting, plus the brand facet.

    Two queries whatever the page size: the page (with its total through a window
    function) and the brands available under the same scope (`listing_brands`). With
    `with_brands` False, the brands are left out (`brands` is None): the caller reads
    them, through a cache say, with `listing_brands`. (Search is shop.catalog.search.)
    """
    sort = filters.sort if filters.sort in SORTS else "featured"
    params = _scope_params(category_ids)
    shape = (category_ids is not None, bool(filters.brand),
             filters.min_price_cents is not None, filters.max_price_cents is not None,
             bool(filters.in_stock), sort)
    if filters.brand:
        params["brand"] = filters.brand
    if filters.min_price_cents is not None:
        params["min_price"] = filters.min_price_cents
    if filters.max_price_cents is not None:
        params["max_price"] = filters.max_price_cents
    params["limit"], params["offset"] = per_page, (filters.page - 1) * per_page

    rows = db.session.execute(_statement("listing", shape, _listing_statement),
                              params).mappings().all()
    total = rows[0]["total"] if rows else 0
    items = [_build(ProductCard, row) for row in rows]
    brands = listing_brands(category_ids) if with_brands else None
    return ListingPage(items=items, total=total, page=filters.page, per_page=per_page,
                       brands=brands)


def listing_brands(category_ids: list[int] | None = None) -> list[str]:
    """The brands of the published products in a listing's scope (one query); they change
    only when products do."""
    stmt = _statement("brands", (category_ids is not None,), _brands_statement)
    return _brand_list(db.session.execute(stmt, _scope_params(category_ids)).scalars())


def _featured_statement():
    page = (select(_P.c.id, _P.c.name).where(_P.c.status == "published",
                                            _P.c.featured.is_(True))
            .order_by(_P.c.name, _P.c.id).limit(bindparam("limit")).subquery("page"))
    return (select(*_CARD_COLUMNS, *_SUMMARY_COLUMNS)
            .select_from(page.join(_P, _P.c.id == page.c.id)
                         .join(_V, _V.c.product_id == page.c.id))
            .group_by(*_CARD_COLUMNS).order_by(_P.c.name, _P.c.id))


_FEATURED = _featured_statement()


def featured_products(limit: int = 8) -> list[ProductCard]:
    """Featured published products for the home page (one query)."""
    rows = db.session.execute(_FEATURED, {"limit": limit}).mappings()
    return [_build(ProductCard, row) for row in rows]


_PRODUCT_DETAIL = (
    select(_P.c.id, _P.c.slug, _P.c.name, _P.c.brand, _P.c.short_description,
           _P.c.long_description, _P.c.features, _P.c.meta_description, _P.c.image_path,
           _P.c.image_alt, _P.c.final_sale, _P.c.warranty_overrides, _P.c.updated_at,
           *(column.label(f"category_{column.name}") for column in _CATEGORY_COLUMNS),
           *(column.label(f"variant_{column.name}") for column in (
               _V.c.id, _V.c.sku, _V.c.option_name, _V.c.option_value, _V.c.price_cents,
               _V.c.compare_at_cents, _V.c.weight_g, _V.c.length_cm, _V.c.width_cm,
               _V.c.height_cm)),
           (_V.c.on_hand - _V.c.reserved).label("variant_available"))
    .join(_C, _C.c.id == _P.c.category_id)
    .outerjoin(_V, _V.c.product_id == _P.c.id)
    .where(_P.c.slug == bindparam("slug"), _P.c.status == "published")
    .order_by(_V.c.position, _V.c.id)
)


def product_detail(slug: str) -> ProductDetail | None:
    """A published product with its category and variants (one query), or None."""
    rows = db.session.execute(_PRODUCT_DETAIL, {"slug": slug}).mappings().all()
    if not rows:
        return None
    first = rows[0]
    return ProductDetail(
        id=first["id"], slug=first["slug"], name=first["name"], brand=first["brand"],
        short_description=first["short_description"],
        long_description=first["long_description"], features=list(first["features"] or []),
        meta_description=first["meta_description"], image_path=first["image_path"],
        image_alt=first["image_alt"], final_sale=first["final_sale"],
        warranty_overrides=dict(first["warranty_overrides"] or {}),
        updated_at=first["updated_at"],
        category=_build(CategoryInfo, first, prefix="category_"),
        variants=[_build(VariantInfo, row, prefix="variant_") for row in rows
                  if row["variant_id"] is not None],
    )


def sitemap_entries() -> tuple[list[tuple[str, object]], list[str]]:
    """Slugs and last-modified times of published products, and category slugs."""
    products = db.session.execute(
        select(Product.slug, Product.updated_at)
        .where(Product.status == "published").order_by(Product.id)
    ).all()
    categories = db.session.execute(select(Category.slug).order_by(Category.position)).scalars()
    return [tuple(p) for p in products], list(categories)


def available_by_product(variant_ids: list[int]) -> dict[str, dict[int, int]]:
    """For the products of `variant_ids`: each variant's available units (on hand less
    reserved), by product slug then variant id (one query)."""
    products = select(_V.c.product_id).where(_V.c.id.in_(variant_ids))
    rows = db.session.execute(
        select(_P.c.slug, _V.c.id, (_V.c.on_hand - _V.c.reserved).label("available"))
        .join(_P, _P.c.id == _V.c.product_id).where(_V.c.product_id.in_(products))).all()
    stock: dict[str, dict[int, int]] = {}
    for row in rows:
        stock.setdefault(row.slug, {})[row.id] = row.available
    return stock
