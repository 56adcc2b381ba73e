"""Sign-in and password forms."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from shop.accounts.models import ROLES
from shop.forms import NO_NUL, strip


class LoginForm(FlaskForm):
    email = EmailField("Email", filters=[strip], validators=[
        DataRequired(message="Email is required."), Length(max=254)])
    password = PasswordField("Password", validators=[
        DataRequired(message="Password is required."), Length(max=200)])


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[
        DataRequired(message="Current password is required.")])
    new = PasswordField("New password", validators=[
        DataRequired(message="New password is required."), Length(min=12, max=200,
                                                                message="Use 12 to 200 characters.")])
    confirm = PasswordField("Repeat the new password", validators=[
        EqualTo("new", message="The two new passwords differ.")])


class StaffForm(FlaskForm):
    email = EmailField("Email", filters=[strip], validators=[
        DataRequired(message="Email is required."), Length(max=254),
        Email(message="Enter a valid email address.", check_deliverability=False)])
    name = StringField("Name", filters=[strip], validators=[Length(max=120), NO_NUL])
    role = SelectField("Role", choices=[(r, r.title()) for r in ROLES])
    password = PasswordField("Temporary password", validators=[
        DataRequired(message="Password is required."), Length(min=12, max=200,
                                                             message="Use 12 to 200 characters.")])
