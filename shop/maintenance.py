"""Keeping the shop running: the background worker's jobs, and SQLite backups.

The worker (`flask --app wsgi worker`) runs every job in `worker_jobs` on its own
schedule: it sends the outbox's mail, releases expired reservations and settles
refunds left pending. Backups cover the embedded SQLite database (PostgreSQL uses
pg_dump; see the README).
"""
import logging
import sqlite3
import threading
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from flask import current_app
from sqlalchemy.engine import make_url

from shop import clock
from shop.checkout.service import sweep_expired
from shop.extensions import db
from shop.orders import emails
from shop.payments import gateway
from shop.payments import refunds

log = logging.getLogger(__name__)


# --- the worker ------------------------------------------------------------------------

@dataclass
class Job:
    """A periodic task: `run()` does one round and says what it did ("" for nothing)."""
    name: str
    every_seconds: float
    run: Callable[[], str]
    due_at: float = 0.0  # time.monotonic() of the next round


def send_emails() -> str:
    sent, failed = emails.send_pending(limit=500)
    return f"sent {sent} email(s), {failed} failed (retried later)" if sent or failed else ""


def sweep_reservations() -> str:
    released = sweep_expired(clock.now())
    return f"released {released} expired checkout(s)" if released else ""


def reconcile_refunds() -> str:
    client = gateway.client_from_config(current_app.config)
    settled = refunds.reconcile_pending_refunds(client, clock.now())
    return f"settled {settled} pending refund(s)" if settled else ""


def worker_jobs() -> list[Job]:
    """Every job the worker runs, and how often (seconds). Add new periodic jobs here."""
    config = current_app.config
    jobs = [
        Job("send-emails", config.get("WORKER_EMAIL_SECONDS", 5), send_emails),
        Job("sweep-reservations", config.get("WORKER_SWEEP_SECONDS", 60), sweep_reservations),
    ]
    if config.get("STRIPE_SECRET_KEY"):  # refunds whose outcome at Stripe is not known yet
        jobs.append(Job("reconcile-refunds", config.get("WORKER_REFUND_SECONDS", 300),
                        reconcile_refunds))
    # A new periodic job: a function returning what it did ("" for nothing), added here.
    return jobs


def run_job(job: Job) -> str:
    """One round of `job`: what it did ("" for nothing). A failure is logged and said,
    and never stops the worker: the next round tries again."""
    try:
        return job.run()
    except Exception as error:
        log.exception("worker job %s failed", job.name)
        return f"FAILED ({error})"
    finally:
        db.session.rollback()  # jobs commit their work: end any read left open between rounds


def run_worker(jobs: list[Job], stop: threading.Event, once: bool = False,
               report: Callable[[str], None] = log.info) -> None:
    """Run each job when due until `stop` is set; with `once`, every job once, then return."""
    while not stop.is_set():
        for job in jobs:
            if stop.is_set():
                return
            if once or job.due_at <= time.monotonic():
                done = run_job(job)
                if done or once:
                    report(f"{job.name}: {done or 'nothing to do'}")
                job.due_at = time.monotonic() + job.every_seconds
        if once:
            return
        stop.wait(max(0.0, min(job.due_at for job in jobs) - time.monotonic()))


# --- SQLite backups ----------------------------------------------------------------------

class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def sqlite_path(database_uri: str) -> Path:
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError("backup and restore handle the SQLite database; for PostgreSQL use "
                          "pg_dump and pg_restore (see the README)")
    return Path(url.database)


def backup_sqlite(database_uri: str, target: Path) -> Path:
    """Copy the live database to `target` with SQLite's online backup (consistent while in use)."""
    source_path = sqlite_path(database_uri)
    if not source_path.exists():
        raise BackupError(f"there is no database at {source_path}")
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    with closing(sqlite3.connect(source_path)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return target


def restore_sqlite(database_uri: str, backup: Path) -> Path:
    """Replace the database's content with a backup's (checked to be a shop database first)."""
    target_path = sqlite_path(database_uri)
    if not backup.exists():
        raise BackupError(f"there is no backup at {backup}")
    with closing(sqlite3.connect(backup)) as source:
        tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"alembic_version", "product", "shop_order"} <= tables:
            raise BackupError(f"{backup} is not a backup of this shop")
        with closing(sqlite3.connect(target_path)) as target:
            source.backup(target)
    return target_path
