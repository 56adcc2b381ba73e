"""The manager's discount code form: what the code takes off, when, how often, on what."""
from datetime import datetime, time
from zoneinfo import ZoneInfo

from wtforms import DateField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from shop.catalog.forms import PriceField
from shop.discounts import service
from shop.forms import NO_NUL, NoNulForm, WholeNumberField, strip
from shop.rules import discounts as rules


class DiscountCodeForm(NoNulForm):
    code = StringField("Code", filters=[strip], validators=[
        DataRequired(message="Code is required."), Length(max=service.CODE_MAX),
        Regexp(r"^[A-Za-z0-9_-]+$", message="Code: letters, digits, - and _ only.")],
        description="Customers type it in the cart; kept in upper case.")
    kind = SelectField("Kind", choices=list(rules.KIND_LABELS.items()),
                       validators=[DataRequired()])
    percent = WholeNumberField("Percent off", validators=[
        Optional(), NumberRange(min=1, max=100, message="Percent off: from 1 to 100.")])
    amount = PriceField("Amount off ($)", filters=[strip], validators=[Optional(), Length(max=20)])
    min_subtotal = PriceField("Minimum subtotal ($)", filters=[strip],
                              validators=[Optional(), Length(max=20)],
                              description="Empty: any subtotal. A code limited to categories or "
                              "products counts only their items towards the minimum, and "
                              "its free shipping covers only their share of the shipping.")
    starts_on = DateField("Valid from (shop's date)", validators=[Optional()])
    ends_on = DateField("Valid until, inclusive (shop's date)", validators=[Optional()])
    max_uses = WholeNumberField("Total uses allowed", validators=[
        Optional(), NumberRange(min=1, max=10_000_000)], description="Empty: no limit.")
    per_email_limit = WholeNumberField("Uses per customer email", validators=[
        Optional(), NumberRange(min=1, max=1000)], description="Empty: no limit.")
    categories = SelectMultipleField("Only these categories", coerce=int, validators=[Optional()])
    products = SelectMultipleField("Only these products", coerce=int, validators=[Optional()],
                                   description="Neither chosen: the whole cart.")
    note = StringField("Note for staff", filters=[strip], validators=[Optional(), Length(max=200),
                                                                      NO_NUL])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories.choices = service.category_choices()
        self.products.choices = service.product_choices()

    def validate(self, extra_validators=None) -> bool:
        """Fields first, then what the kind needs (Optional() fields skip their own checks
        when empty, so these are checked here)."""
        valid = super().validate(extra_validators)
        if self.kind.data == rules.PERCENT and not self.percent.data:
            self.percent.errors.append("Percent off is required for a percent discount.")
            valid = False
        if self.kind.data == rules.FIXED and not (self.amount.cents and self.amount.cents > 0):
            self.amount.errors.append("Amount off is required for an amount discount.")
            valid = False
        if self.starts_on.data and self.ends_on.data and self.ends_on.data < self.starts_on.data:
            self.ends_on.errors.append("Valid until must not be before valid from.")
            valid = False
        return valid

    def values(self, zone_name: str) -> service.CodeValues:
        """The form as the service takes it: dates become UTC instants in the shop's zone."""
        zone = ZoneInfo(zone_name)
        starts = datetime.combine(self.starts_on.data, time.min, zone) if self.starts_on.data else None
        ends = datetime.combine(self.ends_on.data, time.max, zone) if self.ends_on.data else None
        return service.CodeValues(
            code=self.code.data, kind=self.kind.data, percent=self.percent.data or 0,
            amount_cents=self.amount.cents or 0, min_subtotal_cents=self.min_subtotal.cents or 0,
            starts_at=starts, ends_at=ends, max_uses=self.max_uses.data,
            per_email_limit=self.per_email_limit.data, category_ids=list(self.categories.data or []),
            product_ids=list(self.products.data or []), note=self.note.data or "")


class ActiveForm(NoNulForm):
    """Deactivate or reactivate a code."""
    active = HiddenField("Active", validators=[DataRequired(), Regexp(r"^(yes|no)$")])
