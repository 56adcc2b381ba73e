"""Back-office catalog forms: products, variants, categories, pictures, specifications and CSV
files. Weights and sizes are typed in the shop's units (SHOP_UNITS) and kept in grams,
millimetres and (shipping boxes) centimetres."""
import re
import unicodedata

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, Form, HiddenField, IntegerField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional,
                                Regexp, ValidationError)

from shop.catalog import images, specs
from shop.catalog.forms import PriceField
from shop.catalog.models import PRODUCT_STATUSES
from shop.forms import NO_NUL, NoNulForm, strip
from shop.rules import units
from shop.rules.money import format_plain
from shop.rules.warranty import DEFAULT_WARRANTY_BY_KIND, NOT_COVERED, WARRANTY_KIND_LABELS

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MESSAGE = "Use lowercase letters, digits and single hyphens, like power-rack-pro."
SKU_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
SKU_MESSAGE = "Use letters, digits, dots, hyphens and underscores, like IO-RACK-01."

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
    """Lines like "Upholstery: 24" as {component: months}; "Motor: 0" removes the category's
    motor term (the product has none). ValueError names the bad line."""
    overrides: dict[str, int] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        component, colon, months = line.rpartition(":")
        component, months = component.strip(), months.strip()
        if not colon or not component or not (months.isascii() and months.isdigit()):
            raise ValueError(f"line {number}: write it as component: months, like Upholstery: 24")
        if not NOT_COVERED <= int(months) <= MAX_WARRANTY_MONTHS:
            raise ValueError(f"line {number}: months must be from {NOT_COVERED} (not covered: "
                             f"the product has no such part) to {MAX_WARRANTY_MONTHS}")
        if len(component) > 60:
            raise ValueError(f"line {number}: the component name is longer than 60 characters")
        if component.casefold() in (c.casefold() for c in overrides):
            raise ValueError(f"line {number}: {component} is listed twice")
        overrides[component] = int(months)
    return overrides


def format_warranty_overrides(overrides: dict) -> str:
    return "\n".join(f"{component}: {months}" for component, months in overrides.items())


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
    featured = BooleanField("Featured on the home page")
    final_sale = BooleanField("Final sale (returns only if damaged or defective)")
    warranty_overrides = TextAreaField(
        "Warranty overrides", validators=[Length(max=2_000)],
        description="One per line as component: months, like Upholstery: 24. Replaces the "
                    "category's term for that component, or adds one; 0 months removes a "
                    "part the product does not have, like Motor: 0.")
    reviewed = BooleanField("I reviewed the flagged wording")

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
    weight = StringField("Weight", filters=[strip], validators=[
        DataRequired(message="Weight is required."), Length(max=20)])
    box_length = StringField("Box length", filters=[strip], validators=[
        DataRequired(message="Box length is required."), Length(max=20)])
    box_width = StringField("Box width", filters=[strip], validators=[
        DataRequired(message="Box width is required."), Length(max=20)])
    box_height = StringField("Box height", filters=[strip], validators=[
        DataRequired(message="Box height is required."), Length(max=20)])
    low_stock_threshold = _whole_number("Low-stock threshold", LOW_STOCK, default=3,
                                        description="The dashboard lists the variant when "
                                                    "available stock falls to this number.")

    BOX_FIELDS = {"box_length": "length_cm", "box_width": "width_cm", "box_height": "height_cm"}

    def __init__(self, *args, system: str = "us", stored=None, **kwargs):
        """`system`: the shop's units; `stored`: the variant being edited, so a value shown
        and sent back unchanged keeps its exact stored grams or centimetres."""
        super().__init__(*args, **kwargs)
        self.system, self.stored = system, stored
        mass, length = units.mass_input_unit(system), units.length_input_unit(system)
        self.weight.label.text = f"Weight ({mass})"
        for name in self.BOX_FIELDS:
            self[name].label.text = f"{self[name].label.text} ({length})"
        self.canonical: dict = {}

    def _unchanged(self, field, column: str, shown) -> bool:
        """Whether `field` holds what the stored variant's value is shown as."""
        if self.stored is None:
            return False
        return field.data == shown(getattr(self.stored, column))

    def validate_weight(self, field):
        if self._unchanged(field, "weight_g", lambda g: units.show_mass(g, self.system)):
            self.canonical["weight_g"] = self.stored.weight_g
            return
        try:
            grams = units.parse_mass(field.data, self.system)
        except ValueError as error:
            raise ValidationError(f"Weight: {error}.") from None
        low, high = WEIGHT_G
        if not low <= grams <= high:
            raise ValidationError(f"Weight must be from {units.format_mass(low, self.system)} "
                                  f"to {units.format_mass(high, self.system)}.")
        self.canonical["weight_g"] = grams

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name, column in self.BOX_FIELDS.items():
            field = self[name]
            if field.errors:
                continue
            if self._unchanged(field, column,
                               lambda cm: units.show_length(cm * 10, self.system)):
                self.canonical[column] = getattr(self.stored, column)
                continue
            try:
                cm = units.parse_box_length(field.data, self.system)
            except ValueError as error:
                field.errors.append(f"{field.label.text}: {error}.")
                valid = False
                continue
            low, high = DIMENSION_CM
            if not low <= cm <= high:
                field.errors.append(
                    f"{field.label.text} must be from {units.format_length(low * 10, self.system)}"
                    f" to {units.format_length(high * 10, self.system)}.")
                valid = False
                continue
            self.canonical[column] = cm
        return valid

    def validate_compare_at(self, field):
        if field.cents is not None and self.price.cents is not None \
                and field.cents <= self.price.cents:
            raise ValidationError("Compare-at price must be higher than the price, or empty.")

    def values(self) -> dict:
        """The variant's columns (call after validation): weights in grams, boxes in cm."""
        return {
            "sku": self.sku.data, "option_name": self.option_name.data or "",
            "option_value": self.option_value.data or "", "price_cents": self.price.cents,
            "compare_at_cents": self.compare_at.cents, "weight_g": self.canonical["weight_g"],
            "length_cm": self.canonical["length_cm"], "width_cm": self.canonical["width_cm"],
            "height_cm": self.canonical["height_cm"],
            "low_stock_threshold": self.low_stock_threshold.data,
        }

    def fill(self, variant) -> None:
        self.process(obj=variant)
        self.price.data = format_plain(variant.price_cents)
        self.compare_at.data = format_plain(variant.compare_at_cents)
        self.weight.data = units.show_mass(variant.weight_g, self.system)
        for name, column in self.BOX_FIELDS.items():
            self[name].data = units.show_length(getattr(variant, column) * 10, self.system)


class CategoryForm(NoNulForm):
    name = StringField("Name", filters=[strip], validators=[
        DataRequired(message="Name is required."), Length(max=120)])
    slug = SlugField("Slug", 80, description="The address is /categories/<slug>. "
                     "Left empty, it is made from the name.")
    parent_id = SelectField("Parent", coerce=int, description="Categories nest one level.")
    description = TextAreaField("Description", filters=[strip], validators=[Length(max=5_000)])
    warranty_kind = SelectField("Warranty terms", choices=[
        (kind, WARRANTY_KIND_LABELS.get(kind, kind)) for kind in DEFAULT_WARRANTY_BY_KIND])
    spec_keys = SelectMultipleField(
        "Specifications its products list", choices=[
            (a.key, a.label) for a in specs.ATTRIBUTES.values()],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
        description="Shown in each product's spec table and in the category's comparison.")
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
            "spec_keys": [key for key in specs.ATTRIBUTES if key in (self.spec_keys.data or [])],
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


class PictureUploadForm(FlaskForm):
    """A picture for a product's gallery, for all its variants or one of them."""

    picture = FileField("Picture", validators=[FileRequired(message="Choose a picture.")],
                        description=f"JPEG, PNG or WebP, up to "
                                    f"{images.MAX_IMAGE_BYTES // 1024 // 1024} MB, at least "
                                    f"{images.MIN_SIDE} pixels on each side.")
    alt = StringField("What it shows (alt text)", filters=[strip], validators=[
        DataRequired(message="Describe the picture for people who cannot see it."),
        Length(max=200), NO_NUL])
    variant_id = SelectField("Shown for", coerce=int, default=0)

    image = None  # the decoded picture once the file passed validation

    def validate_picture(self, field):
        data = field.data.stream.read(images.MAX_IMAGE_BYTES + 1)
        try:
            self.image = images.open_upload(data)
        except images.ImageRefused as error:
            raise ValidationError(str(error)) from None


class PictureMoveForm(FlaskForm):
    direction = SelectField("Move", choices=[("up", "Up"), ("down", "Down")])


class PictureDeleteForm(FlaskForm):
    """A delete button: CSRF only."""


class SpecsForm(FlaskForm):
    """A product's specification values, one text field per attribute of its category, typed
    in the shop's units; `values()` gives them in grams, millimetres or words."""

    def __init__(self, attributes, system: str, stored: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attributes, self.system = attributes, system
        # what each field shows: the stored value in the shop's units, or what was typed
        self.texts = {a.key: specs.show_value(a, (stored or {}).get(a.key), system)
                      for a in attributes}
        self.units = {a.key: specs.input_unit(a, system) for a in attributes}
        self.parsed: dict = {}
        self.spec_errors: dict[str, str] = {}

    def read(self, formdata) -> bool:
        """Parse every attribute's field from `formdata`; False with messages on bad input."""
        for attribute in self.attributes:
            text = (formdata.get(f"spec-{attribute.key}") or "").strip()[:200]
            self.texts[attribute.key] = text
            try:
                self.parsed[attribute.key] = specs.parse_value(attribute, text, self.system)
            except ValueError as error:
                self.spec_errors[attribute.key] = f"{attribute.label}: {error}."
        return not self.spec_errors

    def values(self) -> dict:
        """{key: canonical value} of the filled-in attributes (call after `read`)."""
        return {key: value for key, value in self.parsed.items() if value is not None}
