"""Load the demo catalog once: running it again changes nothing."""
from sqlalchemy import select

from shop.catalog import demo_data
from shop.catalog.copy_review import blocking, product_facts, review_copy
from shop.catalog.models import Category, Product, StockMovement, Variant
from shop.extensions import db
from shop.web_cache import versions


class BlockedCopy(Exception):
    """Demo copy that the claims checker refuses to publish."""


def _copy_fields(spec: dict) -> dict:
    return {
        "name": spec["name"], "short_description": spec["short"],
        "long_description": spec["long"], "features": spec["features"],
        "meta_description": spec.get("meta", spec["short"]),
    }


def check_demo_copy(products=None) -> list[str]:
    """Blocking findings in the demo copy, as readable lines (empty when clean)."""
    problems = []
    kinds = {slug: kind for slug, _, _, kind, _, _ in demo_data.CATEGORIES}
    for spec in products or demo_data.PRODUCTS:
        facts = product_facts(kinds.get(spec["category"], ""))
        for f in blocking(review_copy(_copy_fields(spec), facts)):
            problems.append(f"{spec['slug']} {f.field}: {f.text!r}: {f.reason}")
    return problems


def seed_demo(products=None, categories=None) -> dict:
    """Create missing demo categories, products and variants; existing rows are left alone.

    Returns how many of each were created. Stock enters through the ledger.
    Refuses (BlockedCopy) before writing anything if any copy would be blocked.
    """
    products = demo_data.PRODUCTS if products is None else products
    categories = demo_data.CATEGORIES if categories is None else categories
    problems = check_demo_copy(products)
    if problems:
        raise BlockedCopy("\n".join(problems))

    created = {"categories": 0, "products": 0, "variants": 0}
    by_slug = {c.slug: c for c in db.session.scalars(select(Category))}
    for position, (slug, name, parent, kind, featured, description) in enumerate(categories):
        if slug in by_slug:
            continue
        category = Category(slug=slug, name=name, parent=by_slug.get(parent), position=position,
                            warranty_kind=kind, featured=featured, description=description,
                            image_path=f"img/demo/{slug}.svg")
        db.session.add(category)
        by_slug[slug] = category
        created["categories"] += 1

    existing_products = set(db.session.scalars(select(Product.slug)))
    existing_skus = set(db.session.scalars(select(Variant.sku)))
    for spec in products:
        if spec["slug"] in existing_products:
            continue
        category = by_slug[spec["category"]]
        product = Product(
            slug=spec["slug"], name=spec["name"], brand=spec["brand"], category=category,
            short_description=spec["short"], long_description=spec["long"],
            features=list(spec["features"]), meta_description=spec.get("meta", spec["short"]),
            image_path=f"img/demo/{spec['category']}.svg",
            image_alt=f"Illustration of the {spec['name']}",
            status="published", featured=spec.get("featured", False),
        )
        db.session.add(product)
        created["products"] += 1
        for position, v in enumerate(spec["variants"]):
            if v["sku"] in existing_skus:
                continue
            variant = Variant(product=product, position=position, reserved=0, **v)
            db.session.add(variant)
            if v["on_hand"]:
                db.session.add(StockMovement(variant=variant, delta=v["on_hand"],
                                             reason="initial", actor="seed-demo",
                                             note="Demo catalog opening stock"))
            created["variants"] += 1
    db.session.commit()
    versions.catalog_changed()
    return created
