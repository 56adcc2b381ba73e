"""Fixtures: an app per database backend, a client, and a statement counter.

Every test that takes `app` runs on SQLite, and on PostgreSQL too when
TEST_DATABASE_URL is set (CI sets it). PostgreSQL tests use their own schema,
so they never touch other data in that database.
"""
import os
import shutil
import tempfile
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import g

from shop import create_app
from shop.catalog.models import Product, Variant
from shop.config import normalise_database_url
from shop.extensions import db

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
_pg_schema_ready = set()


def postgres_url(schema: str) -> str:
    """TEST_DATABASE_URL with its search_path pinned to `schema`.

    A lock wait longer than a minute fails the test with a clear error instead of
    hanging the whole run (the race tests wait for row locks far less than that).
    """
    base = normalise_database_url(os.environ["TEST_DATABASE_URL"])
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}%20-clock_timeout%3D60s"


def worker_schema(prefix: str) -> str:
    """A schema of this test process only, so parallel runs never touch each other's tables."""
    name = f"{prefix}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    _schemas_made.add(name)
    return name


_schemas_made = set()


def pytest_sessionfinish(session, exitstatus):
    """Drop the PostgreSQL schemas this run made."""
    if not os.environ.get("TEST_DATABASE_URL") or not _schemas_made:
        return
    engine = sa.create_engine(normalise_database_url(os.environ["TEST_DATABASE_URL"]))
    with engine.begin() as conn:
        for schema in _schemas_made:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def recreate_schema(schema: str) -> None:
    engine = sa.create_engine(normalise_database_url(os.environ["TEST_DATABASE_URL"]))
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


# Pictures the tests upload or the demo seed draws go here, never into instance/uploads.
_UPLOAD_DIR = tempfile.mkdtemp(prefix="shop-test-uploads-")


def settings_for(database_url: str, **overrides) -> dict:
    settings = {
        "UPLOAD_DIR": _UPLOAD_DIR,
        # Hundreds of sign-ins: a cheap hash here; the shop's own setting is scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "ENV_NAME": "testing",
        "TESTING": True,
        "SECRET_KEY": "testing-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SERVER_NAME": "shop.test",
        "MAIL_BACKEND": "locmem",
        # Generous limits; the tests about rate limiting set the real ones.
        **{key: "100000 per minute" for key in (
            "RATE_LIMIT_LOGIN", "RATE_LIMIT_ORDER_LOOKUP", "RATE_LIMIT_ORDER_REQUESTS",
            "RATE_LIMIT_CONTACT", "RATE_LIMIT_CHECKOUT", "RATE_LIMIT_CHECKOUT_STARTS",
            "RATE_LIMIT_DISCOUNT_CODES")},
    }
    settings.update(overrides)
    return settings


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def app_settings():
    """Extra settings for the app; a test module overrides this fixture to add its own."""
    return {}


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """An empty SQLite database with every table, made once; each test gets a copy of it
    (creating the tables for every test was a tenth of the suite's time)."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    app = create_app(settings_for(f"sqlite:///{path}"))
    with app.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    return path


def _empty_postgresql_tables() -> None:
    """Delete every row and restart the ids: as TRUNCATE does, at a tenth of its cost for
    the few rows a test leaves; TRUNCATE when rows refer to each other in a cycle."""
    sequences = db.session.execute(sa.text(
        "SELECT sequence_name FROM information_schema.sequences "
        "WHERE sequence_schema = current_schema()")).scalars().all()
    statements = [f'DELETE FROM "{table.name}"' for table in reversed(db.metadata.sorted_tables)]
    statements += [f'ALTER SEQUENCE "{name}" RESTART' for name in sequences]
    try:
        db.session.execute(sa.text("; ".join(statements)))
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()


@pytest.fixture
def app(backend, tmp_path, app_settings, request):
    """An app on a fresh, empty database of the given backend."""
    if backend == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        schema = worker_schema("shop_test")
        url = postgres_url(schema)
    app = create_app(settings_for(url, **app_settings))

    @app.before_request
    def fresh_g_per_request():
        # Tests hold one app context open, which requests then share; in production every
        # request gets a fresh `g`, so give each test request one too.
        g.__dict__.clear()

    @app.teardown_request
    def nothing_kept_loaded_for_the_next_request(exc):
        # Likewise the session: in production every request starts with nothing loaded,
        # even after a commit that kept its objects (`commit_keeping_loaded`).
        db.session.expire_all()

    with app.app_context():
        if backend == "postgresql":
            if schema not in _pg_schema_ready:
                recreate_schema(schema)
                db.create_all()
                _pg_schema_ready.add(schema)
            else:
                _empty_postgresql_tables()
        yield app
        db.session.rollback()
        # listings and search rely on it (shop/catalog/service.py): no test may break it
        assert published_without_variants() == [], "a published product has no variant"
        db.session.remove()
        db.engine.dispose()


def published_without_variants() -> list[str]:
    return db.session.scalars(sa.select(Product.slug).where(
        Product.status == "published",
        ~sa.exists().where(Variant.product_id == Product.id))).all()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@contextmanager
def counting_statements(engine):
    """Count SQL statements sent to `engine` inside the block."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def count_statements(app):
    return lambda: counting_statements(db.engine)


class SMTPCollector:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def bodies(self, to=None) -> list[str]:
        return [m.get_content() for m in self.messages if to is None or m["To"] == to]


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free loopback port; `.messages` holds what arrived."""
    aiosmtpd = pytest.importorskip("aiosmtpd.controller")
    collector = SMTPCollector()
    controller = aiosmtpd.Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    collector.port = controller.port
    yield collector
    controller.stop()


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(app):
    """The test app served over HTTP on a free loopback port (for webhooks and browsers)."""
    import threading
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
