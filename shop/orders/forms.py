"""Customer forms about an order: look it up, ask for a return, ask for a warranty repair."""
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange

from shop.forms import strip
from shop.rules import returns


class TrackForm(FlaskForm):
    number = StringField("Order number", filters=[strip], validators=[
        DataRequired(message="Order number is required."), Length(max=20)])
    email = EmailField("Email used for the order", filters=[strip], validators=[
        DataRequired(message="Email is required."), Length(max=254),
        Email(message="Enter a valid email address.", check_deliverability=False)])


class ReturnForm(FlaskForm):
    line_id = SelectField("Item", coerce=int, validators=[DataRequired(message="Choose an item.")])
    quantity = IntegerField("Quantity", default=1, validators=[
        DataRequired(message="Quantity is required."),
        NumberRange(min=1, max=99, message="Quantity must be from 1 to 99.")])
    reason = SelectField("Reason", choices=[(r.code, r.label)
                                            for r in returns.DEFAULT_RETURN_POLICY.reasons])
    remedy = SelectField("I'd like", choices=[("refund", "A refund"),
                                              ("replacement", "A replacement")])
    details = TextAreaField("Anything we should know", validators=[Length(max=2000)])


class ClaimForm(FlaskForm):
    line_id = SelectField("Item", coerce=int, validators=[DataRequired(message="Choose an item.")])
    component = SelectField("Part", validators=[DataRequired(message="Choose the part.")],
                            validate_choice=False)
    description = TextAreaField("What's wrong", validators=[
        DataRequired(message="Tell us what's wrong."), Length(min=10, max=2000,
                                                             message="Please describe it in 10 to 2000 characters.")])
