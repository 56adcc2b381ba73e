"""Store a contact message for staff and confirm it to the customer by email."""
from shop.extensions import db
from shop.orders import emails
from shop.pages.models import ContactMessage


def receive_message(name: str, email: str, topic: str, message: str) -> ContactMessage:
    record = ContactMessage(name=name.strip(), email=email.strip().lower(), topic=topic,
                            message=message.strip())
    db.session.add(record)
    db.session.flush()
    emails.queue("contact_received", f"contact-{record.id}", record.email,
                 "We got your message", "contact_received.txt", message=record)
    db.session.commit()
    return record
