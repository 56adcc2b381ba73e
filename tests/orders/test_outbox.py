"""The outbox worker: requests queue mail; `flask --app wsgi worker` sends it, retries with
backoff, reclaims rows a crashed worker left `sending`, and runs the periodic jobs."""
import os
import queue
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.orders import emails
from shop.orders.models import Order, OutgoingEmail
from shop.pages.service import receive_message
from tests.conftest import SMTPCollector, free_port
from tests.factories import make_order, make_product

PROJECT_ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)


class MailServer:
    """A real SMTP server on a fixed loopback port that a test can take down and bring back."""

    def __init__(self):
        from aiosmtpd.controller import Controller
        self._controller_class = Controller
        self.collector = SMTPCollector()
        self.port = free_port()
        self.controller = None

    def up(self):
        self.controller = self._controller_class(self.collector, hostname="127.0.0.1",
                                                 port=self.port)
        self.controller.start()

    def down(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def received(self) -> list[str]:
        return sorted(m["To"] for m in self.collector.messages)


@pytest.fixture
def mail_server():
    pytest.importorskip("aiosmtpd.controller")
    server = MailServer()
    server.up()
    yield server
    server.down()


@pytest.fixture
def app_settings(mail_server):
    return {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mail_server.port,
            "FIXED_NOW": T0}


def queue_messages(*addresses) -> list[int]:
    """Contact messages from `addresses`: each queues one acknowledgement, as a request does."""
    return [receive_message("Alex", address, "other", "Hello there, a question.").id
            for address in addresses]


def outbox() -> list[OutgoingEmail]:
    db.session.expire_all()
    return db.session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.id)).all()


def run_worker_once(app, runner, at: datetime) -> str:
    app.config["FIXED_NOW"] = at
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def test_mail_queued_while_smtp_is_down_is_sent_once_when_it_comes_back(app, runner,
                                                                        mail_server):
    # given three acknowledgements queued while the SMTP server is down
    mail_server.down()
    queue_messages("a@example.com", "b@example.com", "c@example.com")
    # when the worker runs
    output = run_worker_once(app, runner, T0)
    # then nothing is sent or lost: each waits a minute before its next attempt
    assert "send-emails: sent 0 email(s), 3 failed" in output
    assert [(e.status, e.attempts, e.next_attempt_at) for e in outbox()] == \
        [("queued", 1, T0 + timedelta(seconds=60))] * 3
    assert all(e.last_error for e in outbox())
    # when SMTP is back, a run before that minute is up leaves them alone
    mail_server.up()
    run_worker_once(app, runner, T0 + timedelta(seconds=30))
    assert mail_server.received() == [] and {e.attempts for e in outbox()} == {1}
    # and once it is up, every email is sent, exactly once
    output = run_worker_once(app, runner, T0 + timedelta(seconds=61))
    assert "send-emails: sent 3 email(s), 0 failed" in output
    run_worker_once(app, runner, T0 + timedelta(hours=1))
    assert mail_server.received() == ["a@example.com", "b@example.com", "c@example.com"]
    assert [(e.status, e.attempts) for e in outbox()] == [("sent", 2)] * 3


def test_failures_back_off_exponentially_then_the_email_is_marked_failed(app, runner,
                                                                         mail_server):
    # given an email that SMTP keeps refusing, and three attempts allowed
    app.config["EMAIL_MAX_ATTEMPTS"] = 3
    mail_server.down()
    queue_messages("a@example.com")
    # when the worker tries whenever it is due, the waits double: 60 s, then 120 s
    run_worker_once(app, runner, T0)
    assert outbox()[0].next_attempt_at == T0 + timedelta(seconds=60)
    run_worker_once(app, runner, T0 + timedelta(seconds=60))
    assert outbox()[0].next_attempt_at == T0 + timedelta(seconds=180)
    run_worker_once(app, runner, T0 + timedelta(seconds=180))
    # then the third failure gives up
    email = outbox()[0]
    assert (email.status, email.attempts) == ("failed", 3) and email.last_error
    # and it is never tried again, even once SMTP is back
    mail_server.up()
    run_worker_once(app, runner, T0 + timedelta(days=1))
    assert mail_server.received() == [] and outbox()[0].attempts == 3


def test_an_email_left_sending_by_a_crashed_worker_is_reclaimed_and_sent_once(
        app, runner, mail_server, monkeypatch):
    # given a worker that died while handing an email to SMTP (the process was killed)
    queue_messages("a@example.com", "b@example.com")

    def killed(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(emails.EmailMessage, "send", killed)
    app.config["FIXED_NOW"] = T0
    with pytest.raises(KeyboardInterrupt):
        emails.send_pending()
    db.session.rollback()
    monkeypatch.undo()
    assert [(e.status, e.claimed_at) for e in outbox()] == [("sending", T0), ("queued", None)]
    # when a worker runs five minutes later, the claim may still be alive: it is left alone
    run_worker_once(app, runner, T0 + timedelta(minutes=5))
    assert mail_server.received() == ["b@example.com"]
    assert outbox()[0].status == "sending"
    # when a worker runs once the claim is stale (10 minutes)
    output = run_worker_once(app, runner, T0 + timedelta(minutes=11))
    # then the email is queued again and sent, once
    assert "send-emails: sent 1 email(s)" in output
    run_worker_once(app, runner, T0 + timedelta(minutes=30))
    assert mail_server.received() == ["a@example.com", "b@example.com"]
    assert [(e.status, e.attempts) for e in outbox()] == [("sent", 2), ("sent", 1)]


def test_an_email_left_sending_on_its_last_attempt_is_marked_failed(
        app, runner, mail_server, monkeypatch):
    # given two attempts allowed, and a worker that died during an email's second attempt
    app.config["EMAIL_MAX_ATTEMPTS"] = 2
    queue_messages("a@example.com")
    mail_server.down()
    run_worker_once(app, runner, T0)
    mail_server.up()

    def killed(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(emails.EmailMessage, "send", killed)
    app.config["FIXED_NOW"] = T0 + timedelta(minutes=1)
    with pytest.raises(KeyboardInterrupt):
        emails.send_pending()
    db.session.rollback()
    monkeypatch.undo()
    assert [(e.status, e.attempts) for e in outbox()] == [("sending", 2)]
    # when a worker runs once that claim is stale
    run_worker_once(app, runner, T0 + timedelta(minutes=15))
    # then the email is marked failed (its attempts are used up), not left queued forever
    email = outbox()[0]
    assert (email.status, email.attempts, email.claimed_at) == ("failed", 2, None)
    assert "stopped" in email.last_error
    # and it is not sent again
    run_worker_once(app, runner, T0 + timedelta(days=1))
    assert mail_server.received() == [] and outbox()[0].status == "failed"


def test_the_send_emails_command_sends_once_and_exits(app, runner, mail_server):
    queue_messages("a@example.com")
    result = runner.invoke(args=["send-emails"])
    assert "Sent 1 email(s)" in result.output
    assert mail_server.received() == ["a@example.com"] and outbox()[0].status == "sent"


def test_the_worker_releases_expired_reservations(app, runner):
    # given a checkout whose 30 minutes ran out, holding two units
    variant = make_product().variants[0]
    variant.reserved = 2
    order = make_order([(variant, 2)], status="pending_payment",
                       reservation_expires_at=T0 - timedelta(minutes=1))
    # when the worker runs its jobs once
    output = run_worker_once(app, runner, T0)
    # then the sweep released the order's stock
    assert "sweep-reservations: released 1 expired checkout(s)" in output
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "expired"
    assert variant.reserved == 0


def test_the_worker_runs_the_refund_reconciliation_when_stripe_is_set_up(app, runner,
                                                                         monkeypatch):
    from shop.payments import refunds
    calls = []
    monkeypatch.setattr(refunds, "reconcile_pending_refunds",
                        lambda client, now: calls.append(now) or 0)
    app.config["STRIPE_SECRET_KEY"] = ""
    assert "reconcile-refunds" not in run_worker_once(app, runner, T0)
    app.config["STRIPE_SECRET_KEY"] = "sk_test_worker"
    output = run_worker_once(app, runner, T0)
    assert "reconcile-refunds: nothing to do" in output and calls == [T0]


def test_a_failing_job_does_not_stop_the_others(app, runner, mail_server, monkeypatch):
    queue_messages("a@example.com")

    def broken(now):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr("shop.maintenance.sweep_expired", broken)
    output = run_worker_once(app, runner, T0)
    assert "sweep-reservations: FAILED (database hiccup)" in output
    assert mail_server.received() == ["a@example.com"]


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_the_worker_sends_queued_mail_and_stops_cleanly_on_a_signal(app, stop_signal):
    # given an email waiting in the outbox
    app.config.pop("FIXED_NOW")
    queue_messages("a@example.com")
    # when the worker runs as its own process
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SECRET_KEY": "worker-test-" + "x" * 40, "MAIL_SERVER": "", "FLASK_DEBUG": "0"}
    env.pop("SHOP_ENV", None)
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
                               cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout],
                              daemon=True)
    reader.start()
    try:
        seen = []
        while not any("send-emails: sent 1 email(s)" in line for line in seen):
            seen.append(lines.get(timeout=30))
        # then it sent the email (to the console here)
        assert outbox()[0].status == "sent"
        # and a signal stops it at once, cleanly
        process.send_signal(stop_signal)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(timeout=5)
        process.stdout.close()
    while not lines.empty():
        seen.append(lines.get())
    assert "Worker stopped." in "".join(seen)
