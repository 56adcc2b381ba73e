"""Order forms: the list's filters, shipping details, notes, cancelling and refunds."""
import re
from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, URL, ValidationError

from shop.backoffice import carriers
from shop.catalog.forms import dollars_to_cents
from shop.forms import NO_NUL, strip
from shop.orders.models import ORDER_STATUSES
from shop.orders.presenters import STATUS_LABELS
from shop.rules.shipping import METHOD_TEXT

DISCREET_CHOICES = [("", "Any"), ("yes", "Discreet only"), ("no", "Not discreet")]


class DateText(StringField):
    """A date typed as YYYY-MM-DD, exposed as `day` (None when empty)."""

    day = None

    def pre_validate(self, form):
        self.day = None
        if self.data:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", self.data):
                raise ValidationError(
                    f"{self.label.text} must be a date like 2026-01-31 (YYYY-MM-DD).")
            try:
                self.day = date.fromisoformat(self.data)
            except ValueError:
                raise ValidationError(
                    f"{self.label.text}: {self.data} is not a real date.") from None


class OrderFilterForm(Form):
    """The order list's query string; every bad value gets a message naming its field."""

    q = StringField("Search number, email or name", filters=[strip],
                    validators=[Optional(), Length(max=120), NO_NUL])
    status = SelectField("Status", choices=[("", "Any status")] + [
        (s, STATUS_LABELS.get(s, s)) for s in ORDER_STATUSES], default="")
    method = SelectField("Shipping method", choices=[("", "Any method")] + [
        (code, text.label) for code, text in METHOD_TEXT.items()], default="")
    discreet = SelectField("Discreet packaging", choices=DISCREET_CHOICES, default="")
    created_from = DateText("Created from", filters=[strip], validators=[Optional()])
    created_to = DateText("Created to", filters=[strip], validators=[Optional()])
    paid_from = DateText("Paid from", filters=[strip], validators=[Optional()])
    paid_to = DateText("Paid to", filters=[strip], validators=[Optional()])
    page = IntegerField("Page", validators=[Optional(), NumberRange(
        min=1, max=10_000, message="Page must be a whole number from 1 to 10000.")])

    def validate_created_to(self, field):
        _check_range(self.created_from, field)

    def validate_paid_to(self, field):
        _check_range(self.paid_from, field)

    def error_messages(self) -> list[str]:
        """One message per bad field, each naming it."""
        messages = []
        for name, errors in self.errors.items():
            field = getattr(self, name)
            for error in errors:
                if isinstance(field, SelectField) and "valid choice" in error:
                    choices = ", ".join(value for value, _ in field.choices if value)
                    error = f"{field.label.text} must be one of: {choices}."
                if name == "page" and "valid integer" in error:
                    continue  # NumberRange says it better
                messages.append(error if error.startswith(field.label.text)
                                else f"{field.label.text}: {error}")
        return messages


def _check_range(start: DateText, end: DateText) -> None:
    if start.day and end.day and end.day < start.day:
        raise ValidationError(f"{end.label.text} must be on or after {start.label.text.lower()}.")


class ActionForm(FlaskForm):
    """A button that moves an order on (pack, deliver): only the CSRF token."""


class ShipForm(FlaskForm):
    carrier = SelectField("Carrier", choices=[(c.code, c.label) for c in carriers.CARRIERS])
    freight_name = StringField("Freight company (for freight)", filters=[strip],
                               validators=[Length(max=40), NO_NUL])
    tracking_number = StringField("Tracking number", filters=[carriers.normalise_tracking_number],
                                  validators=[DataRequired(message="Tracking number is required.")])
    tracking_url = StringField("Tracking page (freight only, optional)", filters=[strip],
                               validators=[Optional(), Length(max=300), NO_NUL, URL(
                                   require_tld=True, message="Tracking page must be a web address "
                                                             "starting with https://.")])

    def validate_tracking_number(self, field):
        if not carriers.is_valid_tracking_number(field.data):
            raise ValidationError("Tracking number must be 6 to 40 letters and digits.")

    def validate_freight_name(self, field):
        if self.carrier.data == carriers.FREIGHT and not field.data:
            raise ValidationError("Freight company is required when the carrier is freight.")

    def validate_tracking_url(self, field):
        if field.data and self.carrier.data != carriers.FREIGHT:
            raise ValidationError("Only freight shipments take a tracking page; the other "
                                  "carriers' pages are built from the number.")
        if field.data and not field.data.startswith(("https://", "http://")):
            raise ValidationError("Tracking page must be a web address starting with https://.")


class TrackingForm(ShipForm):
    """Correct a shipped order's carrier or tracking number."""
    # the tracking number the page showed: a change made meanwhile by someone else is refused
    seen_tracking = HiddenField()


class NoteForm(FlaskForm):
    note = TextAreaField("Staff note (only staff see it)", filters=[strip], validators=[
        DataRequired(message="Staff note is empty."),
        Length(max=500, message="Staff note: at most 500 characters."), NO_NUL])


class CancelForm(FlaskForm):
    reason = StringField("Why cancel", filters=[strip], validators=[
        DataRequired(message="Why cancel is required (the customer sees it)."),
        Length(max=300, message="Why cancel: at most 300 characters."), NO_NUL])


class RefundedAtStripeForm(FlaskForm):
    """Cancel an order whose payment in another currency was refunded in Stripe's dashboard."""
    refunded_at_stripe = BooleanField("I refunded this payment in the Stripe dashboard",
                                      validators=[DataRequired(
                                          message="Tick \"I refunded this payment in the Stripe "
                                                  "dashboard\" once you have refunded it there.")])
    note = StringField("Note (the customer sees it)", filters=[strip], validators=[
        DataRequired(message="Note is required (the customer sees it)."),
        Length(max=300, message="Note: at most 300 characters."), NO_NUL])


class RefundForm(FlaskForm):
    amount = StringField("Amount ($)", filters=[strip], validators=[
        DataRequired(message="Amount is required, like 25 or 19.99."), Length(max=20)])
    reason = StringField("Reason", filters=[strip], validators=[
        DataRequired(message="Reason is required."),
        Length(max=300, message="Reason: at most 300 characters."), NO_NUL])
    # A fresh value each time the form is shown: submitting the same form twice refunds once.
    request_id = HiddenField(validators=[DataRequired()])
    cents = None

    def validate_amount(self, field):
        try:
            self.cents = dollars_to_cents(field.data)
        except ValueError as error:
            raise ValidationError(f"Amount {error}.") from None
        if self.cents <= 0:
            raise ValidationError("Amount must be more than zero.")

    def validate_request_id(self, field):
        if not re.fullmatch(r"[0-9a-f]{32}", field.data or ""):
            raise ValidationError("This form is out of date; reload the page.")
