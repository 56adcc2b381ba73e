"""Query-string forms for listing pages: every bad value gets a message naming its field."""
from decimal import Decimal, InvalidOperation

from wtforms import Form, SelectField, StringField
from wtforms.validators import NumberRange, Optional, Length, ValidationError

from shop.catalog.service import SORTS
from shop.forms import WholeNumberField

MAX_PRICE_DOLLARS = Decimal("1000000")
MAX_PAGE = 10_000
PAGE_MESSAGE = f"Page must be a whole number from 1 to {MAX_PAGE}."


def dollars_to_cents(text: str) -> int:
    """Parse "12", "12.5" or "12.50" (dollars) into cents; refuse anything else."""
    try:
        amount = Decimal(text.strip().lstrip("$").replace(",", ""))
    except InvalidOperation:
        raise ValueError("must be an amount in dollars, like 150 or 99.99") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError("must be zero or more")
    if amount > MAX_PRICE_DOLLARS:
        raise ValueError("is too large")
    if amount.as_tuple().exponent < -2:
        raise ValueError("can have at most two decimals")
    return int(amount * 100)


class PriceField(StringField):
    """A dollar amount typed by a customer, exposed as `cents`."""

    cents = None

    def pre_validate(self, form):
        self.cents = None
        if self.data:
            try:
                self.cents = dollars_to_cents(self.data)
            except ValueError as error:
                raise ValidationError(f"{self.label.text} {error}.") from None


class LenientBooleanField(StringField):
    """A checkbox in a query string: on when present with a truthy value."""

    @property
    def checked(self) -> bool:
        return (self.data or "").lower() in {"1", "on", "true", "yes", "y"}


class ListingForm(Form):
    """Filters, sort and page of a category or search page."""

    page = WholeNumberField("Page", invalid_message=PAGE_MESSAGE, validators=[
        Optional(), NumberRange(min=1, max=MAX_PAGE, message=PAGE_MESSAGE)])
    min_price = PriceField("Minimum price", validators=[Optional(), Length(max=20)])
    max_price = PriceField("Maximum price", validators=[Optional(), Length(max=20)])
    in_stock = LenientBooleanField("In stock only", validators=[Optional(), Length(max=10)])
    brand = StringField("Brand", validators=[Optional(), Length(max=80)])
    sort = SelectField("Sort by", choices=list(SORTS.items()), validate_choice=True,
                       default="featured")

    def validate_max_price(self, field):
        if self.min_price.cents is not None and field.cents is not None \
                and field.cents < self.min_price.cents:
            raise ValidationError("Maximum price must be at least the minimum price.")

    def error_messages(self) -> list[str]:
        """One readable message per bad field."""
        messages = []
        for name, errors in self.errors.items():
            for error in errors:
                if name == "sort":
                    error = f"Sort by must be one of: {', '.join(SORTS)}."
                label = getattr(self, name).label.text
                if not error.startswith(label):
                    error = f"{label}: {error}"
                if error not in messages:  # "abc" fails both parsing and the range
                    messages.append(error)
        return messages


LISTING_FIELDS = tuple(ListingForm().data)  # the query arguments the form reads
TYPED_FIELDS = ("min_price", "max_price")  # typed by a shopper: a mistake gets a message
