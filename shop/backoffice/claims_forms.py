"""Staff forms for warranty claims. Field names differ between forms because they share one page."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField
from wtforms.validators import DataRequired

from shop.backoffice.returns_forms import case_note


class ClaimApproveForm(FlaskForm):
    claim_remedy = RadioField("Approve a", choices=[("repair", "Repair"),
                                                    ("replacement", "Replacement")],
                              validators=[DataRequired(message="Choose repair or replacement.")])
    goodwill = BooleanField("Goodwill: approve although the warranty rules say it is not covered")
    claim_note = case_note("Note for the file (optional)")


class ClaimRejectForm(FlaskForm):
    claim_reject_reason = case_note("Reason (sent to the customer)",
                                    required="Give the customer a reason.", word="reason")


class ClaimCloseForm(FlaskForm):
    close_note = case_note("What was done (sent to the customer, optional)")
