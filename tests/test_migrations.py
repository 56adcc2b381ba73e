"""Migrations build the schema on an empty database, and it matches the models."""
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from shop import create_app
from shop.catalog.search_index import include_in_schema_comparison
from shop.catalog import search, search_index, service
from shop.catalog.models import SearchSynonym
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




def test_search_is_served_by_the_migrated_word_index(empty_database_url, backend):
    # given a migrated database with a product
    app = create_app(settings_for(empty_database_url))
    with app.app_context():
        upgrade()
        make_product(name="Olympic Bar", long_description="Knurled sleeves for bumper plates.")
        sent = []
        record = lambda conn, cursor, sql, params, context, many: sent.append((sql, params))
        sa.event.listen(db.engine, "before_cursor_execute", record)
        # when a shopper searches with other forms of its words
        found = search.search_products("knurl olympic", service.ListingFilters(), 24)
        sa.event.remove(db.engine, "before_cursor_execute", record)
        # then it is found, and the word index answers the search
        assert [p.name for p in found.listing.items] == ["Olympic Bar"]
        connection = db.session.connection()
        if backend == "sqlite":
            page = next((sql, params) for sql, params in sent if "matches" in sql)
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + page[0], page[1]).all()
            assert any("product_search" in str(row) for row in plan), plan
        else:  # with table scans ruled out, the GIN index of 0016 serves the words
            connection.exec_driver_sql("SET enable_seqscan = off")
            plan = connection.exec_driver_sql(
                "EXPLAIN SELECT id FROM product WHERE search_vector @@ "
                "to_tsquery('english', 'knurl & olympic')").all()
            assert any(search_index.PG_INDEX in str(row) for row in plan), plan
        # and the migration seeded the default synonyms
        assert ("rowing machine", "rower") in [(s.term, s.replacement) for s in
                                               db.session.scalars(sa.select(SearchSynonym))]
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def test_search_migrations_step_down_and_up_keeping_search_working(empty_database_url, backend):
    # given a migrated database with a product, stepped back to the substring search of 0015
    app = create_app(settings_for(empty_database_url))
    with app.app_context():
        upgrade()
        make_product(name="Olympic Bar", long_description="Knurled sleeves.")
        db.session.commit()
        downgrade(revision="0015")
        inspector = sa.inspect(db.engine)
        assert "search_synonym" not in inspector.get_table_names()
        if backend == "postgresql":  # 0011's document is back
            assert "search_document" in {c["name"] for c in inspector.get_columns("product")}
            assert search_index.PG_VECTOR not in {c["name"] for c in
                                                  inspector.get_columns("product")}
        db.session.remove()
        # when it is upgraded again, then search finds the product by a word's other form
        upgrade()
        found = search.search_products("KNURLING", service.ListingFilters(), 24)
        assert [p.name for p in found.listing.items] == ["Olympic Bar"]
        db.session.remove()
        db.engine.dispose()


def test_migration_0022_keeps_what_stripe_charged_from_the_history_note(empty_database_url):
    # given a payment mismatch in EUR recorded before 0022 (the amount only in its note)
    from shop.orders.models import Order, OrderStatusChange
    from tests.factories import make_order
    app = create_app(settings_for(empty_database_url))
    with app.app_context():
        upgrade()
        order = make_order(status="payment_mismatch", captured_cents=0)
        db.session.add(OrderStatusChange(
            order_id=order.id, status="payment_mismatch",
            note="Stripe charged 5361 EUR cents; the order total is 5361 USD cents."))
        db.session.commit()
        number = order.number
        db.session.remove()
        downgrade(revision="0021")
        # when 0022 runs
        upgrade()
        # then the order holds what Stripe charged, read from that note
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
        assert (order.charged_amount, order.charged_currency) == (5361, "eur")
        db.session.remove()
        db.engine.dispose()
