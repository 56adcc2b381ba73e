"""Migrations build the schema on an empty database, and it matches the models."""
import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from shop import create_app
from shop.database import include_in_schema_comparison
from shop.extensions import db
from tests.conftest import postgres_url, recreate_schema, settings_for, worker_schema


@pytest.fixture
def empty_database_url(backend, tmp_path):
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.db'}"
    schema = worker_schema("shop_migrations")
    recreate_schema(schema)
    return postgres_url(schema)


def _schema_diff(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                      "include_name": include_in_schema_comparison})
        return compare_metadata(context, db.metadata)


def test_migrations_build_the_schema_the_models_describe(empty_database_url):
    # given an empty database
    app = create_app(settings_for(empty_database_url))
    with app.app_context():
        # when every migration is applied
        upgrade()
        # then the tables exist and nothing differs from the models
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"category", "product", "variant", "stock_movement"} <= tables
        assert _schema_diff(app) == []
        db.session.remove()
        db.engine.dispose()


def test_migrations_downgrade_to_empty_and_upgrade_again(empty_database_url):
    app = create_app(settings_for(empty_database_url))
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert "product" not in sa.inspect(db.engine).get_table_names()
        upgrade()
        assert "product" in sa.inspect(db.engine).get_table_names()
        db.session.remove()
        db.engine.dispose()
