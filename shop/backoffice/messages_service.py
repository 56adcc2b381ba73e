"""Staff handling of contact messages: the queue, a message's page, reply, mark answered."""
import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shop.accounts.service import record
from shop.backoffice.casework import (AlreadyHandled, NotFound, audit_history, chosen_statuses,
                                      set_case_status, transaction)
from shop.extensions import db
from shop.orders import emails
from shop.orders.models import OutgoingEmail
from shop.pages.models import ContactMessage
from shop.pagination import Page, paginate

MESSAGE_STATUSES = ("new", "answered")


def message_queue(status: str, page: int = 1) -> Page:
    statuses = chosen_statuses(status, MESSAGE_STATUSES, ("new",))
    query = (select(ContactMessage).where(ContactMessage.status.in_(statuses))
             .order_by(ContactMessage.created_at.desc(), ContactMessage.id.desc()))
    return paginate(query, page, build=lambda row: row[0])


@dataclass(frozen=True)
class MessagePage:
    message: ContactMessage
    replies: list
    history: list


def message_page(message_id: int) -> MessagePage | None:
    message = db.session.get(ContactMessage, message_id)
    if message is None:
        return None
    replies = db.session.scalars(select(OutgoingEmail).where(
        OutgoingEmail.kind == "message_reply",
        OutgoingEmail.dedupe_key.startswith(f"message-{message_id}-"))
        .order_by(OutgoingEmail.id)).all()
    return MessagePage(message, replies, audit_history("contact_message", message_id))


def _require_message(message_id: int) -> ContactMessage:
    message = db.session.get(ContactMessage, message_id)
    if message is None:
        raise NotFound("There is no such message.")
    return message


def reply_to_message(message_id: int, reply: str, shop_name: str, actor: str) -> None:
    """Email a reply and mark the message answered. The same reply twice is sent once."""
    message = _require_message(message_id)
    before = message.status
    digest = hashlib.sha256(reply.encode()).hexdigest()[:16]
    try:
        with transaction():
            set_case_status(ContactMessage, message_id, "new", "answered")
            emails.queue("message_reply", f"message-{message_id}-{digest}", message.email,
                         f"Re: your message to {shop_name}", "message_reply.txt",
                         message=message, reply=reply)
            db.session.flush()  # the unique (kind, key) refuses a second identical reply here
            record(actor, "message_replied", "contact_message", message_id,
                   before={"status": before}, after={"status": "answered"}, note=reply)
    except IntegrityError:
        raise AlreadyHandled("That reply was already sent; it was not sent again.") from None


def mark_answered(message_id: int, actor: str) -> None:
    _require_message(message_id)
    with transaction():
        if not set_case_status(ContactMessage, message_id, "new", "answered"):
            raise AlreadyHandled("This message is already answered; nothing was changed.")
        record(actor, "message_marked_answered", "contact_message", message_id,
               before={"status": "new"}, after={"status": "answered"},
               note="Answered without a reply")
