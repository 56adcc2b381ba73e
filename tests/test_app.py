"""The app factory, configuration and error pages."""
import os
import stat
import threading

import pytest
from sqlalchemy import text

from shop import create_app
from shop.accounts.service import create_staff
from shop.config import PUBLIC_SECRET_KEYS, ProductionConfig, normalise_database_url
from shop.database import SQLITE_CACHE_KIB
from shop.extensions import db
from shop.security import secret_key_from_file
from tests.backoffice.conftest import sign_in

OLD_PUBLIC_KEY = "dev-insecure-secret-change-me"  # was DEFAULT_SECRET_KEY in shop/config.py


def development_settings(tmp_path, **overrides) -> dict:
    """What `gunicorn wsgi:app` gets without SHOP_ENV or SECRET_KEY, on a scratch database."""
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'dev.db'}",
            "SECRET_KEY_FILE": str(tmp_path / "instance" / "secret_key"),
            "SERVER_NAME": "shop.test", **overrides}


@pytest.fixture
def no_secret_key_in_environment(monkeypatch):
    if os.environ.get("SECRET_KEY"):
        pytest.skip("SECRET_KEY is set in this environment")
    monkeypatch.delenv("SHOP_ENV", raising=False)


def test_factory_applies_mapping_overrides(app):
    assert app.testing is True
    assert app.config["ENV_NAME"] == "testing"


@pytest.mark.parametrize("key", [None, "", *sorted(PUBLIC_SECRET_KEYS)])
def test_production_refuses_a_missing_or_public_secret_key(monkeypatch, key):
    # given production settings with no key, or one written in the source
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", key)
    # when / then: the app refuses to start
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_refuses_the_placeholder_deploy_readme_once_showed(monkeypatch):
    # systemd keeps an unfilled placeholder as the value: 80 characters, so long enough
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "<64 random hex characters: python3 -c "
                        "'import secrets; print(secrets.token_hex(32))'>")
    monkeypatch.setattr(ProductionConfig, "SHOP_BASE_URL", "https://shop.example")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


@pytest.mark.parametrize("key", ["<paste 64 random hex characters from secrets.token_hex>",
                                 "a" * 40 + " " + "b" * 40])
def test_production_refuses_a_key_that_looks_like_a_placeholder(monkeypatch, key):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", key)
    monkeypatch.setattr(ProductionConfig, "SHOP_BASE_URL", "https://shop.example")
    with pytest.raises(RuntimeError, match="placeholder"):
        create_app(ProductionConfig)


def test_development_makes_a_private_random_key_once_and_reuses_it(
        no_secret_key_in_environment, tmp_path):
    # given no SECRET_KEY and no key file yet
    key_file = tmp_path / "instance" / "secret_key"
    # when the app starts twice
    first = create_app(development_settings(tmp_path))
    second = create_app(development_settings(tmp_path))
    # then the key is random, kept in a file only its owner can read, and reused
    key = first.config["SECRET_KEY"]
    assert len(key) >= 32 and key not in PUBLIC_SECRET_KEYS
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text() == key
    assert second.config["SECRET_KEY"] == key


def test_workers_starting_together_share_one_key(tmp_path):
    # given eight workers starting at the same moment on a fresh install
    path = str(tmp_path / "instance" / "secret_key")
    barrier, keys = threading.Barrier(8), []

    def start():
        barrier.wait()
        keys.append(secret_key_from_file(path))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    # then they all use the same key, and no half-made file is left behind
    assert len(keys) == 8 and len(set(keys)) == 1
    assert os.listdir(tmp_path / "instance") == ["secret_key"]


def test_a_cookie_signed_with_the_old_public_key_does_not_open_the_back_office(
        no_secret_key_in_environment, tmp_path):
    # given a manager, and a session cookie signed with the key once printed in the source
    forger = create_app(development_settings(tmp_path, SECRET_KEY=OLD_PUBLIC_KEY))
    with forger.app_context():
        db.create_all()
        manager = create_staff("mia@example.com", "a long enough password", "manager")
        forged = sign_in(forger.test_client(), manager, "a long enough password")
        cookie = forged.get_cookie("session", domain="shop.test").value
        assert forged.get("/admin/").status_code == 200
    # when the shop runs without SECRET_KEY and gets that cookie
    app = create_app(development_settings(tmp_path))
    client = app.test_client()
    client.set_cookie("session", cookie, domain="shop.test")
    response = client.get("/admin/")
    # then the back office stays shut
    assert response.status_code == 302
    assert "/admin/login" in response.headers["Location"]


def test_production_refuses_a_short_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="32 characters"):
        create_app(ProductionConfig)


def test_production_starts_with_a_real_secret_key(monkeypatch, tmp_path):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 64)
    monkeypatch.setattr(ProductionConfig, "SHOP_BASE_URL", "https://shop.example")
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/p.db")
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_unknown_shop_env_is_refused(monkeypatch):
    monkeypatch.setenv("SHOP_ENV", "staging")
    with pytest.raises(RuntimeError, match="SHOP_ENV"):
        create_app()


@pytest.mark.parametrize("given, expected", [
    ("postgresql:///test", "postgresql+psycopg:///test"),
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg://h/db", "postgresql+psycopg://h/db"),
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
])
def test_database_urls_use_the_psycopg3_driver(given, expected):
    assert normalise_database_url(given) == expected


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Back to the shop" in response.data


def test_wrong_method_is_405_not_500(client):
    response = client.post("/search")
    assert response.status_code in (400, 405)


def test_postgresql_connections_run_queries_without_parallel_workers(app, backend):
    if backend != "postgresql":
        pytest.skip("a PostgreSQL setting")
    # given a fresh connection from the pool, whose transactions are later rolled back
    db.engine.dispose()
    with db.engine.connect() as conn:
        conn.rollback()
        # then its queries still plan without parallel workers
        assert conn.execute(text("SHOW max_parallel_workers_per_gather")).scalar() == "0"


def test_sqlite_connections_keep_a_small_page_cache(app, backend):
    if backend != "sqlite":
        pytest.skip("a SQLite setting")
    db.engine.dispose()
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA cache_size")).scalar() == -SQLITE_CACHE_KIB
