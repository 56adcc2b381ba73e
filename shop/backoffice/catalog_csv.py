"""Catalog CSV: export one row per variant, and import the same format in two steps.

`preview_import(data, uploader_id)` reads the file (csv_format), keeps it in the database under its
digest (csv_uploads) and plans every row against the catalog without writing to it:
per-row errors, and what would be created or updated. `apply_import(upload, digest, ...)`
loads that stored file, plans again and, only when that plan is clean and is the one the
manager previewed, writes all of it in one transaction, once. Stock on hand is never
touched (new variants start at 0), and products go live only when their row says
published and their copy passes the claims checker.
"""
import csv
import hashlib
import io
import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from shop.accounts.service import record
from shop.backoffice import csv_uploads
from shop.backoffice.catalog_forms import DIMENSION_CM, LOW_STOCK, SKU_RE, SLUG_RE, WEIGHT_G
from shop.backoffice.catalog_service import (review_product_copy, set_status, write_product,
                                             write_variant)
from shop.backoffice.csv_format import COLUMNS, VARIANT_COLUMNS, decode, normalise, read_rows
from shop.backoffice.spreadsheet import safe_cell
from shop.catalog.forms import dollars_to_cents
from shop.catalog.models import PRODUCT_STATUSES, Category, Product, Variant
from shop.extensions import db
from shop.rules.money import format_plain
from shop.web_cache import versions

# ---- export -----------------------------------------------------------------------------

def export_csv() -> str:
    """Every product, one row per variant (a product without variants gets one row)."""
    rows = db.session.execute(
        select(Product.slug, Product.name, Product.brand, Category.slug, Product.status,
               Product.short_description, Variant.sku, Variant.option_name,
               Variant.option_value, Variant.price_cents, Variant.compare_at_cents,
               Variant.weight_g, Variant.length_cm, Variant.width_cm, Variant.height_cm,
               Variant.low_stock_threshold)
        .join(Category, Category.id == Product.category_id)
        .outerjoin(Variant, Variant.product_id == Product.id)
        .order_by(Product.slug, Variant.position, Variant.id)).all()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        cells = list(row)
        cells[9], cells[10] = format_plain(row[9]), format_plain(row[10])
        writer.writerow([safe_cell(cell) for cell in cells])
    # The byte-order mark tells spreadsheets the file is UTF-8; the import accepts it.
    return "\ufeff" + out.getvalue()


# ---- planning -----------------------------------------------------------------------------

@dataclass
class RowPlan:
    """What one row does; `product_action` is empty on later rows of the same product."""
    number: int
    product_slug: str
    sku: str
    product_action: str = ""  # create, update or unchanged
    product_changes: dict = field(default_factory=dict)  # column -> [before, after]
    variant_action: str = ""  # create, update, unchanged, or empty: no variant on the row
    variant_changes: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    # What to write (values, and the rows they change) when the plan is applied.
    product_values: dict | None = None
    status: str = ""
    variant_values: dict | None = None
    product: Product | None = None
    variant: Variant | None = None


@dataclass
class ImportPlan:
    text: str
    rows: list
    ignored_columns: list
    needs_review: bool = False
    upload: str = ""  # the stored file's digest (csv_uploads), which the apply form posts

    @property
    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)

    @property
    def error_count(self) -> int:
        return sum(len(row.errors) for row in self.rows)

    def count(self, kind: str, action: str) -> int:
        return sum(getattr(row, f"{kind}_action") == action for row in self.rows)

    @property
    def digest(self) -> str:
        """Names this file and what it would do now; apply refuses when either changed."""
        actions = [(r.number, r.product_slug, r.sku, r.product_action, r.product_changes,
                    r.variant_action, r.variant_changes, r.status) for r in self.rows]
        payload = json.dumps([self.text, actions], sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()


def _text(cells, name, max_length, errors, required=False) -> str:
    value = cells[name]
    if required and not value:
        errors.append(f"{name}: missing.")
    elif len(value) > max_length:
        errors.append(f"{name}: longer than {max_length} characters.")
    return value


def _cents(cells, name, errors, required=False) -> int | None:
    if not cells[name]:
        if required:
            errors.append(f"{name}: missing.")
        return None
    try:
        return dollars_to_cents(cells[name])
    except ValueError as error:
        errors.append(f"{name}: {cells[name]!r} {error}.")
        return None


def _whole(cells, name, bounds, errors, required=True) -> int | None:
    value, (low, high) = cells[name], bounds
    if not value:
        if required:
            errors.append(f"{name}: missing.")
        return None
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        errors.append(f"{name}: {value!r} must be a whole number from {low:,} to {high:,}.")
        return None
    return int(value)


def _product_values(cells, categories, errors) -> dict:
    slug = _text(cells, "product_slug", 120, errors, required=True)
    if slug and not SLUG_RE.match(slug):
        errors.append(f"product_slug: {slug!r} must use lowercase letters, digits and single "
                      "hyphens.")
    values = {"slug": slug, "name": _text(cells, "name", 160, errors, required=True),
              "brand": _text(cells, "brand", 80, errors),
              "short_description": _text(cells, "short_description", 300, errors)}
    category = cells["category_slug"]
    if not category:
        errors.append("category_slug: missing.")
    elif category not in categories:
        errors.append(f"category_slug: there is no category {category!r}.")
    values["category_id"] = categories.get(category)
    if cells["status"] not in PRODUCT_STATUSES:
        errors.append(f"status: {cells['status']!r} must be draft or published.")
    return values


def _variant_values(cells, errors) -> dict | None:
    if not any(cells[name] for name in VARIANT_COLUMNS):
        return None  # a product row without a variant
    sku = _text(cells, "sku", 64, errors, required=True)
    if sku and not SKU_RE.match(sku):
        errors.append(f"sku: {sku!r} may only use letters, digits, dots, hyphens and "
                      "underscores.")
    values = {"sku": sku, "option_name": _text(cells, "option_name", 40, errors),
              "option_value": _text(cells, "option_value", 80, errors),
              "price_cents": _cents(cells, "price", errors, required=True),
              "compare_at_cents": _cents(cells, "compare_at", errors),
              "weight_g": _whole(cells, "weight_g", WEIGHT_G, errors)}
    for name in ("length_cm", "width_cm", "height_cm"):
        values[name] = _whole(cells, name, DIMENSION_CM, errors)
    threshold = _whole(cells, "low_stock_threshold", LOW_STOCK, errors, required=False)
    if threshold is not None:
        values["low_stock_threshold"] = threshold  # empty keeps what is there (3 if new)
    if values["compare_at_cents"] is not None and values["price_cents"] is not None \
            and values["compare_at_cents"] <= values["price_cents"]:
        errors.append("compare_at: must be higher than the price, or empty.")
    return values


def _changes(entity, values: dict) -> dict:
    return {key: [getattr(entity, key), value] for key, value in values.items()
            if getattr(entity, key) != value}


def _finding_text(finding) -> str:
    return f"{finding.field}: “{finding.text}” {finding.reason}. {finding.suggestion}"


def plan_import(text: str, rows: list, ignored_columns: list) -> ImportPlan:
    """Check every row against the catalog and say what it would do; writes nothing."""
    categories = dict(db.session.execute(select(Category.slug, Category.id)).all())
    category_slugs = {id_: slug for slug, id_ in categories.items()}
    slugs = {row.cells["product_slug"] for row in rows}
    products = {p.slug: p for p in db.session.scalars(
        select(Product).where(Product.slug.in_(slugs)).options(selectinload(Product.variants)))}
    sku_owner = {sku.lower(): slug for sku, slug in db.session.execute(
        select(Variant.sku, Product.slug).join(Product, Product.id == Variant.product_id))}

    plan = ImportPlan(text=text, rows=[], ignored_columns=ignored_columns)
    first_rows: dict[str, RowPlan] = {}  # product slug -> its first row
    variant_rows: dict[str, list] = {}  # product slug -> rows with a variant
    sku_rows: dict[str, int] = {}
    for row in rows:
        cells = row.cells
        step = RowPlan(row.number, cells["product_slug"], cells["sku"], status=cells["status"])
        plan.rows.append(step)
        if row.extra_cells:
            step.errors.append("the row has more cells than the header has columns.")
        values = _product_values(cells, categories, step.errors)
        variant = _variant_values(cells, step.errors)
        if variant and variant["sku"]:
            key = variant["sku"].lower()
            if key in sku_rows:
                step.errors.append(f"sku: {variant['sku']} is also on row {sku_rows[key]}.")
            sku_rows.setdefault(key, row.number)
            owner = sku_owner.get(key)
            if owner is not None and owner != values["slug"]:
                step.errors.append(f"sku: {variant['sku']} belongs to product {owner}.")
        if step.errors:
            continue

        first = first_rows.get(values["slug"])
        if first is not None:
            differ = [name for name in ("name", "brand", "category_id", "short_description")
                      if first.product_values[name] != values[name]]
            if first.status != step.status:
                differ.append("status")
            if differ:
                names = ", ".join("category_slug" if n == "category_id" else n for n in differ)
                step.errors.append(f"{names} differ from row {first.number} of the same "
                                   "product.")
        else:
            first_rows[values["slug"]] = step
            step.product_values = values
            step.product = products.get(values["slug"])
            if step.product is None:
                step.product_action = "create"
            else:
                step.product_changes = _changes(step.product, values)
                if step.product.status != step.status:
                    step.product_changes["status"] = [step.product.status, step.status]
                step.product_action = "update" if step.product_changes else "unchanged"
            if "category_id" in step.product_changes:
                step.product_changes["category_slug"] = [
                    category_slugs.get(v) for v in step.product_changes.pop("category_id")]

        if variant is not None:
            product = products.get(values["slug"])
            step.variant = next((v for v in (product.variants if product else [])
                                 if v.sku.lower() == variant["sku"].lower()), None)
            step.variant_values = variant
            if step.variant is None:
                step.variant_action = "create"
            else:
                step.variant_changes = _changes(step.variant, variant)
                step.variant_action = "update" if step.variant_changes else "unchanged"
            variant_rows.setdefault(values["slug"], []).append(step)

    for slug, first in first_rows.items():
        _check_copy(plan, first, variant_rows.get(slug, []))
    return plan


def _check_copy(plan: ImportPlan, first: RowPlan, variant_rows: list) -> None:
    """Copy that goes live must pass the claims checker; copy saved as a draft too, if new."""
    product, values = first.product, first.product_values
    stored = {name: getattr(product, name) for name in (
        "long_description", "features", "meta_description", "image_alt",
        "warranty_overrides")} if product else {}
    if first.status == "published":
        if not variant_rows and not (product and product.variants):
            first.errors.append("status: a published product needs at least one variant.")
        findings = review_product_copy({**stored, **values})
    elif product is None or {"name", "short_description"} & set(first.product_changes):
        findings = review_product_copy(
            {**values, "warranty_overrides": stored.get("warranty_overrides")})
    else:
        return
    for finding in findings:
        if finding.severity == "block":
            first.errors.append("Blocked wording in " + _finding_text(finding))
        else:
            first.notes.append("Flagged for review in " + _finding_text(finding))
            plan.needs_review = plan.needs_review or first.status == "published"


def preview_import(data: bytes, uploader_id: int) -> ImportPlan:
    """Read an uploaded file, keep it for the apply step and plan it (CsvError if unusable)."""
    text = normalise(decode(data))
    rows, ignored_columns = read_rows(text)
    upload = csv_uploads.keep(text, uploader_id)
    plan = plan_import(text, rows, ignored_columns)
    plan.upload = upload
    return plan


# ---- applying -----------------------------------------------------------------------------

class ImportRefused(Exception):
    """The import was not applied; `plan` is the fresh preview to show, `stale` if it changed."""

    def __init__(self, message: str, plan: ImportPlan, stale: bool = False):
        super().__init__(message)
        self.plan = plan
        self.stale = stale


def apply_import(upload: str, digest: str, uploader_id: int, actor: str,
                 reviewed: bool) -> ImportPlan:
    """Write a stored, previewed file in one transaction: everything, or nothing if any row
    fails; csv_uploads.UploadRefused when the file is gone, not this manager's, or applied."""
    text = csv_uploads.load(upload, uploader_id)
    plan = plan_import(text, *read_rows(text))
    plan.upload = upload
    if plan.has_errors:
        raise ImportRefused("Nothing was imported: fix the rows marked below and upload the "
                            "file again.", plan)
    if plan.digest != digest:
        raise ImportRefused("The catalog changed since the preview, so nothing was imported. "
                            "Check the preview below and apply it again.", plan, stale=True)
    if plan.needs_review and not reviewed:
        raise ImportRefused("Some wording going live is flagged for review: read the notes, "
                            "then tick “I reviewed the flagged wording”.", plan)
    try:
        csv_uploads.claim(upload, uploader_id)
        _write(plan, actor)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ImportRefused("Someone changed the same products while this file was imported, "
                            "so nothing was imported. Preview the file again.",
                            plan, stale=True) from None
    except BaseException:
        db.session.rollback()
        raise
    versions.catalog_changed()
    return plan


def _write(plan: ImportPlan, actor: str) -> None:
    written: dict[str, Product] = {}
    for step in plan.rows:
        if step.product_values is not None:
            product = step.product
            if step.product_action != "unchanged":
                product = write_product(product, step.product_values, actor)
            written[step.product_slug] = product
        if step.variant_values is not None and step.variant_action != "unchanged":
            write_variant(step.variant, written[step.product_slug], step.variant_values, actor)
    for step in plan.rows:
        if step.product_values is not None:
            set_status(written[step.product_slug], step.status, actor)
    record(actor, "catalog_imported", "product", "", after={
        kind: {action: plan.count(kind, action) for action in ("create", "update")}
        for kind in ("product", "variant")})
