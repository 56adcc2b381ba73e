"""Staff form for replying to a contact message."""
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from shop.forms import NO_NUL, strip


class MessageReplyForm(FlaskForm):
    reply = TextAreaField("Reply (emailed to the customer as written)", filters=[strip],
                          render_kw={"rows": 8}, validators=[
        DataRequired(message="Write a reply."),
        Length(max=5000, message="Keep the reply under 5000 characters."), NO_NUL])
