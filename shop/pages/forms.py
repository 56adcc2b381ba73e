"""The contact form."""
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length

from shop.forms import strip
from shop.pages.models import CONTACT_TOPICS


class ContactForm(FlaskForm):
    name = StringField("Your name", filters=[strip], validators=[DataRequired(message="Your name is required."),
                                                Length(max=120)])
    email = EmailField("Email", filters=[strip], validators=[
        DataRequired(message="Email is required."), Length(max=254),
        Email(message="Enter a valid email address.", check_deliverability=False)])
    topic = SelectField("Topic", choices=list(CONTACT_TOPICS))
    message = TextAreaField("Message", validators=[
        DataRequired(message="Message is required."),
        Length(min=5, max=5000, message="Message must be 5 to 5000 characters.")])
