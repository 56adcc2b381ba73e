"""The contact form stores the message for staff and acknowledges it with fixed wording."""
import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.orders import emails
from shop.orders.models import OutgoingEmail
from shop.pages.models import ContactMessage
from tests.helpers import csrf_token, flashes


@pytest.fixture
def app_settings(smtp_server):
    return {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port}


def send(client, **changes):
    data = {"name": "Alex", "email": "alex@example.com", "topic": "choosing",
            "message": "Will the Summit rack fit under an 88 in. ceiling?", **changes,
            "csrf_token": csrf_token(client, "/contact")}
    return client.post("/contact", data=data, follow_redirects=True)


def test_a_message_is_stored_for_staff_and_acknowledged_by_email(client, smtp_server):
    # when a visitor sends a message
    response = send(client)
    # then staff have it, whole, and an acknowledgement waits in the outbox
    assert response.status_code == 200 and "We got your message" in flashes(response)
    stored = db.session.scalar(select(ContactMessage))
    assert (stored.email, stored.topic, stored.status) == ("alex@example.com", "choosing", "new")
    assert "88 in. ceiling" in stored.message
    queued = db.session.scalar(select(OutgoingEmail))
    assert (queued.to, queued.kind, queued.status) == ("alex@example.com", "contact_received",
                                                       "queued")
    # and the request itself sent nothing: the worker does, later
    assert smtp_server.messages == []
    assert emails.send_pending() == (1, 0)
    assert "answer within one business day" in smtp_server.bodies("alex@example.com")[0]


def test_the_acknowledgement_never_repeats_the_visitors_words(client, smtp_server):
    # given two messages typed with a stranger's address, carrying spam in the name and text
    send(client, email="victim@example.com", name="Cheap pills at spam.example",
         message="Visit http://spam.example/pills for 90% off")
    send(client, email="other@example.com", name="Alex", message="Does the rack fold flat?")
    # when the worker sends the acknowledgements
    assert emails.send_pending() == (2, 0)
    # then the stranger's inbox gets fixed wording only: no name, no message
    outbox = db.session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.id)).all()
    assert outbox[0].body == outbox[1].body and outbox[0].subject == outbox[1].subject
    received = smtp_server.bodies("victim@example.com")[0]
    for words in ("spam.example", "Cheap pills", "90% off"):
        assert words not in received and words not in outbox[0].subject
    assert "Alex" not in smtp_server.bodies("other@example.com")[0]
    # while staff still have the message as written
    assert db.session.scalar(select(ContactMessage).where(
        ContactMessage.email == "victim@example.com")).message.startswith("Visit http://spam")


@pytest.mark.parametrize("field, value, message", [
    ("email", "alex", "Enter a valid email address."),
    ("message", "", "Message is required."),
    ("message", "x" * 5001, "Message must be 5 to 5000 characters."),
    ("topic", "spam", "Not a valid choice"),
])
def test_bad_input_is_refused_at_the_field(client, field, value, message):
    data = {"name": "Alex", "email": "alex@example.com", "topic": "choosing", "message": "Hello there",
            field: value, "csrf_token": csrf_token(client, "/contact")}
    response = client.post("/contact", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(ContactMessage)) is None


def test_html_in_a_message_is_stored_as_text_and_shown_escaped(client, smtp_server):
    send(client, message="<script>alert(1)</script> hello")
    assert db.session.scalar(select(ContactMessage)).message.startswith("<script>")
    assert "<script>alert(1)" not in client.get("/contact").get_data(as_text=True)


def test_contact_without_csrf_is_refused(client):
    response = client.post("/contact", data={"name": "A", "email": "a@b.co", "topic": "other",
                                             "message": "Hello there"})
    assert response.status_code == 400
    assert db.session.scalar(select(ContactMessage)) is None


def test_contact_is_rate_limited(app, client):
    from shop.extensions import limiter
    app.config["RATE_LIMIT_CONTACT"] = "5 per minute"
    limiter.reset()
    statuses = [send(client).status_code for _ in range(6)]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429
