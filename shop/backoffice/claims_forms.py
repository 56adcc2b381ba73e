"""Staff forms for warranty claims. Field names differ between forms because they share one page."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from shop.backoffice.returns_forms import NOTE_MAX
from shop.forms import NO_NUL, strip


class ClaimApproveForm(FlaskForm):
    claim_remedy = RadioField("Approve a", choices=[("repair", "Repair"),
                                                    ("replacement", "Replacement")],
                              validators=[DataRequired(message="Choose repair or replacement.")])
    goodwill = BooleanField("Goodwill: approve although the warranty rules say it is not covered")
    claim_note = TextAreaField("Note for the file (optional)", filters=[strip], validators=[
        Optional(), Length(max=NOTE_MAX, message=f"Keep the note under {NOTE_MAX} characters."), NO_NUL])


class ClaimRejectForm(FlaskForm):
    claim_reject_reason = TextAreaField("Reason (sent to the customer)", filters=[strip], validators=[
        DataRequired(message="Give the customer a reason."),
        Length(max=NOTE_MAX, message=f"Keep the reason under {NOTE_MAX} characters."), NO_NUL])


class ClaimCloseForm(FlaskForm):
    close_note = TextAreaField("What was done (sent to the customer, optional)", filters=[strip],
                               validators=[Optional(), Length(
                                   max=NOTE_MAX, message=f"Keep the note under {NOTE_MAX} characters."), NO_NUL])
