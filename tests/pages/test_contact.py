"""The contact form stores the message for staff and confirms by email."""
import pytest
from sqlalchemy import select

from shop.extensions import db
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


def test_a_message_is_stored_and_confirmed_by_email(client, smtp_server):
    response = send(client)
    assert "We got your message" in flashes(response)
    stored = db.session.scalar(select(ContactMessage))
    assert (stored.email, stored.topic, stored.status) == ("alex@example.com", "choosing", "new")
    assert "88 in. ceiling" in smtp_server.bodies("alex@example.com")[0]


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


def test_smtp_down_keeps_the_email_queued_for_a_retry(app, client, smtp_server, runner):
    # given an SMTP server that is not answering
    mail_state = app.extensions["mailman"]
    real_port = mail_state.port
    mail_state.port = 9
    send(client)
    email = db.session.scalar(select(OutgoingEmail))
    # then the message is stored and its email waits in the outbox
    assert db.session.scalar(select(ContactMessage)) is not None
    assert (email.status, email.attempts) == ("queued", 1) and email.last_error
    # when SMTP is back and the retry runs
    mail_state.port = real_port
    result = runner.invoke(args=["send-emails"])
    assert "Sent 1 email(s)" in result.output
    db.session.expire_all()
    assert db.session.get(OutgoingEmail, email.id).status == "sent"
    assert len(smtp_server.bodies("alex@example.com")) == 1


def test_contact_is_rate_limited(app, client):
    from shop.extensions import limiter
    app.config["RATE_LIMIT_CONTACT"] = "5 per minute"
    limiter.reset()
    statuses = [send(client).status_code for _ in range(6)]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429
