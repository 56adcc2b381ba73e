"""Product specifications: the attributes a category lists, each product's values in one
canonical unit per kind, shown in the shop's units (shop.rules.units), and the comparison
table of a category.

Kinds and what is stored: "mass" grams (int), "length" millimetres (to a tenth),
"size2" two millimetre lengths (length x width), "count" a whole number, "text" words.
A category names its attributes in `Category.spec_keys`; a product keeps its values in
`Product.specs` ({key: value}); a key without a value is shown as a dash in a comparison.
"""
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select

from shop.catalog.models import Category, Product, Variant
from shop.extensions import db
from shop.rules import units

MAX_TEXT = 80
MAX_COUNT = 10_000
COMPARE_LIMIT = 60  # products in one comparison table


def unit_system(config) -> str:
    """The shop's unit setting, SHOP_UNITS: "us" (the default) or "metric"."""
    system = config.get("SHOP_UNITS", "us")
    return system if system in units.UNIT_SYSTEMS else "us"


@dataclass(frozen=True)
class SpecAttribute:
    key: str
    label: str
    kind: str  # mass, length, size2, count, text


ATTRIBUTES = {a.key: a for a in (
    SpecAttribute("rated_load", "Rated load", "mass"),
    SpecAttribute("max_user_weight", "Maximum user weight", "mass"),
    SpecAttribute("footprint", "Footprint (length × width)", "size2"),
    SpecAttribute("height", "Height", "length"),
    SpecAttribute("product_weight", "Weight", "mass"),
    SpecAttribute("bar_diameter", "Bar diameter", "length"),
    SpecAttribute("pad_height", "Pad height", "length"),
    SpecAttribute("thickness", "Thickness", "length"),
    SpecAttribute("resistance_type", "Resistance type", "text"),
    SpecAttribute("resistance_levels", "Resistance levels", "count"),
    SpecAttribute("material", "Material", "text"),
)}


def attributes_for(spec_keys) -> list[SpecAttribute]:
    """A category's attributes in its order (unknown keys skipped)."""
    return [ATTRIBUTES[key] for key in spec_keys or () if key in ATTRIBUTES]


def format_value(attribute: SpecAttribute, value, system: str) -> str:
    """A stored value for shoppers: "1,000 lb (453.6 kg)", "Air"; "" when there is none."""
    if value in (None, "", []):
        return ""
    if attribute.kind == "mass":
        return units.format_mass(value, system)
    if attribute.kind == "length":
        return units.format_length(value, system)
    if attribute.kind == "size2":
        return units.format_lengths(tuple(value), system)
    if attribute.kind == "count":
        return f"{int(value):,}"
    return str(value)


def spec_rows(spec_keys, specs: dict, system: str) -> list[tuple[str, str]]:
    """(label, value) rows of a product's spec table: the category's attributes it has."""
    rows = []
    for attribute in attributes_for(spec_keys):
        text = format_value(attribute, (specs or {}).get(attribute.key), system)
        if text:
            rows.append((attribute.label, text))
    return rows


def input_unit(attribute: SpecAttribute, system: str) -> str:
    """The unit a back-office field for `attribute` is typed in ("" for words and counts)."""
    if attribute.kind == "mass":
        return units.mass_input_unit(system)
    if attribute.kind in ("length", "size2"):
        return units.length_input_unit(system)
    return ""


def show_value(attribute: SpecAttribute, value, system: str) -> str:
    """A stored value as the back-office field shows it, in `input_unit`."""
    if value in (None, "", []):
        return ""
    if attribute.kind == "mass":
        return units.show_mass(value, system)
    if attribute.kind == "length":
        return units.show_length(value, system)
    if attribute.kind == "size2":
        return " x ".join(units.show_length(v, system) for v in value)
    return str(value)


def parse_value(attribute: SpecAttribute, text: str, system: str):
    """The canonical value of a typed field, None when empty; ValueError for people."""
    text = (text or "").strip()
    if not text:
        return None
    if attribute.kind == "mass":
        return units.parse_mass(text, system)
    if attribute.kind == "length":
        return units.parse_length(text, system)
    if attribute.kind == "size2":
        return list(units.parse_lengths(text, system, 2))
    if attribute.kind == "count":
        if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_COUNT:
            raise ValueError(f"write a whole number from 1 to {MAX_COUNT:,}")
        return int(text)
    if len(text) > MAX_TEXT or "\x00" in text:
        raise ValueError(f"use at most {MAX_TEXT} characters")
    return text


# ---- the comparison table of a category ------------------------------------------------

@dataclass(frozen=True)
class ComparedProduct:
    slug: str
    name: str
    brand: str
    image_path: str
    image_alt: str
    price_from_cents: int
    price_to_cents: int
    available: int
    values: list[str]  # one per compared attribute, "" when the product has none


@dataclass(frozen=True)
class Comparison:
    attributes: list[SpecAttribute]
    products: list[ComparedProduct]


_P, _V, _C = Product.__table__, Variant.__table__, Category.__table__
_SUMMARY = (
    select(_V.c.product_id, func.min(_V.c.price_cents).label("price_from"),
           func.max(_V.c.price_cents).label("price_to"),
           func.sum(_V.c.on_hand - _V.c.reserved).label("available"))
    .group_by(_V.c.product_id).subquery("summary")
)
_COMPARE = (
    select(_P.c.slug, _P.c.name, _P.c.brand, _P.c.image_path, _P.c.image_alt, _P.c.specs,
           _SUMMARY.c.price_from, _SUMMARY.c.price_to, _SUMMARY.c.available,
           select(_C.c.spec_keys).where(_C.c.id == bindparam("category_id"))
           .scalar_subquery().label("spec_keys"))
    .join(_SUMMARY, _SUMMARY.c.product_id == _P.c.id)
    .where(_P.c.status == "published",
           _P.c.category_id.in_(bindparam("category_ids", expanding=True)))
    .order_by(_P.c.name, _P.c.id)
    .limit(COMPARE_LIMIT)
)


def comparison(category_id: int, category_ids: list[int], system: str) -> Comparison:
    """The published products of a category (and its children) side by side on the
    category's attributes, with their prices and stock (one query)."""
    rows = db.session.execute(_COMPARE, {"category_id": category_id,
                                         "category_ids": category_ids}).mappings().all()
    attributes = attributes_for(rows[0]["spec_keys"] if rows else ())
    products = [ComparedProduct(
        slug=row["slug"], name=row["name"], brand=row["brand"], image_path=row["image_path"],
        image_alt=row["image_alt"], price_from_cents=row["price_from"],
        price_to_cents=row["price_to"], available=row["available"],
        values=[format_value(a, (row["specs"] or {}).get(a.key), system) for a in attributes],
    ) for row in rows]
    return Comparison(attributes, products)
