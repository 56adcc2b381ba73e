"""Data safety: backups round-trip, and migrations upgrade a database that holds data."""
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import func, select

from shop import create_app
from shop.catalog.models import Product, StockMovement, Variant
from shop.catalog.seed import seed_demo
from shop.extensions import db
from tests.conftest import settings_for
from tests.test_migrations import _schema_diff, empty_database_url  # noqa: F401


def snapshot():
    return (db.session.scalar(select(func.count()).select_from(Product)),
            db.session.scalar(select(func.sum(Variant.on_hand))),
            db.session.scalar(select(func.sum(Variant.price_cents))),
            db.session.scalar(select(func.count()).select_from(StockMovement)))


def test_migrations_upgrade_a_database_holding_the_demo_catalog(empty_database_url):
    app = create_app(settings_for(empty_database_url))
    with app.app_context():
        # the oldest schema today's seed can fill (it writes 0020's pictures and specs),
        # with the demo catalog in it
        upgrade(revision="0020")
        seed_demo()
        before = snapshot()
        db.session.rollback()  # end the read: a migration may need its tables' exclusive locks
        upgrade()  # every later migration, over real data
        db.session.expire_all()
        assert snapshot() == before
        assert _schema_diff(app) == []
        db.session.remove()
        db.engine.dispose()


def test_backup_and_restore_round_trip_loses_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    app = create_app(settings_for(url))
    runner = app.test_cli_runner()
    with app.app_context():
        upgrade()
        seed_demo()
        before = snapshot()
        # when a backup is taken, data is lost, and the backup restored
        assert runner.invoke(args=["backup", str(tmp_path / "b.db")]).exit_code == 0
        db.session.execute(sa.delete(StockMovement))
        db.session.commit()
        result = runner.invoke(args=["restore", str(tmp_path / "b.db"), "--yes"])
        assert result.exit_code == 0, result.output
        db.session.remove()
        assert snapshot() == before


def test_backup_refuses_to_overwrite_and_restore_refuses_foreign_files(tmp_path):
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    app = create_app(settings_for(url))
    runner = app.test_cli_runner()
    with app.app_context():
        upgrade()
        (tmp_path / "exists.db").write_text("x")
        assert "already exists" in runner.invoke(args=["backup", str(tmp_path / "exists.db")]).output
        import sqlite3
        other = sqlite3.connect(tmp_path / "other.db")
        other.execute("create table t (x)")
        other.close()
        result = runner.invoke(args=["restore", str(tmp_path / "other.db"), "--yes"])
        assert result.exit_code != 0 and "not a backup of this shop" in result.output
