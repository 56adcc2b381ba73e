"""Faults at checkout: the payment provider answering 500, the database connection dropped."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa
from sqlalchemy import event, func, select

from shop.catalog.models import Variant
from shop.extensions import db
from shop.orders.models import Order
from tests.checkout.test_checkout_flow import add_to_cart, submit_checkout, variant
from tests.helpers import flashes


class AlwaysFails(BaseHTTPRequestHandler):
    """A payment API that answers every request with a 500, as Stripe does in an incident."""

    def _fail(self):
        body = json.dumps({"error": {"type": "api_error", "message": "Internal error"}}).encode()
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = _fail

    def log_message(self, *args):
        pass


@pytest.fixture
def failing_provider():
    server = ThreadingHTTPServer(("127.0.0.1", 0), AlwaysFails)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_provider_answering_500_releases_the_order(app, client, stock, failing_provider):
    # given a payment provider that answers every request with a server error
    app.config["STRIPE_API_BASE"] = failing_provider
    add_to_cart(client, "BAND", 2)
    # when the customer submits the checkout
    response = submit_checkout(client)
    # then they get a clear message, the order is closed and no stock stays held
    assert response.status_code == 400
    assert "couldn't reach our payment provider" in flashes(response)
    assert db.session.scalar(select(Order)).status == "cancelled"
    assert variant("BAND").reserved == 0


def test_a_connection_dropped_mid_request_writes_nothing_and_the_next_request_works(
        app, client, stock, backend, standin):
    if backend != "postgresql":
        pytest.skip("a server-side connection drop needs PostgreSQL")
    # given the database server drops the connection just as the order is being written
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as production does
    add_to_cart(client, "BAND", 2)
    killer = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool)
    dropped = []

    def drop_before_the_order_insert(conn, cursor, statement, parameters, context, many):
        if not dropped and statement.lstrip().upper().startswith("INSERT INTO SHOP_ORDER"):
            dropped.append(conn.connection.dbapi_connection.info.backend_pid)
            with killer.connect() as other:
                other.execute(sa.text("SELECT pg_terminate_backend(:pid)"),
                              {"pid": dropped[0]})

    event.listen(db.engine, "before_cursor_execute", drop_before_the_order_insert)
    try:
        response = submit_checkout(client)
    finally:
        event.remove(db.engine, "before_cursor_execute", drop_before_the_order_insert)
        killer.dispose()
    # then the request fails cleanly: a friendly error page, no order, no stock held
    assert dropped, "the connection was never dropped"
    assert response.status_code == 500
    assert "Nothing was charged or changed" in response.get_data(as_text=True)
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert db.session.scalar(select(Variant.reserved).where(Variant.sku == "BAND")) == 0
    # and the next request works on a fresh connection, all the way to Stripe's page
    again = submit_checkout(client)
    assert again.status_code == 303
    assert db.session.scalar(select(Order)).status == "pending_payment"
