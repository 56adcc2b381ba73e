"""Contact messages in the back office: the queue, a message's page, reply, mark answered."""
from flask import abort, current_app, render_template, url_for

from shop.backoffice import actor, bp
from shop.backoffice import messages_service as service
from shop.backoffice.casework_views import queue_args, run_step
from shop.backoffice.messages_forms import MessageReplyForm
from shop.backoffice.order_forms import ActionForm
from shop.pages.models import CONTACT_TOPICS

TOPICS = dict(CONTACT_TOPICS)


@bp.get("/messages")
def messages():
    status, page = queue_args("new")
    listing = service.message_queue(status, page)
    return render_template("admin/messages/list.html", listing=listing,
                           status=status, statuses=service.MESSAGE_STATUSES, topics=TOPICS)


def _message_response(message_id: int, status: int = 200, **forms):
    page = service.message_page(message_id)
    if page is None:
        abort(404)
    forms = {"reply_form": MessageReplyForm(formdata=None), **forms}
    return render_template("admin/messages/detail.html", page=page, topics=TOPICS,
                           **forms), status


@bp.get("/messages/<int:message_id>")
def message_detail(message_id):
    return _message_response(message_id)


@bp.post("/messages/<int:message_id>/reply")
def message_reply(message_id):
    form = MessageReplyForm()
    if not form.validate():
        return _message_response(message_id, 400, reply_form=form)
    return run_step(lambda: service.reply_to_message(message_id, form.reply.data,
                                                     current_app.config["SHOP_NAME"], actor()),
                    "Reply sent; the message is marked answered.",
                    lambda status: _message_response(message_id, status),
                    url_for("admin.message_detail", message_id=message_id))


@bp.post("/messages/<int:message_id>/answered")
def message_answered(message_id):
    if not ActionForm().validate():
        return _message_response(message_id, 400)
    return run_step(lambda: service.mark_answered(message_id, actor()),
                    "Marked answered (no reply sent).",
                    lambda status: _message_response(message_id, status),
                    url_for("admin.messages"))
