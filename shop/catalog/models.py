"""Catalog tables: categories, products, variants (SKUs), product pictures, the stock ledger
and search synonyms."""
from sqlalchemy import CheckConstraint, Index, event, text

from shop.catalog import search_index
from shop.database import UTCDateTime, utcnow
from shop.extensions import db

PRODUCT_STATUSES = ("draft", "published")


class Category(db.Model):
    """A shelf of the shop; one level of nesting (Strength > Racks)."""

    __tablename__ = "category"

    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(80), nullable=False, unique=True)
    name = db.Column(db.String(120), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    parent_id = db.Column(db.Integer, db.ForeignKey("category.id"), nullable=True, index=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    featured = db.Column(db.Boolean, nullable=False, default=False)
    # Which warranty table of shop.rules.warranty applies to this shelf.
    warranty_kind = db.Column(db.String(40), nullable=False, default="free_weights")
    image_path = db.Column(db.String(255), nullable=False, default="")
    # The specification attributes (keys of shop.catalog.specs.ATTRIBUTES) its products
    # list, in the order the spec table and the comparison show them.
    spec_keys = db.Column(db.JSON, nullable=False, default=list, server_default=text("'[]'"))

    parent = db.relationship("Category", remote_side=[id], backref="children")

    def __repr__(self):
        return f"<Category {self.slug}>"


class Product(db.Model):
    """What a customer looks at; sold through one or more variants."""

    __tablename__ = "product"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published')", name="status_known"),
        Index("ix_product_status_category", "status", "category_id"),
        # Listing pages read scope, default order, the brand facet and the product's id
        # from this index alone (an index-only scan; SQLite keeps the id in every index).
        Index("ix_product_listing", "status", "category_id", "featured", "name", "brand", "id"),
    )

    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(120), nullable=False, unique=True)
    name = db.Column(db.String(160), nullable=False)
    brand = db.Column(db.String(80), nullable=False, default="", index=True)
    category_id = db.Column(db.Integer, db.ForeignKey("category.id"), nullable=False)
    short_description = db.Column(db.String(300), nullable=False, default="")
    long_description = db.Column(db.Text, nullable=False, default="")
    features = db.Column(db.JSON, nullable=False, default=list)
    meta_description = db.Column(db.String(300), nullable=False, default="")
    image_path = db.Column(db.String(255), nullable=False, default="")
    image_alt = db.Column(db.String(200), nullable=False, default="")
    status = db.Column(db.String(20), nullable=False, default="draft")
    featured = db.Column(db.Boolean, nullable=False, default=False)
    final_sale = db.Column(db.Boolean, nullable=False, default=False)
    # Per-component warranty months that replace or add to the category's terms.
    warranty_overrides = db.Column(db.JSON, nullable=False, default=dict)
    # {attribute key: value} in one canonical unit per kind: grams, millimetres, or text.
    specs = db.Column(db.JSON, nullable=False, default=dict, server_default=text("'{}'"))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    category = db.relationship("Category", backref="products")
    variants = db.relationship(
        "Variant", back_populates="product", order_by="Variant.position",
        cascade="all, delete-orphan",
    )

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    def __repr__(self):
        return f"<Product {self.slug}>"


@event.listens_for(Product.__table__, "after_create")
def _create_search_index(target, connection, **kw):
    """Schemas built with create_all (tests) get the word index that migration 0016 makes."""
    search_index.create_word_index(connection)


@event.listens_for(Product.__table__, "before_drop")
def _drop_search_index(target, connection, **kw):
    search_index.drop_word_index(connection)


class Variant(db.Model):
    """One SKU: an option of a product with its own price, box and stock.

    `reserved` counts units held by open checkouts; what can still be sold is
    `on_hand - reserved`. The database refuses negative stock.
    """

    __tablename__ = "variant"
    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
        CheckConstraint("weight_g > 0", name="weight_positive"),
        # A product's price range and stock state without reading the variant rows.
        Index("ix_variant_product_summary", "product_id", "price_cents", "compare_at_cents",
              "on_hand", "reserved"),
    )

    id = db.Column(db.Integer, primary_key=True)
    product_id = db.Column(db.Integer, db.ForeignKey("product.id"), nullable=False, index=True)
    sku = db.Column(db.String(64), nullable=False, unique=True)
    option_name = db.Column(db.String(40), nullable=False, default="")
    option_value = db.Column(db.String(80), nullable=False, default="")
    position = db.Column(db.Integer, nullable=False, default=0)
    price_cents = db.Column(db.Integer, nullable=False)
    compare_at_cents = db.Column(db.Integer, nullable=True)
    weight_g = db.Column(db.Integer, nullable=False)
    length_cm = db.Column(db.Integer, nullable=False)
    width_cm = db.Column(db.Integer, nullable=False)
    height_cm = db.Column(db.Integer, nullable=False)
    on_hand = db.Column(db.Integer, nullable=False, default=0)
    reserved = db.Column(db.Integer, nullable=False, default=0)
    low_stock_threshold = db.Column(db.Integer, nullable=False, default=3)

    product = db.relationship("Product", back_populates="variants")

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def label(self) -> str:
        return self.option_value or "Standard"

    def __repr__(self):
        return f"<Variant {self.sku}>"


class ProductImage(db.Model):
    """One picture of a product (of one variant when `variant_id` is set), stored as resized
    WebP and JPEG files `<stem>-<width>.webp|jpg` under UPLOAD_DIR, one per width in `widths`."""

    __tablename__ = "product_image"
    __table_args__ = (
        Index("ix_product_image_product_position", "product_id", "position", "id"),
    )

    id = db.Column(db.Integer, primary_key=True)
    product_id = db.Column(db.Integer, db.ForeignKey("product.id"), nullable=False)
    variant_id = db.Column(db.Integer, db.ForeignKey("variant.id"), nullable=True, index=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    stem = db.Column(db.String(120), nullable=False, unique=True)  # "products/<random hex>"
    widths = db.Column(db.JSON, nullable=False, default=list)  # ascending, in pixels
    width = db.Column(db.Integer, nullable=False)  # of the largest file
    height = db.Column(db.Integer, nullable=False)
    alt = db.Column(db.String(200), nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    product = db.relationship("Product")


class StockMovement(db.Model):
    """One change of on-hand stock; the sum of deltas per variant is its on-hand."""

    __tablename__ = "stock_movement"
    __table_args__ = (
        Index("ix_stock_movement_variant_created", "variant_id", "created_at"),
    )

    id = db.Column(db.Integer, primary_key=True)
    variant_id = db.Column(db.Integer, db.ForeignKey("variant.id"), nullable=False)
    delta = db.Column(db.Integer, nullable=False)
    reason = db.Column(db.String(40), nullable=False)
    actor = db.Column(db.String(120), nullable=False)
    note = db.Column(db.String(300), nullable=False, default="")
    order_id = db.Column(db.Integer, nullable=True, index=True)
    return_id = db.Column(db.Integer, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    variant = db.relationship("Variant")


class SearchSynonym(db.Model):
    """A word or phrase shoppers type, and what else it means in the catalog.

    `term` is lower-case words ("rowing machine"); `replacement` is one or more
    alternatives separated by commas ("functional trainer, lat pulldown"). A search for
    the term lists what the term's own words find and what any alternative finds.
    """

    __tablename__ = "search_synonym"

    id = db.Column(db.Integer, primary_key=True)
    term = db.Column(db.String(80), nullable=False, unique=True)
    replacement = db.Column(db.String(200), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
