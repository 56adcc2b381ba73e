"""Stock forms: the list's filters, receiving goods, adjusting on-hand, the low-stock threshold.

The variant page shows three forms at once, so each field has its own HTML id.
"""
from flask_wtf import FlaskForm
from wtforms import Form, IntegerField, SelectField, StringField
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional,
                                ValidationError)

from shop.backoffice.stock_service import ADJUST_REASONS
from shop.catalog.forms import LenientBooleanField
from shop.forms import NO_NUL, strip

MAX_UNITS = 100_000


class StockFilterForm(Form):
    """The stock list's query string."""

    q = StringField("Search SKU or name", filters=[strip],
                    validators=[Optional(), Length(max=80), NO_NUL])
    low = LenientBooleanField("Low stock only", validators=[Optional(), Length(max=10)])
    page = IntegerField("Page", validators=[Optional(), NumberRange(
        min=1, max=10_000, message="Page must be a whole number from 1 to 10000.")])


class ReceiveForm(FlaskForm):
    quantity = IntegerField("Units received", id="receive-quantity", validators=[
        InputRequired(message="Units received is required."),
        NumberRange(min=1, max=MAX_UNITS,
                    message=f"Units received must be from 1 to {MAX_UNITS}.")])
    note = StringField("Supplier or PO (optional)", id="receive-note", filters=[strip],
                       validators=[Length(max=300, message="Note: at most 300 characters."),
                                   NO_NUL])


class AdjustForm(FlaskForm):
    quantity = IntegerField("Change in units (+ or -)", id="adjust-quantity", validators=[
        InputRequired(message="Change in units is required, like -2 or 3."),
        NumberRange(min=-MAX_UNITS, max=MAX_UNITS,
                    message=f"Change in units must be from -{MAX_UNITS} to {MAX_UNITS}.")])
    reason = SelectField("Reason", id="adjust-reason", choices=list(ADJUST_REASONS.items()))
    note = StringField("Note (required)", id="adjust-note", filters=[strip], validators=[
        DataRequired(message="Note is required: say what happened."),
        Length(max=300, message="Note: at most 300 characters."), NO_NUL])

    def validate_quantity(self, field):
        if field.data == 0:
            raise ValidationError("Change in units can't be zero.")


class ThresholdForm(FlaskForm):
    threshold = IntegerField("Low-stock threshold", id="threshold", validators=[
        InputRequired(message="Low-stock threshold is required."),
        NumberRange(min=0, max=MAX_UNITS,
                    message=f"Low-stock threshold must be from 0 to {MAX_UNITS}.")])
