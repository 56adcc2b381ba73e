"""Load the demo catalog once: running it again changes nothing.

Besides rows it draws each demo product's pictures (shop.catalog.demo_pictures) into
UPLOAD_DIR under names made from the product and the drawing, so a second run, or a
second machine sharing the directory, finds them there. Demo products loaded before
pictures, specifications and warranty parts existed get them filled in, once, while they
still have none of their own.
"""
import hashlib

from flask import current_app
from sqlalchemy import select

from shop.catalog import demo_data, demo_pictures, images
from shop.catalog.copy_review import blocking, product_facts, review_copy
from shop.catalog.media import card_image_path
from shop.catalog.models import Category, Product, ProductImage, StockMovement, Variant
from shop.extensions import db
from shop.web_cache import versions

COLOUR_OPTIONS = ("colour", "color", "upholstery")
DEMO_WIDTH = 640  # demo pictures are drawn at 800 x 600 and stored from 640 px down


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
        facts = product_facts(kinds.get(spec["category"], ""), spec.get("warranty"))
        for f in blocking(review_copy(_copy_fields(spec), facts)):
            problems.append(f"{spec['slug']} {f.field}: {f.text!r}: {f.reason}")
    return problems


def _store_picture(upload_dir, name: str, image) -> images.StoredImage:
    """A demo picture's files, named after the product and the drawing's own digest (a
    changed drawing gets new files); resized and written only when not on disk yet."""
    small = image.resize((DEMO_WIDTH, round(image.height * DEMO_WIDTH / image.width)))
    stem = f"{name}-{hashlib.sha256(small.tobytes()).hexdigest()[:12]}"
    widths = images.rendition_widths(small.width)
    stored = images.StoredImage(stem, widths, small.width, small.height)
    return stored if images.exists(upload_dir, stored) else images.store(small, upload_dir, stem)


def _add_pictures(product: Product, spec: dict, upload_dir) -> int:
    """Draw a product's demo pictures: two of the product, one per colour variant."""
    pictures = []
    for view in (0, 1):
        drawing = demo_pictures.draw(spec["slug"], spec["category"], spec["name"],
                                     spec["brand"], view=view)
        alt = f"Drawing of the {spec['name']}" + (", from the other side" if view else "")
        pictures.append((None, f"demo/{spec['slug']}-{view + 1}", drawing, alt))
    for variant in product.variants:
        if variant.option_name.casefold() in COLOUR_OPTIONS:
            drawing = demo_pictures.draw(spec["slug"], spec["category"], spec["name"],
                                         spec["brand"], colour=variant.option_value)
            pictures.append((variant, f"demo/{variant.sku.lower()}", drawing,
                             f"Drawing of the {spec['name']} in {variant.option_value}"))
    for position, (variant, stem, drawing, alt) in enumerate(pictures):
        stored = _store_picture(upload_dir, stem, drawing)
        db.session.add(ProductImage(product=product, variant_id=variant.id if variant else None,
                                    position=position, stem=stored.stem, widths=stored.widths,
                                    width=stored.width, height=stored.height, alt=alt))
        if position == 0:
            product.image_path = card_image_path(stored.stem, stored.widths)
            product.image_alt = alt
    return len(pictures)


def _fill_in_demo_product(product: Product, spec: dict, has_pictures: bool,
                          upload_dir) -> int:
    """Pictures, specifications and warranty parts for a demo product that has none."""
    changed = 0
    if spec.get("warranty") and not product.warranty_overrides:
        product.warranty_overrides = dict(spec["warranty"])
        changed += 1
    if demo_data.SPECS.get(spec["slug"]) and not product.specs:
        product.specs = dict(demo_data.SPECS[spec["slug"]])
        changed += 1
    if not has_pictures and product.image_path == f"img/demo/{spec['category']}.svg":
        db.session.flush()  # variant ids for the pictures of colour variants
        changed += _add_pictures(product, spec, upload_dir)
    return changed


def seed_demo(products=None, categories=None, upload_dir=None) -> dict:
    """Create missing demo categories, products and variants; existing rows are left alone.

    Returns how many of each were created. Stock enters through the ledger.
    Refuses (BlockedCopy) before writing anything if any copy would be blocked.
    """
    products = demo_data.PRODUCTS if products is None else products
    categories = demo_data.CATEGORIES if categories is None else categories
    upload_dir = upload_dir or current_app.config["UPLOAD_DIR"]
    problems = check_demo_copy(products)
    if problems:
        raise BlockedCopy("\n".join(problems))

    created = {"categories": 0, "products": 0, "variants": 0, "earlier demo rows given pictures and specs": 0}
    by_slug = {c.slug: c for c in db.session.scalars(select(Category))}
    for position, (slug, name, parent, kind, featured, description) in enumerate(categories):
        if slug in by_slug:
            if not by_slug[slug].spec_keys and demo_data.CATEGORY_SPECS.get(slug):
                by_slug[slug].spec_keys = list(demo_data.CATEGORY_SPECS[slug])
                created["earlier demo rows given pictures and specs"] += 1
            continue
        category = Category(slug=slug, name=name, parent=by_slug.get(parent), position=position,
                            warranty_kind=kind, featured=featured, description=description,
                            image_path=f"img/demo/{slug}.svg",
                            spec_keys=list(demo_data.CATEGORY_SPECS.get(slug, [])))
        db.session.add(category)
        by_slug[slug] = category
        created["categories"] += 1

    existing = {p.slug: p for p in db.session.scalars(select(Product))}
    has_pictures = set(db.session.scalars(select(ProductImage.product_id).distinct()))
    existing_skus = set(db.session.scalars(select(Variant.sku)))
    for spec in products:
        product = existing.get(spec["slug"])
        if product is not None:
            created["earlier demo rows given pictures and specs"] += _fill_in_demo_product(
                product, spec, product.id in has_pictures, upload_dir)
            continue
        if all(v["sku"] in existing_skus for v in spec["variants"]):
            continue  # in the catalog already, under another slug (renamed): made again, it
            #           would have no variant, and listings and search rely on one
        category = by_slug[spec["category"]]
        product = Product(
            slug=spec["slug"], name=spec["name"], brand=spec["brand"], category=category,
            short_description=spec["short"], long_description=spec["long"],
            features=list(spec["features"]), meta_description=spec.get("meta", spec["short"]),
            image_path=f"img/demo/{spec['category']}.svg",
            image_alt=f"Illustration of the {spec['name']}",
            status="published", featured=spec.get("featured", False),
            warranty_overrides=dict(spec.get("warranty", {})),
            specs=dict(demo_data.SPECS.get(spec["slug"], {})),
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
        db.session.flush()
        _add_pictures(product, spec, upload_dir)
    db.session.commit()
    versions.catalog_changed()
    return created
