"""Helpers shared by every area's forms."""
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import Regexp

# PostgreSQL cannot store NUL characters in text: refuse them at the field, not with a 500.
# (Customer forms never see one: shop.security refuses the request first.)
NUL_MESSAGE = "Remove the NUL character."
NO_NUL = Regexp(r"^[^\x00]*$", message=NUL_MESSAGE)


class NoNulForm(FlaskForm):
    """A form whose every text field refuses NUL characters, as if each had NO_NUL."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and "\x00" in field.data:
                field.errors.append(NUL_MESSAGE)
                valid = False
        return valid


def error_messages(form) -> list[str]:
    """One message per error, each naming its field ("Quantity: Not a valid integer value.")."""
    messages = []
    for name, errors in form.errors.items():
        field = getattr(form, name, None)
        label = field.label.text if field is not None else name
        for error in errors:
            messages.append(error if error.startswith(label) else f"{label}: {error}")
    return messages


def first_error(form) -> str:
    messages = error_messages(form)
    return messages[0] if messages else "Please check the form."


def strip(value):
    """A WTForms filter: trim surrounding whitespace from typed text."""
    return value.strip() if isinstance(value, str) else value


class WholeNumberField(IntegerField):
    """An IntegerField whose parse error says what to type ("Enter a whole number, like 2.")."""

    def __init__(self, *args, invalid_message="Enter a whole number, like 2.", **kwargs):
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.invalid_message) from None
