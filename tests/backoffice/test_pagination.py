"""Back-office queues page through their rows the same way as the other lists."""
from datetime import datetime, timedelta, timezone

from shop.accounts.service import record
from shop.extensions import db
from shop.pages.models import ContactMessage

START = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)


def test_the_message_queue_pages_by_fifty_with_previous_and_next(as_staff):
    # given 51 new contact messages, the oldest first
    db.session.add_all(ContactMessage(name=f"Ann {i}", email=f"ann{i}@example.com",
                                      topic="choosing", message=f"Question number {i}",
                                      status="new", created_at=START + timedelta(minutes=i))
                       for i in range(51))
    db.session.commit()
    # when staff open the queue and then its second page
    first = as_staff.get("/admin/messages")
    second = as_staff.get("/admin/messages?status=open&page=2")
    # then the first page lists the 50 newest and links to the next page
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert "Page 1 of 2" in html and "Question number 50" in html
    assert "Question number 0<" not in html and "page=2" in html
    # and the second page lists the oldest one only, linking back
    assert second.status_code == 200
    html = second.get_data(as_text=True)
    assert "Page 2 of 2" in html and "Question number 0" in html
    assert "Question number 1<" not in html and "rel=\"prev\"" in html


def test_the_audit_log_pages_by_a_hundred_keeping_its_filters(as_manager):
    # given 101 audit rows of one action, and one of another
    for i in range(101):
        record("sam@example.com", "stock_received", "variant", i)
    record("sam@example.com", "order_cancelled", "order", "IO-1")
    db.session.commit()
    # when a manager filters by the action and opens the second page
    html = as_manager.get("/admin/audit?action=stock_received&page=2").get_data(as_text=True)
    # then it holds the oldest row of that action only, and links back with the filter
    assert "Page 2 of 2" in html
    assert html.count("<td>stock_received</td>") == 1 and "variant 0<" in html
    assert "order_cancelled" not in html
    assert "action=stock_received" in html and "page=1" in html


def test_a_page_number_that_is_not_a_number_shows_the_first_page(as_manager):
    # when the page number is not a number, then the first page is shown
    response = as_manager.get("/admin/audit?page=abc")
    assert response.status_code == 200
