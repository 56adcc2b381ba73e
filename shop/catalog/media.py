"""Product pictures for pages: read a product page's pictures and specifications (one query),
and turn stored pictures into what <picture> needs (WebP and JPEG srcsets, sizes, a fallback).

Uploaded files live under UPLOAD_DIR and are addressed as `uploads/<file>` (served at
/uploads/ by the app in development and by nginx in production); other image paths are
files of static/ (the demo catalog's category drawings).
"""
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import bindparam, select

from shop.catalog import specs
from shop.catalog.images import file_name
from shop.catalog.models import Category, Product, ProductImage
from shop.extensions import db
from shop.rules import units

UPLOADS_PREFIX = "uploads/"
GALLERY_SIZES = "(min-width: 900px) 560px, 100vw"
CARD_WIDTH = 640  # the JPEG a product card shows (320 px wide, sharp on 2x screens)


def upload_path(stem: str, width: int, extension: str) -> str:
    """How a stored file is named in image paths: uploads/products/ab12...-640.jpg."""
    return UPLOADS_PREFIX + file_name(stem, width, extension)


def card_image_path(stem: str, widths: list[int]) -> str:
    """The file a product card shows for a picture: the JPEG nearest CARD_WIDTH."""
    width = min(widths, key=lambda w: (abs(w - CARD_WIDTH), -w))
    return upload_path(stem, width, "jpg")


def image_url(path: str, external: bool = False) -> str:
    """The URL of an image path: an upload (/uploads/...) or a static file (/static/...)."""
    if not path:
        return ""
    if path.startswith(UPLOADS_PREFIX):
        return url_for("media.upload", filename=path[len(UPLOADS_PREFIX):], _external=external)
    return url_for("static", filename=path, _external=external)


@dataclass(frozen=True)
class ImageInfo:
    id: int
    variant_id: int | None
    stem: str
    widths: list[int]
    width: int
    height: int
    alt: str


@dataclass(frozen=True)
class ProductExtras:
    """What a product page shows besides ProductDetail: pictures in order, spec values."""
    images: list[ImageInfo]
    spec_keys: list[str]
    specs: dict


_P, _C, _I = Product.__table__, Category.__table__, ProductImage.__table__
_EXTRAS = (
    select(_C.c.spec_keys, _P.c.specs, _I.c.id, _I.c.variant_id, _I.c.stem, _I.c.widths,
           _I.c.width, _I.c.height, _I.c.alt)
    .select_from(_P.join(_C, _C.c.id == _P.c.category_id)
                 .outerjoin(_I, _I.c.product_id == _P.c.id))
    .where(_P.c.slug == bindparam("slug"), _P.c.status == "published")
    .order_by(_I.c.position, _I.c.id)
)


def product_extras(slug: str) -> ProductExtras:
    """A published product's pictures and specifications (one query); empty when none."""
    rows = db.session.execute(_EXTRAS, {"slug": slug}).mappings().all()
    if not rows:
        return ProductExtras([], [], {})
    images = [ImageInfo(id=row["id"], variant_id=row["variant_id"], stem=row["stem"],
                        widths=list(row["widths"] or []), width=row["width"],
                        height=row["height"], alt=row["alt"])
              for row in rows if row["id"] is not None]
    return ProductExtras(images, list(rows[0]["spec_keys"] or []), dict(rows[0]["specs"] or {}))


@dataclass(frozen=True)
class Picture:
    """One picture as <picture> shows it: sources per format, a JPEG fallback, its size."""
    alt: str
    width: int
    height: int
    src: str
    jpeg_srcset: str
    webp_srcset: str
    thumb_src: str
    thumb_webp: str
    sizes: str = GALLERY_SIZES


def _srcset(info: ImageInfo, extension: str) -> str:
    return ", ".join(f"{image_url(upload_path(info.stem, w, extension))} {w}w"
                     for w in info.widths)


def picture(info: ImageInfo, fallback_alt: str = "") -> Picture:
    """A stored picture's URLs for <picture>, with srcset and a small thumbnail."""
    smallest = info.widths[0]
    return Picture(
        alt=info.alt or fallback_alt, width=info.width, height=info.height,
        src=image_url(card_image_path(info.stem, info.widths)),
        jpeg_srcset=_srcset(info, "jpg"), webp_srcset=_srcset(info, "webp"),
        thumb_src=image_url(upload_path(info.stem, smallest, "jpg")),
        thumb_webp=image_url(upload_path(info.stem, smallest, "webp")),
    )


def gallery(extras: ProductExtras, variant_id: int | None, name: str) -> list[Picture]:
    """The pictures of a product page: the chosen variant's own first, then the product's;
    other variants' pictures are left out (unless there is nothing else to show)."""
    own = [i for i in extras.images if variant_id is not None and i.variant_id == variant_id]
    shared = [i for i in extras.images if i.variant_id is None]
    return [picture(info, name) for info in (own + shared or extras.images)]


def page_context(detail, selected, config) -> dict:
    """What product.html shows of pictures, specifications and the shipping box, in the
    shop's units (one query: `product_extras`)."""
    extras = product_extras(detail.slug)
    system = specs.unit_system(config)
    return {
        "pictures": gallery(extras, selected.id if selected else None, detail.name),
        "spec_rows": specs.spec_rows(extras.spec_keys, extras.specs, system),
        "box_line": units.format_box(selected.weight_g, (selected.length_cm, selected.width_cm,
                                                         selected.height_cm), system)
        if selected else "",
    }
