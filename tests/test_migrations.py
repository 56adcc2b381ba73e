"""Migrations build the schema on an empty database, and it matches the models."""
import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from shop import create_app
from shop.catalog.search_index import include_in_schema_comparison
from shop.catalog import search_index, service
from shop.catalog.models import Product
from shop.extensions import db
from tests.conftest import postgres_url, recreate_schema, settings_for, worker_schema
from tests.factories import make_product


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




def test_search_is_served_by_the_migrated_text_index(empty_database_url, backend):
    # given a migrated database with a product
    app = create_app(settings_for(empty_database_url))
    with app.app_context():
        upgrade()
        make_product(name="Olympic Bar", long_description="Knurled sleeves for bumper plates.")
        sent = []
        record = lambda conn, cursor, sql, params, context, many: sent.append((sql, params))
        sa.event.listen(db.engine, "before_cursor_execute", record)
        filters = service.ListingFilters(None, None, False, "", "featured", 1)
        found = service.list_products(filters, 24, terms=["knurled", "olympic"])
        sa.event.remove(db.engine, "before_cursor_execute", record)
        assert [p.name for p in found.items] == ["Olympic Bar"]
        connection = db.session.connection()
        if backend == "sqlite":
            # when SQLite is asked how it runs the search, then the FTS5 table answers it
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sent[0][0], sent[0][1]).all()
            assert any("product_search" in str(row) for row in plan)
        else:
            # when PostgreSQL plans the search's text condition with table scans ruled out,
            # then the trigram index of 0011 on the search document serves it
            connection.exec_driver_sql("SET enable_seqscan = off")
            query = sa.select(Product.id).where(search_index.pg_document().like("%knurled%"))
            plan = connection.execute(sa.text("EXPLAIN " + str(query.compile(
                dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})))).all()
            assert any("ix_product_search_trgm" in str(row) for row in plan), plan
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def test_search_migrations_step_down_and_up_keeping_search_working(empty_database_url, backend):
    # given a migrated database with a product, stepped back to before the search document
    app = create_app(settings_for(empty_database_url))
    with app.app_context():
        upgrade()
        make_product(name="Olympic Bar", long_description="Knurled sleeves.")
        db.session.commit()
        downgrade(revision="0010")
        inspector = sa.inspect(db.engine)
        assert "search_document" not in {c["name"] for c in inspector.get_columns("product")}
        if backend == "postgresql":  # 0009's index is back, on the joined columns
            definition = db.session.execute(sa.text(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_product_search_trgm' "
                "AND schemaname = current_schema()")
            ).scalar()
            assert definition is None or "long_description" in definition
        db.session.remove()
        # when it is upgraded again, then search finds the product through the document
        upgrade()
        filters = service.ListingFilters(None, None, False, "", "featured", 1)
        found = service.list_products(filters, 24, terms=["KNURLED"])
        assert [p.name for p in found.items] == ["Olympic Bar"]
        db.session.remove()
        db.engine.dispose()
