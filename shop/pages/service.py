"""Store a contact message for staff and acknowledge it to the address given.

The acknowledgement goes to an address anyone can type, so it has fixed wording only:
never the visitor's name or message (else the form relays their text to any inbox).
Staff read the message itself in the back office.
"""
from shop.extensions import db
from shop.orders import emails
from shop.pages.models import ContactMessage

ACKNOWLEDGEMENT_SUBJECT = "We got your message"


def receive_message(name: str, email: str, topic: str, message: str) -> ContactMessage:
    record = ContactMessage(name=name.strip(), email=email.strip().lower(), topic=topic,
                            message=message.strip())
    db.session.add(record)
    db.session.flush()
    emails.queue("contact_received", f"contact-{record.id}", record.email,
                 ACKNOWLEDGEMENT_SUBJECT, "contact_received.txt")
    db.session.commit()
    return record
