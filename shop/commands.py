"""Command-line tasks: `flask --app wsgi seed-demo`, `copy-check` and friends."""
import signal
import sys
import threading
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from shop.accounts.service import MIN_PASSWORD_LENGTH, AccountError, create_staff
from shop.catalog.copy_review import product_facts, review_copy, review_customer_text
from shop.catalog.models import Category, Product
from shop.catalog.seed import BlockedCopy, seed_demo
from shop.checkout.service import sweep_expired
from shop.database import utcnow
from shop.extensions import db
from shop.maintenance import BackupError, backup_sqlite, restore_sqlite, run_worker, worker_jobs
from shop.orders.emails import send_pending
from shop.orders.models import ReturnRequest, WarrantyClaim


def _product_copy_findings(product: Product):
    """A product's copy fields and its photo's alt text, against its own warranty."""
    fields = {
        "name": product.name, "short_description": product.short_description,
        "long_description": product.long_description,
        "features": list(product.features or []),
        "meta_description": product.meta_description,
    }
    facts = product_facts(product.category.warranty_kind, product.warranty_overrides)
    return review_copy(fields, facts) + review_customer_text("image_alt", product.image_alt,
                                                             facts)


class StaffPassword(click.ParamType):
    """A new staff password, checked for length as soon as it is typed: the prompt asks
    again at once, not after the confirmation (the account service checks it too)."""
    name = "password"

    def convert(self, value, param, ctx):
        if len(value) < MIN_PASSWORD_LENGTH:
            self.fail(f"Use at least {MIN_PASSWORD_LENGTH} characters.", param, ctx)
        return value


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
        """Audit every stored text a customer reads (products and their alt text, categories,
        staff messages on returns and claims) with the claims checker; exit 1 on any block."""
        totals = {"block": 0, "review": 0}

        def report(noun: str, items) -> None:
            counts = {"block": 0, "review": 0}
            for where, findings in items:
                for f in findings:
                    counts[f.severity] += 1
                    click.echo(f"{f.severity.upper():6} {where} {f.field} [{f.category}] "
                               f"{f.text!r}: {f.reason}")
            click.echo(f"Checked {noun}: {counts['block']} blocking, "
                       f"{counts['review']} to review.")
            totals.update({k: totals[k] + counts[k] for k in counts})

        products = db.session.scalars(select(Product).options(joinedload(Product.category))
                                      .order_by(Product.slug)).all()
        report(f"{len(products)} products", ((p.slug, _product_copy_findings(p))
                                             for p in products))
        categories = db.session.scalars(select(Category).order_by(Category.slug)).all()
        report(f"{len(categories)} categories", (
            (f"category:{c.slug}", review_customer_text("name", c.name)
             + review_customer_text("description", c.description)) for c in categories))
        messages = [(f"{kind}:{row_id}", text) for kind, model in
                    (("return", ReturnRequest), ("claim", WarrantyClaim))
                    for row_id, text in db.session.execute(
                        select(model.id, model.customer_message)
                        .where(model.customer_message != "").order_by(model.id))]
        report(f"{len(messages)} staff messages to customers", (
            (where, review_customer_text("customer_message", text))
            for where, text in messages))
        sys.exit(1 if totals["block"] else 0)

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
    @click.password_option(type=StaffPassword(),
                           help=f"At least {MIN_PASSWORD_LENGTH} characters (asked for when "
                                "not given).")
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
