"""Customer account forms: sign-up, sign-in, passwords, addresses, deleting the account."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import (DataRequired, Email, EqualTo, Length, Optional,
                                ValidationError)

from shop.accounts.service import MIN_PASSWORD_LENGTH
from shop.checkout.forms import POSTAL_CODES, checked_region
from shop.forms import strip
from shop.rules import regions, shipping


def _email_field():
    return EmailField("Email", filters=[strip], validators=[
        DataRequired(message="Email is required."), Length(max=254),
        Email(message="Enter a valid email address.", check_deliverability=False)])


def _new_password_field(label="Password"):
    return PasswordField(label, validators=[
        DataRequired(message=f"{label} is required."),
        Length(min=MIN_PASSWORD_LENGTH, max=200,
               message=f"Use {MIN_PASSWORD_LENGTH} to 200 characters.")])


class SignUpForm(FlaskForm):
    name = StringField("Name (optional)", filters=[strip], validators=[Optional(), Length(max=120)])
    email = _email_field()
    password = _new_password_field()
    confirm = PasswordField("Repeat the password", validators=[
        EqualTo("password", message="The two passwords differ.")])


class SignInForm(FlaskForm):
    email = EmailField("Email", filters=[strip], validators=[
        DataRequired(message="Email is required."), Length(max=254)])
    password = PasswordField("Password", validators=[
        DataRequired(message="Password is required."), Length(max=200)])


class ForgotForm(FlaskForm):
    email = _email_field()


class ResetForm(FlaskForm):
    password = _new_password_field("New password")
    confirm = PasswordField("Repeat the new password", validators=[
        EqualTo("password", message="The two passwords differ.")])


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[
        DataRequired(message="Current password is required."), Length(max=200)])
    new = _new_password_field("New password")
    confirm = PasswordField("Repeat the new password", validators=[
        EqualTo("new", message="The two new passwords differ.")])


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password, to confirm", validators=[
        DataRequired(message="Enter your password to delete the account."), Length(max=200)])
    confirm = BooleanField("I understand my account and saved addresses are erased",
                           validators=[DataRequired(message="Tick the box to confirm.")])


class ButtonForm(FlaskForm):
    """A form that is only a button (CSRF token included)."""


class AddressForm(FlaskForm):
    name = StringField("Full name", filters=[strip], validators=[
        DataRequired(message="Full name is required."), Length(max=120)])
    phone = StringField("Phone (for the carrier)", filters=[strip],
                        validators=[Optional(), Length(max=40)])
    address1 = StringField("Address", filters=[strip], validators=[
        DataRequired(message="Address is required."), Length(max=200)])
    address2 = StringField("Apartment, suite (optional)", filters=[strip],
                           validators=[Optional(), Length(max=200)])
    city = StringField("City", filters=[strip], validators=[
        DataRequired(message="City is required."), Length(max=100)])
    region = StringField("State / province", filters=[strip],
                         validators=[Length(max=regions.MAX_TYPED)])
    postal_code = StringField("ZIP / postal code", filters=[strip], validators=[Length(max=20)])
    country = SelectField("Country", validators=[DataRequired(message="Country is required.")])
    make_default = BooleanField("Use this address by default at checkout")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = shipping.countries_served()

    def validate_region(self, field):
        field.data = checked_region(self.country.data, field.data or "")

    def validate_postal_code(self, field):
        value = (field.data or "").strip().upper()
        field.data = value
        rule = POSTAL_CODES.get(self.country.data)
        if rule and not rule[0].match(value):
            raise ValidationError(rule[1])
