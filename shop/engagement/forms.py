"""Forms for back-in-stock alerts and, in the back office, goes-with links."""
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField
from wtforms.validators import DataRequired, Email, Length

from shop.forms import NO_NUL, NoNulForm, strip


class BackInStockForm(FlaskForm):
    email = EmailField("Email", filters=[strip], validators=[
        DataRequired(message="Enter your email address."), Length(max=254),
        Email(message="Enter a valid email address.", check_deliverability=False)])
    sku = HiddenField("SKU", filters=[strip], validators=[
        DataRequired(message="Choose the option you want."), Length(max=64)])


class TokenForm(FlaskForm):
    """Confirm or unsubscribe: a button, so a mail scanner opening the link changes nothing."""


class GoesWithAddForm(NoNulForm):
    accessory_slug = StringField("Accessory (its slug)", filters=[strip], validators=[
        DataRequired(message="Type the accessory's slug, e.g. j-cups-pair."),
        Length(max=120), NO_NUL])

