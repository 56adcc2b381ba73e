"""Creating a staff account and its audit row is one transaction, however it is made."""
import pytest
from sqlalchemy import func, select

from shop.accounts import service as accounts
from shop.accounts.models import AuditEntry, StaffUser
from shop.extensions import db
from tests.helpers import outcome, run_concurrently

PASSWORD = "a long enough password"


def staff_count() -> int:
    return db.session.scalar(select(func.count()).select_from(StaffUser))


def test_no_account_is_kept_when_its_audit_row_cannot_be_written(app, monkeypatch):
    # given an audit log that fails to take the row
    def failing_record(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(accounts, "record", failing_record)
    # when an account is created
    with pytest.raises(RuntimeError):
        accounts.create_staff("pat@example.com", PASSWORD, "staff", actor="mia@example.com")
    db.session.rollback()  # what the request or command does with an error
    # then no account exists
    assert staff_count() == 0


def test_the_create_staff_command_writes_the_account_and_its_audit_row(app, runner):
    # when an account is made from the command line
    result = runner.invoke(args=["create-staff", "Boss@Example.com", "--role", "manager",
                                 "--password", PASSWORD])
    # then it exists, with an audit row saying the command line made it
    assert result.exit_code == 0, result.output
    boss = db.session.scalar(select(StaffUser).where(StaffUser.email == "boss@example.com"))
    assert boss.role == "manager"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "staff_created"))
    assert (entry.actor, entry.entity_id) == ("command line", str(boss.id))
    assert entry.after == {"email": "boss@example.com", "role": "manager"}


def test_the_create_staff_prompt_refuses_a_short_password_before_asking_it_again(app, runner):
    # when the password typed at the prompt is too short, then a long one twice
    result = runner.invoke(args=["create-staff", "pat@example.com"],
                           input=f"short\n{PASSWORD}\n{PASSWORD}\n")
    # then it said so at once (one "Repeat" only, for the long one), and made the account
    assert result.exit_code == 0, result.output
    assert "Use at least 12 characters." in result.output
    assert result.output.count("Repeat for confirmation") == 1
    assert staff_count() == 1


def test_a_taken_email_is_refused_and_writes_nothing(app):
    # given an account
    accounts.create_staff("pat@example.com", PASSWORD, actor="mia@example.com")
    # when another is made with the same email, differently cased
    with pytest.raises(accounts.AccountError, match="already exists"):
        accounts.create_staff("PAT@example.com", PASSWORD, actor="mia@example.com")
    # then there is still one account and one audit row
    assert staff_count() == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 1


def test_two_managers_creating_the_same_account_at_once_make_one(app, backend):
    if backend != "postgresql":
        pytest.skip("real concurrency is tested against PostgreSQL")
    # when two managers create the same account at the same moment
    results = run_concurrently(app, [
        lambda: accounts.create_staff("pat@example.com", PASSWORD, actor=f"m{n}@example.com")
        for n in (1, 2)])
    # then one succeeds, the other gets the clear refusal, and one audit row exists
    assert sorted(outcome(r) for r in results) == ["AccountError", "done"]
    assert staff_count() == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 1
