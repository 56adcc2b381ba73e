"""The checkout form: contact, address (checked per country), shipping method, options."""
import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from shop.forms import strip
from shop.rules import regions, shipping

POSTAL_CODES = {
    "US": (re.compile(r"^\d{5}(-\d{4})?$"), "Use a 5-digit ZIP code, like 10001 or 10001-1234."),
    "CA": (re.compile(r"^[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d$"),
           "Use a Canadian postal code, like K1A 0B1."),
}


def unknown_region(value: str, kind: str, examples: str) -> str:
    """The message for a state or province we don't know, in the customer's words."""
    how = f"Enter your {kind} as a 2-letter code, like {examples}, or its full name."
    return f"We don't know \u201c{value}\u201d as a {kind}. {how}" if value else how


def checked_region(country: str, typed: str) -> str:
    """The region code of what the customer typed ("New York" or "ny": NY); raises
    ValidationError, saying how to write it, when it names no state or province."""
    value = regions.region_code(country, typed)
    config = shipping.DEFAULT_SHIPPING_CONFIG
    if country == "US" and value not in config.us_contiguous_regions + config.us_remote_regions:
        raise ValidationError(unknown_region(value, "state", "NY or CA"))
    if country == "CA" and value not in regions.CANADIAN_PROVINCES:
        raise ValidationError(unknown_region(value, "province", "ON or BC"))
    if len(value) > regions.MAX_CODE:  # elsewhere a name is not read: the column holds a code
        raise ValidationError("Outside the US and Canada, leave this empty or use a code of up "
                              "to 3 letters; put the county or region in the address.")
    return value


def _required(label):
    return DataRequired(message=f"{label} is required.")


class CheckoutForm(FlaskForm):
    email = EmailField("Email", filters=[strip], validators=[_required("Email"), Length(max=254),
                                            Email(message="Enter a valid email address.",
                                                  check_deliverability=False)])
    name = StringField("Full name", filters=[strip], validators=[_required("Full name"), Length(max=120)])
    phone = StringField("Phone (for the carrier)", filters=[strip], validators=[Optional(), Length(max=40)])
    address1 = StringField("Address", filters=[strip], validators=[_required("Address"), Length(max=200)])
    address2 = StringField("Apartment, suite (optional)", filters=[strip], validators=[Optional(), Length(max=200)])
    city = StringField("City", filters=[strip], validators=[_required("City"), Length(max=100)])
    # no Optional(): it would stop the chain before the per-country checks below on an empty field
    region = StringField("State / province", filters=[strip],
                         validators=[Length(max=regions.MAX_TYPED)])
    postal_code = StringField("ZIP / postal code", filters=[strip], validators=[Length(max=20)])
    country = SelectField("Country", validators=[_required("Country")])
    shipping_method = RadioField("Shipping method", validators=[_required("Shipping method")],
                                 validate_choice=False)
    discreet = BooleanField("Discreet packaging (free): plain box, no product names on the label")
    note = TextAreaField("Order note (optional)", validators=[Optional(), Length(max=1000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = shipping.countries_served()

    def chosen_method_label(self) -> str:
        """The name of the shipping method the customer chose ("" if none or unknown)."""
        text = shipping.DEFAULT_SHIPPING_CONFIG.methods.get(self.shipping_method.data or "")
        return text.label if text else ""

    def validate_region(self, field):
        field.data = checked_region(self.country.data, field.data or "")

    def validate_postal_code(self, field):
        value = (field.data or "").strip().upper()
        field.data = value
        rule = POSTAL_CODES.get(self.country.data)
        if rule and not rule[0].match(value):
            raise ValidationError(rule[1])
        if not rule and not value and self.country.data not in ("IE",):
            raise ValidationError("Postal code is required.")
