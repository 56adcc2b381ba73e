"""Staff forms for returns. Field names differ between forms because they share one page."""
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from shop.forms import NO_NUL, strip

NOTE_MAX = 500


class ReturnApproveForm(FlaskForm):
    remedy = RadioField("Remedy", choices=[("refund", "Refund"), ("replacement", "Replacement")],
                        validators=[DataRequired(message="Choose refund or replacement.")])
    approve_note = TextAreaField("Note for the file (optional)", filters=[strip], validators=[
        Optional(), Length(max=NOTE_MAX, message=f"Keep the note under {NOTE_MAX} characters."), NO_NUL])


class ReturnRejectForm(FlaskForm):
    reject_reason = TextAreaField("Reason (sent to the customer)", filters=[strip], validators=[
        DataRequired(message="Give the customer a reason."),
        Length(max=NOTE_MAX, message=f"Keep the reason under {NOTE_MAX} characters."), NO_NUL])


class ReturnReceiveForm(FlaskForm):
    disposition = RadioField("The items", choices=[
        ("restock", "Go back into stock"), ("write_off", "Are written off (damaged, not resellable)")],
        validators=[DataRequired(message="Choose restock or write off.")])
    receive_note = TextAreaField("Note (required for a write-off)", filters=[strip], validators=[
        Length(max=NOTE_MAX, message=f"Keep the note under {NOTE_MAX} characters."), NO_NUL])

    def validate_receive_note(self, field):
        if self.disposition.data == "write_off" and not field.data:
            raise ValidationError("Say why the items are written off.")
