"""Staff forms for returns. Field names differ between forms because they share one page."""
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from shop.forms import NO_NUL, strip

NOTE_MAX = 500


def case_note(label: str, required: str = "", word: str = "note", optional: bool = True):
    """A staff note or reason on a return or claim: stripped, at most NOTE_MAX, no NUL.

    `required` is the message when it must be given; otherwise it may be left empty.
    `optional=False` keeps an empty note going through the form's own `validate_<field>`
    (WTForms' Optional() would stop the chain before it).
    """
    presence = [DataRequired(message=required)] if required else [Optional()] if optional else []
    return TextAreaField(label, filters=[strip], validators=[
        *presence, Length(max=NOTE_MAX, message=f"Keep the {word} under {NOTE_MAX} characters."),
        NO_NUL])


class ReturnApproveForm(FlaskForm):
    remedy = RadioField("Remedy", choices=[("refund", "Refund"), ("replacement", "Replacement")],
                        validators=[DataRequired(message="Choose refund or replacement.")])
    approve_note = case_note("Note for the file (optional)")


class ReturnRejectForm(FlaskForm):
    reject_reason = case_note("Reason (sent to the customer)",
                              required="Give the customer a reason.", word="reason")


class ReturnReceiveForm(FlaskForm):
    disposition = RadioField("The items", choices=[
        ("restock", "Go back into stock"), ("write_off", "Are written off (damaged, not resellable)")],
        validators=[DataRequired(message="Choose restock or write off.")])
    receive_note = case_note("Note (required for a write-off)", optional=False)

    def validate_receive_note(self, field):
        if self.disposition.data == "write_off" and not field.data:
            raise ValidationError("Say why the items are written off.")
