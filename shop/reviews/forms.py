"""The review form (shoppers) and the moderation forms (staff)."""
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from shop.forms import NO_NUL, NoNulForm, strip

RATING_CHOICES = [(5, "5 stars"), (4, "4 stars"), (3, "3 stars"), (2, "2 stars"),
                  (1, "1 star")]


class ReviewForm(FlaskForm):
    order_number = StringField("Order number", filters=[strip], validators=[
        DataRequired(message="Enter the order number from your confirmation email."),
        Length(max=20, message="An order number looks like IO-7K3M-9QX2.")])
    email = EmailField("Email used for the order", filters=[strip], validators=[
        DataRequired(message="Enter the email you ordered with."), Length(max=254),
        Email(message="Enter a valid email address.", check_deliverability=False)])
    rating = RadioField("Your rating", coerce=int, choices=RATING_CHOICES, validators=[
        DataRequired(message="Choose 1 to 5 stars.")])
    author = StringField("Name shown with the review", filters=[strip], validators=[
        DataRequired(message="Enter a name to show, e.g. your first name."),
        Length(max=60, message="Keep the name to 60 characters.")])
    title = StringField("Title", filters=[strip], validators=[
        Optional(), Length(max=120, message="Keep the title to 120 characters.")])
    body = TextAreaField("Your review", filters=[strip], validators=[
        DataRequired(message="Write a few words about the product."),
        Length(min=20, max=2000, message="A review is 20 to 2000 characters.")])


class ApproveForm(FlaskForm):
    """Publishing is a button: the CSRF token is the whole form."""


class RejectForm(NoNulForm):
    reason = StringField("Reason (for staff)", filters=[strip], validators=[
        DataRequired(message="Say why it is not published."),
        Length(max=500, message="Keep the reason to 500 characters."), NO_NUL])
