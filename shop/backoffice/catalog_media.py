"""Back-office use cases for a product's pictures and specifications.

Each is one transaction with its audit row. Picture files are written under UPLOAD_DIR
before the row is committed and removed again if the change fails; a deleted picture's
files are removed after its row. After committing, the product's own page version is
bumped (and the catalog's when the picture product cards show changed), so cached pages
show the change on the next request.
"""
from pathlib import Path

from sqlalchemy import select

from shop.accounts.service import record
from shop.backoffice.catalog_service import CatalogError, get_product, publish_refusal, \
    review_text
from shop.catalog import images, specs
from shop.catalog.copy_review import product_facts
from shop.catalog.media import card_image_path
from shop.catalog.models import Product, ProductImage
from shop.extensions import db
from shop.web_cache import versions

MAX_PICTURES = 30


def pictures(product_id: int) -> list[ProductImage]:
    """A product's pictures in gallery order."""
    return list(db.session.scalars(select(ProductImage).where(
        ProductImage.product_id == product_id).order_by(ProductImage.position, ProductImage.id)))


def _sync_card_picture(product: Product, ordered: list[ProductImage]) -> bool:
    """Point the product's card picture at its first picture; True when that changed."""
    first = next((p for p in ordered if p.variant_id is None), ordered[0] if ordered else None)
    path = card_image_path(first.stem, first.widths) if first else ""
    alt = first.alt if first else ""
    if (product.image_path, product.image_alt) == (path, alt):
        return False
    product.image_path, product.image_alt = path, alt
    return True


def _renumber(ordered: list[ProductImage]) -> None:
    for position, picture in enumerate(ordered):
        picture.position = position


def _committed(product: Product, card_changed: bool) -> None:
    db.session.commit()
    versions.products_changed([product.slug], listings=card_changed)


def _product(product_id: int) -> Product:
    product = get_product(product_id)
    if product is None:
        raise LookupError(product_id)
    return product


def _check_alt(product: Product, alt: str) -> None:
    """Alt text is copy a customer's screen reader reads: it passes the claims checker."""
    facts = product_facts(product.category.warranty_kind, product.warranty_overrides)
    refusal = publish_refusal(review_text("alt", alt, facts), reviewed=False)
    if refusal:
        raise CatalogError("Not added: the description " + refusal, "alt")


def add_picture(product_id: int, image, alt: str, variant_id: int | None, actor: str,
                upload_dir: str | Path) -> ProductImage:
    """Resize a checked picture into the gallery's files and add it last."""
    product = _product(product_id)
    if variant_id and variant_id not in {v.id for v in product.variants}:
        raise CatalogError("Choose one of this product's variants, or all of them.",
                           "variant_id")
    _check_alt(product, alt)
    ordered = pictures(product.id)
    if len(ordered) >= MAX_PICTURES:
        raise CatalogError(f"A product has at most {MAX_PICTURES} pictures; delete one first.",
                           "picture")
    stored = images.store(image, upload_dir)
    try:
        picture = ProductImage(product=product, variant_id=variant_id or None,
                               position=len(ordered), stem=stored.stem, widths=stored.widths,
                               width=stored.width, height=stored.height, alt=alt)
        db.session.add(picture)
        card_changed = _sync_card_picture(product, ordered + [picture])
        db.session.flush()
        record(actor, "product_picture_added", "product", product.id,
               after={"picture": picture.id, "stem": stored.stem, "alt": alt,
                      "variant_id": picture.variant_id}, note=product.slug)
        _committed(product, card_changed)
    except BaseException:
        db.session.rollback()
        images.remove(upload_dir, stored)
        raise
    return picture


def _picture(product: Product, picture_id: int) -> tuple[list[ProductImage], ProductImage]:
    ordered = pictures(product.id)
    picture = next((p for p in ordered if p.id == picture_id), None)
    if picture is None:
        raise LookupError(picture_id)
    return ordered, picture


def move_picture(product_id: int, picture_id: int, direction: str, actor: str) -> None:
    """Move a picture one place up or down the gallery (the first is the product's card)."""
    product = _product(product_id)
    ordered, picture = _picture(product, picture_id)
    index = ordered.index(picture)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(ordered):
        raise CatalogError("That picture is already " +
                           ("first." if direction == "up" else "last."))
    ordered[index], ordered[target] = ordered[target], ordered[index]
    _renumber(ordered)
    card_changed = _sync_card_picture(product, ordered)
    record(actor, "product_picture_moved", "product", product.id,
           before={"position": index}, after={"picture": picture.id, "position": target},
           note=product.slug)
    _committed(product, card_changed)


def delete_picture(product_id: int, picture_id: int, actor: str,
                   upload_dir: str | Path) -> None:
    """Remove a picture from the gallery, then its files."""
    product = _product(product_id)
    ordered, picture = _picture(product, picture_id)
    stored = images.StoredImage(picture.stem, list(picture.widths), picture.width,
                                picture.height)
    ordered.remove(picture)
    db.session.delete(picture)
    _renumber(ordered)
    card_changed = _sync_card_picture(product, ordered)
    record(actor, "product_picture_deleted", "product", product.id,
           before={"picture": picture_id, "stem": stored.stem, "alt": picture.alt},
           note=product.slug)
    _committed(product, card_changed)
    images.remove(upload_dir, stored)


def update_specs(product_id: int, values: dict, actor: str) -> Product:
    """Set a product's values of its category's attributes (canonical units); values of
    attributes the category does not list are kept."""
    product = _product(product_id)
    keys = [a.key for a in specs.attributes_for(product.category.spec_keys)]
    before = dict(product.specs or {})
    after = {key: value for key, value in before.items() if key not in keys}
    after.update({key: values[key] for key in keys if values.get(key) is not None})
    if after != before:
        product.specs = after
        record(actor, "product_specs_updated", "product", product.id,
               before={k: before.get(k) for k in keys}, after={k: after.get(k) for k in keys},
               note=product.slug)
        # the spec table (this product's page) and the category's comparison (a listing)
        _committed(product, True)
    return product

