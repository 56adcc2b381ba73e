"""The back office's product list: search, filters and pages, drafts included."""
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from shop.catalog.models import Category, Product, Variant
from shop.catalog.search import MAX_WORDS
from shop.extensions import db
from shop.pagination import PAGE_SIZE, Page, page_count


@dataclass(frozen=True)
class ProductFilters:
    q: str = ""
    category_ids: tuple[int, ...] | None = None
    status: str = ""
    brand: str = ""
    page: int = 1


@dataclass(frozen=True)
class ProductRow:
    id: int
    slug: str
    name: str
    brand: str
    status: str
    featured: bool
    category_name: str
    variant_count: int
    price_from_cents: int | None
    price_to_cents: int | None
    available: int | None


@dataclass(frozen=True)
class ProductPage(Page):
    """A page of ProductRow, with every brand for the filter."""
    brands: list[str]


def _product_row(row) -> ProductRow:
    """A ProductRow from a row of `product_page`'s query, by column label."""
    return ProductRow(id=row["id"], slug=row["slug"], name=row["name"], brand=row["brand"],
                      status=row["status"], featured=row["featured"],
                      category_name=row["category_name"], variant_count=row["variant_count"],
                      price_from_cents=row["price_from"], price_to_cents=row["price_to"],
                      available=row["available"])


def product_page(filters: ProductFilters, per_page: int = PAGE_SIZE) -> ProductPage:
    """One page of products, drafts included, and every brand: two queries."""
    summary = (
        select(Variant.product_id.label("product_id"),
               func.count(Variant.id).label("variant_count"),
               func.min(Variant.price_cents).label("price_from"),
               func.max(Variant.price_cents).label("price_to"),
               func.sum(Variant.on_hand - Variant.reserved).label("available"))
        .group_by(Variant.product_id).subquery("variant_summary"))
    conditions = []
    for term in filters.q.split()[:MAX_WORDS]:
        term = term.lower()
        sku_hit = select(Variant.product_id).where(
            func.lower(Variant.sku).contains(term, autoescape=True))
        conditions.append(or_(func.lower(Product.name).contains(term, autoescape=True),
                              func.lower(Product.brand).contains(term, autoescape=True),
                              Product.id.in_(sku_hit)))
    if filters.category_ids is not None:
        conditions.append(Product.category_id.in_(filters.category_ids))
    if filters.status:
        conditions.append(Product.status == filters.status)
    if filters.brand:
        conditions.append(Product.brand == filters.brand)
    rows = db.session.execute(
        select(Product.id, Product.slug, Product.name, Product.brand, Product.status,
               Product.featured, Category.name.label("category_name"),
               func.coalesce(summary.c.variant_count, 0).label("variant_count"),
               summary.c.price_from, summary.c.price_to, summary.c.available,
               func.count().over().label("total"))
        .join(Category, Category.id == Product.category_id)
        .outerjoin(summary, summary.c.product_id == Product.id)
        .where(*conditions)
        .order_by(Product.name, Product.id)
        .limit(per_page).offset((filters.page - 1) * per_page)
    ).mappings().all()
    brands = db.session.scalars(
        select(Product.brand).distinct().where(Product.brand != "").order_by(Product.brand)).all()
    total = rows[0]["total"] if rows else 0
    return ProductPage(rows=[_product_row(row) for row in rows], page=filters.page,
                       pages=page_count(total, per_page), total=total, brands=list(brands))


def category_options(categories) -> list[tuple[int, str]]:
    """(id, label) for a category select: each top shelf followed by its children."""
    options = []
    for top in (c for c in categories if c.parent_id is None):
        options.append((top.id, top.name))
        options.extend((c.id, f"{top.name} › {c.name}")
                       for c in categories if c.parent_id == top.id)
    return options


def category_and_children(category_id: int, categories) -> tuple[int, ...]:
    return (category_id,) + tuple(c.id for c in categories if c.parent_id == category_id)
