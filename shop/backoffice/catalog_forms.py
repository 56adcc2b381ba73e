"""Back-office catalog forms: products, variants, categories, product photos and CSV files."""
import io
import re
import unicodedata
import warnings

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from PIL import Image
from wtforms import (BooleanField, Form, HiddenField, IntegerField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional,
                                Regexp, ValidationError)

from shop.catalog.forms import PriceField
from shop.catalog.models import PRODUCT_STATUSES
from shop.forms import NO_NUL, NoNulForm, strip
from shop.rules.money import format_plain
from shop.rules.warranty import DEFAULT_WARRANTY_BY_KIND, WARRANTY_KIND_LABELS, WarrantyTerm

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MESSAGE = "Use lowercase letters, digits and single hyphens, like power-rack-pro."
SKU_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
SKU_MESSAGE = "Use letters, digits, dots, hyphens and underscores, like IO-RACK-01."

MAX_IMAGE_BYTES = 2 * 1024 * 1024
IMAGE_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_FEATURES, MAX_FEATURE_LENGTH = 20, 200
MAX_WARRANTY_MONTHS = 600
# Bounds shared by the variant form and the CSV import.
WEIGHT_G = (1, 2_000_000)
DIMENSION_CM = (1, 1_000)
LOW_STOCK = (0, 100_000)


def slugify(text: str, max_length: int = 120) -> str:
    """A URL slug made from a name: "Power Rack Pro (2024)" -> "power-rack-pro-2024"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def feature_lines(text: str | None) -> list[str]:
    """Feature bullets typed one per line; blank lines dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def parse_warranty_overrides(text: str | None) -> dict[str, int]:
    """Lines like "Upholstery: 24" as {component: months}; ValueError names the bad line."""
    overrides: dict[str, int] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        component, colon, months = line.rpartition(":")
        component, months = component.strip(), months.strip()
        if not colon or not component or not (months.isascii() and months.isdigit()):
            raise ValueError(f"line {number}: write it as component: months, like Upholstery: 24")
        if not 1 <= int(months) <= MAX_WARRANTY_MONTHS:
            raise ValueError(f"line {number}: months must be from 1 to {MAX_WARRANTY_MONTHS}")
        if len(component) > 60:
            raise ValueError(f"line {number}: the component name is longer than 60 characters")
        if component.casefold() in (c.casefold() for c in overrides):
            raise ValueError(f"line {number}: {component} is listed twice")
        overrides[WarrantyTerm(component, int(months)).component] = int(months)
    return overrides


def format_warranty_overrides(overrides: dict) -> str:
    return "\n".join(f"{component}: {months}" for component, months in overrides.items())


def image_extension(data: bytes) -> str:
    """The extension for a real JPEG, PNG or WebP image; ValueError with the reason otherwise."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError("The photo is larger than 2 MB; export it smaller and try again.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(IMAGE_EXTENSIONS)) as image:
                image_format = image.format
                image.verify()
    except Exception:  # Pillow raises many kinds of error for files that are not images
        raise ValueError("That file is not a JPEG, PNG or WebP image.") from None
    return IMAGE_EXTENSIONS[image_format]


class SlugField(StringField):
    """A slug; left empty, `fill_from` makes one from another field's text."""

    def __init__(self, label, max_length, **kwargs):
        super().__init__(label, filters=[strip, lambda v: v.lower() if v else v], validators=[
            Optional(), Length(max=max_length), Regexp(SLUG_RE, message=SLUG_MESSAGE)], **kwargs)
        self.max_length = max_length

    def fill_from(self, text: str) -> bool:
        if not self.data:
            self.data = slugify(text or "", self.max_length)
        if not self.data and text:
            self.errors.append("Enter a slug: " + SLUG_MESSAGE)
        return bool(self.data)


class ProductForm(NoNulForm):
    """Everything a manager types about a product; status changes through its buttons."""

    name = StringField("Name", filters=[strip], validators=[
        DataRequired(message="Name is required."), Length(max=160)])
    slug = SlugField("Slug", 120, description="The address is /products/<slug>. "
                     "Left empty, it is made from the name.")
    brand = StringField("Brand", filters=[strip], validators=[Length(max=80)])
    category_id = SelectField("Category", coerce=int)
    short_description = TextAreaField("Short description", filters=[strip],
                                      validators=[Length(max=300)])
    long_description = TextAreaField("Long description", filters=[strip],
                                     validators=[Length(max=20_000)])
    features = TextAreaField("Feature bullets (one per line)", validators=[Length(max=10_000)])
    meta_description = TextAreaField("Meta description", filters=[strip],
                                     validators=[Length(max=300)],
                                     description="For search engines; about 150 characters.")
    image = FileField("Photo", description="JPEG, PNG or WebP, up to 2 MB.")
    image_alt = StringField("Photo description (alt text)", filters=[strip],
                            validators=[Length(max=200)])
    featured = BooleanField("Featured on the home page")
    final_sale = BooleanField("Final sale (returns only if damaged or defective)")
    warranty_overrides = TextAreaField(
        "Warranty overrides", validators=[Length(max=2_000)],
        description="One per line as component: months, like Upholstery: 24. Replaces the "
                    "category's term for that component, or adds one.")
    reviewed = BooleanField("I reviewed the flagged wording")

    image_upload = None  # (data, extension) once a real image passed validation

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self.slug.fill_from(self.name.data) and valid

    def validate_category_id(self, field):
        if not field.data:
            raise ValidationError("Choose a category.")

    def validate_features(self, field):
        lines = feature_lines(field.data)
        if len(lines) > MAX_FEATURES:
            raise ValidationError(f"Use at most {MAX_FEATURES} feature bullets.")
        for number, line in enumerate(lines, start=1):
            if len(line) > MAX_FEATURE_LENGTH:
                raise ValidationError(
                    f"Bullet {number} is longer than {MAX_FEATURE_LENGTH} characters.")

    def validate_warranty_overrides(self, field):
        try:
            parse_warranty_overrides(field.data)
        except ValueError as error:
            raise ValidationError(f"Warranty overrides, {error}.") from None

    def validate_image(self, field):
        if not field.data:
            return
        data = field.data.stream.read(MAX_IMAGE_BYTES + 1)
        try:
            self.image_upload = (data, image_extension(data))
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def copy_values(self) -> dict:
        """The copy as typed, with what it is checked against, for the claims checker.

        Works on an invalid form too: unreadable warranty lines count as no overrides.
        """
        try:
            overrides = parse_warranty_overrides(self.warranty_overrides.data)
        except ValueError:
            overrides = {}
        return {
            "name": self.name.data or "", "short_description": self.short_description.data or "",
            "long_description": self.long_description.data or "",
            "features": feature_lines(self.features.data),
            "meta_description": self.meta_description.data or "",
            "image_alt": self.image_alt.data or "",
            "category_id": self.category_id.data, "warranty_overrides": overrides,
        }

    def values(self) -> dict:
        """The product's columns from the typed fields (call after validation)."""
        return {
            **self.copy_values(), "slug": self.slug.data, "brand": self.brand.data or "",
            "featured": self.featured.data, "final_sale": self.final_sale.data,
        }

    def fill(self, product) -> None:
        """Show a stored product (for GET)."""
        self.process(obj=product)
        self.features.data = "\n".join(product.features or [])
        self.warranty_overrides.data = format_warranty_overrides(product.warranty_overrides or {})


def _whole_number(label, bounds, **kwargs):
    low, high = bounds
    return IntegerField(label, **kwargs, validators=[
        InputRequired(message=f"{label} is required."),
        NumberRange(min=low, max=high, message=f"{label} must be a whole number from {low:,} "
                                               f"to {high:,}.")])


class VariantForm(NoNulForm):
    """One SKU's option, price and box; stock is kept on the stock screens."""

    sku = StringField("SKU", filters=[strip], validators=[
        DataRequired(message="SKU is required."), Length(max=64),
        Regexp(SKU_RE, message=SKU_MESSAGE)])
    option_name = StringField("Option name", filters=[strip], validators=[Length(max=40)],
                              description="Like Weight or Color; empty for a single option.")
    option_value = StringField("Option value", filters=[strip], validators=[Length(max=80)])
    price = PriceField("Price ($)", filters=[strip], validators=[
        DataRequired(message="Price is required."), Length(max=20)])
    compare_at = PriceField("Compare-at price ($)", filters=[strip],
                            validators=[Optional(), Length(max=20)],
                            description="The old price, shown struck through; empty for none.")
    weight_g = _whole_number("Weight (g)", WEIGHT_G)
    length_cm = _whole_number("Box length (cm)", DIMENSION_CM)
    width_cm = _whole_number("Box width (cm)", DIMENSION_CM)
    height_cm = _whole_number("Box height (cm)", DIMENSION_CM)
    low_stock_threshold = _whole_number("Low-stock threshold", LOW_STOCK, default=3,
                                        description="The dashboard lists the variant when "
                                                    "available stock falls to this number.")

    def validate_compare_at(self, field):
        if field.cents is not None and self.price.cents is not None \
                and field.cents <= self.price.cents:
            raise ValidationError("Compare-at price must be higher than the price, or empty.")

    def values(self) -> dict:
        return {
            "sku": self.sku.data, "option_name": self.option_name.data or "",
            "option_value": self.option_value.data or "", "price_cents": self.price.cents,
            "compare_at_cents": self.compare_at.cents, "weight_g": self.weight_g.data,
            "length_cm": self.length_cm.data, "width_cm": self.width_cm.data,
            "height_cm": self.height_cm.data, "low_stock_threshold": self.low_stock_threshold.data,
        }

    def fill(self, variant) -> None:
        self.process(obj=variant)
        self.price.data = format_plain(variant.price_cents)
        self.compare_at.data = format_plain(variant.compare_at_cents)


class CategoryForm(NoNulForm):
    name = StringField("Name", filters=[strip], validators=[
        DataRequired(message="Name is required."), Length(max=120)])
    slug = SlugField("Slug", 80, description="The address is /categories/<slug>. "
                     "Left empty, it is made from the name.")
    parent_id = SelectField("Parent", coerce=int, description="Categories nest one level.")
    description = TextAreaField("Description", filters=[strip], validators=[Length(max=5_000)])
    warranty_kind = SelectField("Warranty terms", choices=[
        (kind, WARRANTY_KIND_LABELS.get(kind, kind)) for kind in DEFAULT_WARRANTY_BY_KIND])
    featured = BooleanField("Featured on the home page")
    position = IntegerField("Position", default=0, validators=[
        InputRequired(message="Position is required."),
        NumberRange(min=0, max=10_000, message="Position must be a whole number from 0 to 10,000.")])
    reviewed = BooleanField("I reviewed the flagged wording")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self.slug.fill_from(self.name.data) and valid

    def values(self) -> dict:
        return {
            "name": self.name.data, "slug": self.slug.data, "parent_id": self.parent_id.data or None,
            "description": self.description.data or "", "warranty_kind": self.warranty_kind.data,
            "featured": self.featured.data, "position": self.position.data,
        }


class ProductFilterForm(Form):
    """The product list's query string: search, filters and page."""

    q = StringField("Search", filters=[strip], validators=[
        Length(max=100), NO_NUL])
    category = IntegerField("Category", validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])
    status = SelectField("Status", choices=[("", "Any status")] + [
        (s, s.title()) for s in PRODUCT_STATUSES], default="")
    brand = StringField("Brand", filters=[strip], validators=[
        Length(max=80), NO_NUL])
    page = IntegerField("Page", validators=[Optional(), NumberRange(min=1, max=10_000)])


class ImportUploadForm(FlaskForm):
    file = FileField("CSV file", validators=[FileRequired(message="Choose a CSV file.")])


class ImportApplyForm(FlaskForm):
    """The preview's Apply button: the stored file's digest and the preview's, not the file."""
    upload = HiddenField("Upload", validators=[
        DataRequired(message="The uploaded file is missing: upload the file again."),
        Regexp(r"^[0-9a-f]{64}$", message="This upload is unknown: upload the file again.")])
    preview = HiddenField("Preview", validators=[
        DataRequired(message="The preview is missing: upload the file again."),
        Length(max=64)])
    reviewed = BooleanField("I reviewed the flagged wording")
