"""Command-line tasks: `flask --app wsgi seed-demo`, `copy-check` and friends."""
import signal
import sys
import threading
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from shop.accounts.service import AccountError, create_staff
from shop.catalog.copy_review import product_facts, review_copy
from shop.catalog.models import Product
from shop.catalog.seed import BlockedCopy, seed_demo
from shop.checkout.service import sweep_expired
from shop.database import utcnow
from shop.extensions import db
from shop.maintenance import BackupError, backup_sqlite, restore_sqlite, run_worker, worker_jobs
from shop.orders.emails import send_pending


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the demo catalog (safe to run again: only missing rows are added)."""
        try:
            created = seed_demo()
        except BlockedCopy as error:
            raise click.ClickException(f"Demo copy makes claims the shop refuses:\n{error}")
        if any(created.values()):
            click.echo("Demo catalog loaded: " + ", ".join(f"{n} {k}" for k, n in created.items()))
        else:
            click.echo("Demo catalog already loaded; nothing to do.")

    @app.cli.command("copy-check")
    def copy_check_command():
        """Audit every product's copy with the claims checker; exit 1 if any would be blocked."""
        products = db.session.scalars(select(Product).options(joinedload(Product.category))
                                      .order_by(Product.slug)).all()
        blocked = reviewed = 0
        for product in products:
            fields = {
                "name": product.name, "short_description": product.short_description,
                "long_description": product.long_description,
                "features": list(product.features or []),
                "meta_description": product.meta_description,
            }
            facts = product_facts(product.category.warranty_kind, product.warranty_overrides)
            for f in review_copy(fields, facts):
                blocked += f.severity == "block"
                reviewed += f.severity == "review"
                click.echo(f"{f.severity.upper():6} {product.slug} {f.field} [{f.category}] "
                           f"{f.text!r}: {f.reason}")
        click.echo(f"Checked {len(products)} products: {blocked} blocking, {reviewed} to review.")
        sys.exit(1 if blocked else 0)

    @app.cli.command("sweep-reservations")
    def sweep_reservations_command():
        """Release stock held by checkouts that expired without word from Stripe."""
        click.echo(f"Released {sweep_expired(utcnow())} expired checkout(s).")

    @app.cli.command("send-emails")
    def send_emails_command():
        """Send the queued customer emails that are due, once (the worker does this every 5 s)."""
        sent, failed = send_pending(limit=500)
        click.echo(f"Sent {sent} email(s); {failed} failed and will be retried.")

    @app.cli.command("worker")
    @click.option("--once", is_flag=True, help="Run every job once and exit.")
    def worker_command(once):
        """Send queued mail and run the periodic jobs until stopped (SIGTERM or Ctrl+C)."""
        jobs = worker_jobs()
        stop = threading.Event()
        previous = {sig: signal.signal(sig, lambda *_: stop.set())
                    for sig in (signal.SIGTERM, signal.SIGINT)}
        click.echo("Worker running: " + ", ".join(
            f"{job.name} every {job.every_seconds:g} s" for job in jobs))
        try:
            run_worker(jobs, stop, once=once, report=click.echo)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        click.echo("Worker stopped.")

    @app.cli.command("create-staff")
    @click.argument("email")
    @click.option("--role", type=click.Choice(["staff", "manager"]), default="staff",
                  show_default=True)
    @click.option("--name", default="")
    @click.password_option(help="At least 12 characters (asked for when not given).")
    def create_staff_command(email, role, name, password):
        """Create a back-office account: flask --app wsgi create-staff EMAIL --role manager."""
        try:
            user = create_staff(email, password, role, name, actor="command line")
        except AccountError as error:
            raise click.ClickException(str(error))
        click.echo(f"Created {user.role} account {user.email}. Sign in at /admin/login.")

    @app.cli.command("backup")
    @click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(target):
        """Copy the SQLite database to TARGET (safe while the shop runs)."""
        try:
            backup_sqlite(app.config["SQLALCHEMY_DATABASE_URI"], target)
        except BackupError as error:
            raise click.ClickException(str(error))
        click.echo(f"Backed up to {target}.")

    @app.cli.command("restore")
    @click.argument("backup", type=click.Path(dir_okay=False, path_type=Path))
    @click.confirmation_option(prompt="Replace ALL current data with the backup?")
    def restore_command(backup):
        """Replace the SQLite database's content with BACKUP (stop the shop first)."""
        db.engine.dispose()
        try:
            restore_sqlite(app.config["SQLALCHEMY_DATABASE_URI"], backup)
        except BackupError as error:
            raise click.ClickException(str(error))
        click.echo(f"Restored from {backup}.")
