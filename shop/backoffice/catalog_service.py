"""Back-office catalog use cases: products, variants and categories, with their audit rows.

Each public use case is one transaction: it checks everything first, then writes, records
who did what in the audit log and commits once, or changes nothing. The `write_*` and
`set_status` helpers work inside the caller's transaction; the CSV import shares them.
"""
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from shop.accounts.service import record
from shop.catalog.copy_review import (FieldFinding, blocking, product_facts, review_copy,
                                      review_customer_text)
from shop.catalog.models import Category, Product, Variant
from shop.extensions import db
from shop.web_cache import versions

PRICE_FIELDS = ("price_cents", "compare_at_cents")
MAX_ID = 2**31 - 1  # ids beyond a PostgreSQL integer cannot exist (and would raise)


class CatalogError(Exception):
    """A change that cannot be made; the message is for the manager, `field` says where."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class CopyRefused(CatalogError):
    """Copy that may not go live (yet); `findings` say which wording and why."""

    def __init__(self, message: str, findings: list[FieldFinding]):
        super().__init__(message)
        self.findings = findings


# ---- copy review ----------------------------------------------------------------------

def review_product_copy(values: dict) -> list[FieldFinding]:
    """Claims-checker findings for every piece of a product's copy, alt text included.

    Promises are checked against this product's warranty: its category's terms (from
    `category_id`) with its `warranty_overrides`.
    """
    category = db.session.get(Category, values.get("category_id") or 0)
    facts = product_facts(category.warranty_kind if category else "",
                          values.get("warranty_overrides"))
    return review_copy(values, facts) + review_text("image_alt", values.get("image_alt", ""),
                                                    facts)


def review_text(field: str, text: str, facts=None) -> list[FieldFinding]:
    """Findings for one piece of copy the product checker does not list by name."""
    return [replace(f, field=field) for f in review_copy({"name": text}, facts)]


def publish_refusal(findings: list[FieldFinding], reviewed: bool) -> str | None:
    """Why this copy may not go live, or None when it may."""
    if blocking(findings):
        return "the marked wording makes claims the shop does not allow; change it first."
    if any(f.severity == "review" for f in findings) and not reviewed:
        return ("some wording is flagged for review: read the notes by each field, then tick "
                "“I reviewed the flagged wording”.")
    return None


# ---- write helpers (inside the caller's transaction) -----------------------------------

def _assign(entity, values: dict) -> tuple[dict, dict]:
    """Set changed attributes; return (before, after) of what changed."""
    before, after = {}, {}
    for key, value in values.items():
        old = getattr(entity, key)
        if old != value:
            before[key], after[key] = old, value
            setattr(entity, key, value)
    return before, after


def write_product(product: Product | None, values: dict, actor: str) -> Product:
    """Create a draft (product None) or change one, with its audit row; status stays."""
    if product is None:
        product = Product(status="draft", **values)
        db.session.add(product)
        db.session.flush()
        record(actor, "product_created", "product", product.id, after=values)
        return product
    before, after = _assign(product, values)
    if after:
        record(actor, "product_updated", "product", product.id, before=before, after=after)
    return product


def set_status(product: Product, status: str, actor: str) -> None:
    if product.status != status:
        action = "product_published" if status == "published" else "product_unpublished"
        record(actor, action, "product", product.id, before={"status": product.status},
               after={"status": status})
        product.status = status


def write_variant(variant: Variant | None, product: Product, values: dict, actor: str) -> Variant:
    """Create a variant (with no stock) or change one; prices get their own audit row."""
    if variant is None:
        position = max((v.position for v in product.variants), default=-1) + 1
        variant = Variant(product=product, position=position, on_hand=0, reserved=0, **values)
        db.session.add(variant)
        db.session.flush()
        record(actor, "variant_created", "variant", variant.id,
               after={"product": product.slug, **values})
        return variant
    before, after = _assign(variant, values)
    prices = [key for key in after if key in PRICE_FIELDS]
    others = [key for key in after if key not in PRICE_FIELDS]
    if prices:
        record(actor, "variant_price_changed", "variant", variant.id,
               before={k: before[k] for k in prices}, after={k: after[k] for k in prices},
               note=variant.sku)
    if others:
        record(actor, "variant_updated", "variant", variant.id,
               before={k: before[k] for k in others}, after={k: after[k] for k in others},
               note=variant.sku)
    return variant


def _commit(message: str, field: str) -> None:
    """Commit, then have the shop's pages rendered afresh; a unique constraint another
    request won meanwhile becomes a CatalogError."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise CatalogError(message, field) from None
    versions.catalog_changed()


# ---- products ---------------------------------------------------------------------------

def get_product(product_id: int) -> Product | None:
    if not 0 < product_id <= MAX_ID:
        return None
    return db.session.get(Product, product_id, options=[
        joinedload(Product.category), selectinload(Product.variants)])


def _check_product(values: dict, product_id: int | None = None) -> None:
    taken = db.session.execute(select(Product.id, Product.name).where(
        Product.slug == values["slug"], Product.id != (product_id or 0))).first()
    if taken:
        raise CatalogError(f"The slug {values['slug']} is already used by {taken.name}.", "slug")
    if db.session.get(Category, values["category_id"]) is None:
        raise CatalogError("Choose a category.", "category_id")


def create_product(values: dict, actor: str) -> Product:
    """A new draft product; copy findings do not stop a draft."""
    _check_product(values)
    product = write_product(None, values, actor)
    _commit(f"The slug {values['slug']} was just taken.", "slug")
    return product


def update_product(product_id: int, values: dict, actor: str, action: str = "save",
                   reviewed: bool = False) -> Product:
    """Save a product's fields; `action` "publish" or "unpublish" also changes its status.

    Copy that is (or stays) live must pass the claims checker: no blocking finding, and
    findings to review only when the manager ticked that they reviewed them. Refused
    changes write nothing.
    """
    product = get_product(product_id)
    if product is None:
        raise LookupError(product_id)
    _check_product(values, product.id)
    status = {"publish": "published", "unpublish": "draft"}.get(action, product.status)
    if status == "published":
        findings = review_product_copy(values)
        refusal = publish_refusal(findings, reviewed)
        if refusal:
            raise CopyRefused(("Not published: " if action == "publish" else
                               "Not saved, because this product is live: ") + refusal, findings)
        if not product.variants:
            raise CatalogError("Add at least one variant before publishing.")
    write_product(product, values, actor)
    set_status(product, status, actor)
    _commit(f"The slug {values['slug']} was just taken.", "slug")
    return product


# ---- variants -----------------------------------------------------------------------------

def get_variant(product_id: int, variant_id: int) -> Variant | None:
    variant = db.session.get(Variant, variant_id) if 0 < variant_id <= MAX_ID else None
    return variant if variant is not None and variant.product_id == product_id else None


def _check_sku(sku: str, variant_id: int | None = None) -> None:
    """SKUs are unique whatever their letter case."""
    taken = db.session.execute(
        select(Variant.sku, Product.name).join(Product, Product.id == Variant.product_id)
        .where(func.lower(Variant.sku) == sku.lower(), Variant.id != (variant_id or 0))).first()
    if taken:
        raise CatalogError(f"SKU {taken.sku} is already used by {taken.name}.", "sku")


def create_variant(product_id: int, values: dict, actor: str) -> Variant:
    product = get_product(product_id)
    if product is None:
        raise LookupError(product_id)
    _check_sku(values["sku"])
    variant = write_variant(None, product, values, actor)
    _commit(f"SKU {values['sku']} is already used by another product.", "sku")
    return variant


def update_variant(product_id: int, variant_id: int, values: dict, actor: str) -> Variant:
    variant = get_variant(product_id, variant_id)
    if variant is None:
        raise LookupError(variant_id)
    _check_sku(values["sku"], variant.id)
    write_variant(variant, variant.product, values, actor)
    _commit(f"SKU {values['sku']} is already used by another product.", "sku")
    return variant


# ---- categories ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CategoryRow:
    id: int
    slug: str
    name: str
    parent_id: int | None
    warranty_kind: str
    featured: bool
    position: int
    product_count: int


def get_category(category_id: int) -> Category | None:
    return db.session.get(Category, category_id) if 0 < category_id <= MAX_ID else None


def category_rows() -> list[CategoryRow]:
    """Every category with its number of products (one query)."""
    rows = db.session.execute(
        select(Category.id, Category.slug, Category.name, Category.parent_id,
               Category.warranty_kind, Category.featured, Category.position,
               func.count(Product.id).label("product_count"))
        .outerjoin(Product, Product.category_id == Category.id)
        .group_by(Category.id).order_by(Category.position, Category.name)).mappings()
    return [CategoryRow(**row) for row in rows]  # columns labelled by field name


def review_category_copy(values: dict) -> list[FieldFinding]:
    """Claims-checker findings for a category's name and description; promises are checked
    against the category's own warranty terms (`warranty_kind`)."""
    facts = product_facts(values.get("warranty_kind", ""))
    return (review_customer_text("name", values["name"], facts)
            + review_customer_text("description", values["description"], facts))


def _check_category(values: dict, category: Category | None, reviewed: bool) -> None:
    taken = db.session.scalar(select(Category.name).where(
        Category.slug == values["slug"], Category.id != (category.id if category else 0)))
    if taken:
        raise CatalogError(f"The slug {values['slug']} is already used by {taken}.", "slug")
    if values["parent_id"] is not None:
        parent = db.session.get(Category, values["parent_id"])
        if parent is None or parent.parent_id is not None or parent is category:
            raise CatalogError("Choose a top-level category as the parent.", "parent_id")
        if category is not None and category.children:
            raise CatalogError("This category has its own sub-categories, so it stays at the "
                               "top level.", "parent_id")
    # Categories are always on show, so their copy passes the same gate as published copy.
    findings = review_category_copy(values)
    refusal = publish_refusal(findings, reviewed)
    if refusal:
        raise CopyRefused("Not saved, because categories are always on show: " + refusal,
                          findings)


def create_category(values: dict, actor: str, reviewed: bool = False) -> Category:
    _check_category(values, None, reviewed)
    category = Category(**values)
    db.session.add(category)
    db.session.flush()
    record(actor, "category_created", "category", category.id, after=values)
    _commit(f"The slug {values['slug']} was just taken.", "slug")
    return category


def update_category(category_id: int, values: dict, actor: str,
                    reviewed: bool = False) -> Category:
    category = get_category(category_id)
    if category is None:
        raise LookupError(category_id)
    _check_category(values, category, reviewed)
    before, after = _assign(category, values)
    if after:
        record(actor, "category_updated", "category", category.id, before=before, after=after)
    _commit(f"The slug {values['slug']} was just taken.", "slug")
    return category
