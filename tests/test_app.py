"""The app factory, configuration and error pages."""
import pytest
from sqlalchemy import text

from shop import create_app
from shop.config import DEFAULT_SECRET_KEY, ProductionConfig, normalise_database_url
from shop.extensions import db


def test_factory_applies_mapping_overrides(app):
    assert app.testing is True
    assert app.config["ENV_NAME"] == "testing"


def test_production_refuses_the_default_secret_key(monkeypatch):
    # given production settings with the built-in key
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", DEFAULT_SECRET_KEY)
    # when / then: the app refuses to start
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_refuses_a_short_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="32 characters"):
        create_app(ProductionConfig)


def test_production_starts_with_a_real_secret_key(monkeypatch, tmp_path):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 64)
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
