"""Catalog pages served by many threads of one worker at once (gunicorn's gthread): each
visitor still gets their own cart count and CSRF token, and a stock move in the middle
shows on the next page without any error."""
import re
import threading

from shop.backoffice import stock_service
from shop.extensions import db
from tests.factories import make_category, make_product
from tests.helpers import csrf_token

THREADS, ROUNDS = 8, 15
CART_COUNT = re.compile(r'<span class="cart-count"[^>]*>(\d+)</span>')
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _session_part(token: str) -> str:
    """What a signed CSRF token carries of its session (its timestamp and signature vary)."""
    return token.split(".")[0]


def _visitor(app, units: int):
    """A client whose cart holds `units` units of RK-A, and its CSRF token."""
    client = app.test_client()
    token = csrf_token(client, "/products/alpha-rack")
    response = client.post("/cart/add", data={"csrf_token": token, "sku": "RK-A",
                                              "quantity": str(units), "next": "/"})
    assert response.status_code == 303
    return client, token


def test_threads_serving_cached_pages_never_mix_visitors(app):
    # given a product, and two visitors with 1 and 2 units in their carts
    category = make_category(slug="racks")
    product = make_product(category, slug="alpha-rack",
                           variants=[{"sku": "RK-A", "price_cents": 50_000, "on_hand": 50}])
    variant_id = product.variants[0].id
    visitors = {1: _visitor(app, 1), 2: _visitor(app, 2)}
    assert _session_part(visitors[1][1]) != _session_part(visitors[2][1])
    problems, lock = [], threading.Lock()
    barrier = threading.Barrier(THREADS + 1)

    def browse(index: int) -> None:
        units = 1 + index % 2
        client, token = visitors[units]
        barrier.wait()
        for round_ in range(ROUNDS):
            path = ("/products/alpha-rack", "/categories/racks", "/")[round_ % 3]
            response = client.get(path)
            html = response.get_data(as_text=True)
            count = CART_COUNT.search(html)
            found = TOKEN.search(html)
            with lock:
                if response.status_code != 200:
                    problems.append((path, response.status_code))
                elif count is None or count.group(1) != str(units):
                    problems.append((path, "cart count", count and count.group(1), units))
                elif path.startswith("/products/") and (found is None
                                                        or _session_part(found.group(1))
                                                        != _session_part(token)):
                    problems.append((path, "another visitor's CSRF token"))

    def receive_goods() -> None:
        with app.app_context():
            barrier.wait()
            for _ in range(5):
                stock_service.receive(variant_id, 1, "delivery", "manager@example.com")
            db.session.remove()

    # when 8 threads browse with both visitors' sessions while goods come in 5 times
    threads = [threading.Thread(target=browse, args=(i,)) for i in range(THREADS)]
    threads.append(threading.Thread(target=receive_goods))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    # then no request failed or showed another visitor's cart or token
    assert problems == []
    # and every goods-in committed while the pages were served
    with app.app_context():
        db.session.expire_all()
        assert db.session.get(type(product.variants[0]), variant_id).on_hand == 55
