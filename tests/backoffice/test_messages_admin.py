"""Staff read contact messages, reply by email, or mark them answered."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from shop.accounts.models import AuditEntry
from shop.extensions import db
from shop.orders import emails
from shop.orders.models import OutgoingEmail
from shop.pages.models import ContactMessage
from tests.helpers import flashes, post_form

EARLIER = datetime(2026, 11, 9, 14, 0, tzinfo=timezone.utc)


@pytest.fixture
def app_settings(smtp_server):
    return {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port}


def message(name="Alex", text="Will the Summit rack fit under an 88 in. ceiling?", status="new",
            at=EARLIER) -> ContactMessage:
    row = ContactMessage(name=name, email=f"{name.lower()}@example.com", topic="choosing",
                         message=text, status=status, created_at=at)
    db.session.add(row)
    db.session.commit()
    return row


def page(message_id) -> str:
    return f"/admin/messages/{message_id}"


def fresh(message_id) -> ContactMessage:
    db.session.expire_all()
    return db.session.get(ContactMessage, message_id)


def replies():
    return db.session.scalars(select(OutgoingEmail).where(OutgoingEmail.kind == "message_reply")).all()


def audit_rows(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_the_list_shows_new_messages_newest_first(as_staff):
    message("Alex")
    message("Blair", text="Do you ship to Alaska?", at=EARLIER + timedelta(hours=3))
    message("Casey", status="answered")
    html = as_staff.get("/admin/messages").get_data(as_text=True)
    assert html.index("Blair") < html.index("Alex")
    assert "Casey" not in html
    assert "Help choosing equipment" in html and "Do you ship to Alaska?" in html
    answered = as_staff.get("/admin/messages?status=answered").get_data(as_text=True)
    assert "Casey" in answered and "Alex" not in answered


def test_the_message_page_shows_the_whole_message(as_staff):
    row = message(text="Line one\nLine two about the ceiling height")
    html = as_staff.get(page(row.id)).get_data(as_text=True)
    assert "Line two about the ceiling height" in html and "alex@example.com" in html


def test_a_reply_is_emailed_and_marks_the_message_answered(as_staff, staff_user, smtp_server):
    row = message()
    response = post_form(as_staff, f"/admin/messages/{row.id}/reply",
                         {"reply": "Yes: the Summit rack is 84 in. tall, so it fits."},
                         token_from=page(row.id))
    assert response.status_code == 303
    assert fresh(row.id).status == "answered"
    # the request queued the reply; the worker sends it
    [email] = replies()
    assert (email.to, email.status) == ("alex@example.com", "queued")
    assert "the Summit rack is 84 in. tall" in email.body and "88 in. ceiling" in email.body
    emails.send_pending()
    assert "the Summit rack is 84 in. tall" in smtp_server.bodies("alex@example.com")[0]
    [entry] = audit_rows("message_replied")
    assert (entry.actor, entry.entity_id) == (staff_user.email, str(row.id))
    assert entry.before == {"status": "new"} and entry.after == {"status": "answered"}
    assert "84 in. tall" in as_staff.get(page(row.id)).get_data(as_text=True)


def test_the_same_reply_submitted_twice_is_sent_once(as_staff):
    row = message()
    data = {"reply": "Yes, it fits."}
    first = post_form(as_staff, f"/admin/messages/{row.id}/reply", data, token_from=page(row.id))
    second = post_form(as_staff, f"/admin/messages/{row.id}/reply", data, token_from=page(row.id))
    assert (first.status_code, second.status_code) == (303, 409)
    assert "already sent" in flashes(second)
    assert len(replies()) == 1 and len(audit_rows("message_replied")) == 1


def test_a_follow_up_reply_to_an_answered_message_is_sent(as_staff):
    row = message(status="answered")
    response = post_form(as_staff, f"/admin/messages/{row.id}/reply",
                         {"reply": "One more thing: allow 2 in. for the pull-up bar."},
                         token_from=page(row.id))
    assert response.status_code == 303
    assert len(replies()) == 1


@pytest.mark.parametrize("text, error", [
    ("   ", "Write a reply."),
    ("x" * 5001, "Keep the reply under 5000 characters."),
])
def test_a_bad_reply_is_400_and_sends_nothing(as_staff, text, error):
    row = message()
    response = post_form(as_staff, f"/admin/messages/{row.id}/reply", {"reply": text},
                         token_from=page(row.id))
    assert response.status_code == 400
    assert error in response.get_data(as_text=True)
    assert fresh(row.id).status == "new"
    assert replies() == [] and audit_rows("message_replied") == []


def test_marking_answered_without_a_reply_sends_nothing_and_acts_once(as_staff):
    row = message()
    first = post_form(as_staff, f"/admin/messages/{row.id}/answered", {}, token_from=page(row.id))
    second = post_form(as_staff, f"/admin/messages/{row.id}/answered", {}, token_from=page(row.id))
    assert (first.status_code, second.status_code) == (303, 409)
    assert fresh(row.id).status == "answered"
    assert replies() == []
    assert len(audit_rows("message_marked_answered")) == 1


def test_unknown_messages_are_404(as_staff):
    assert as_staff.get("/admin/messages/999").status_code == 404
    assert post_form(as_staff, "/admin/messages/999/reply", {"reply": "Hi"},
                     token_from="/admin/messages").status_code == 404


def test_a_post_without_the_csrf_token_is_refused(as_staff):
    row = message()
    response = as_staff.post(f"/admin/messages/{row.id}/reply", data={"reply": "Hi"})
    assert response.status_code == 400
    assert fresh(row.id).status == "new" and replies() == []
