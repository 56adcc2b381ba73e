"""Cart forms: add, change quantity, remove, choose where to ship."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from shop.cart.service import MAX_QUANTITY
from shop.forms import WholeNumberField, strip


class AddToCartForm(FlaskForm):
    sku = HiddenField("Product option", validators=[DataRequired(), Length(max=64)])
    quantity = WholeNumberField("Quantity", default=1, validators=[
        InputRequired(message="Quantity is required."),
        NumberRange(min=1, max=MAX_QUANTITY, message=f"Quantity must be from 1 to {MAX_QUANTITY}.")])


# A variant's id: at most 9 digits, so always within a PostgreSQL integer (a larger number
# would make the database raise instead of finding no line).
VARIANT_ID = Regexp(r"^\d{1,9}$", message="That item is not in your cart.")


class UpdateLineForm(FlaskForm):
    variant_id = HiddenField("Item", validators=[DataRequired(), VARIANT_ID])
    quantity = WholeNumberField("Quantity", validators=[
        InputRequired(message="Quantity is required."),
        NumberRange(min=0, max=MAX_QUANTITY, message=f"Quantity must be from 0 to {MAX_QUANTITY}.")])


class RemoveLineForm(FlaskForm):
    variant_id = HiddenField("Item", validators=[DataRequired(), VARIANT_ID])


class DestinationForm(FlaskForm):
    country = SelectField("Ship to", validators=[DataRequired()])
    region = StringField("State / province", validators=[
        Optional(), Length(max=3), Regexp(r"^[A-Za-z]{2,3}$", message="Use the 2-letter code, like NY or ON.")])


class DiscountCodeForm(FlaskForm):
    code = StringField("Discount code", filters=[strip], validators=[
        DataRequired(message="Enter a discount code."), Length(max=40, message="That code is too long."),
        Regexp(r"^[A-Za-z0-9_-]+$", message="A code has only letters, digits, - and _.")])


class RemoveDiscountForm(FlaskForm):
    """Only the CSRF token: take the code off the cart."""
