"""/healthz and /readyz: cheap, unauthenticated, exempt from rate limits, honest about 503."""
import pytest
import redis

from shop import create_app
from shop.extensions import limiter
from tests.conftest import free_port, settings_for

REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def app_settings():
    # Every route limited to 1 request a minute: the health checks must not be.
    return {"RATELIMIT_DEFAULT": "1 per minute"}


@pytest.fixture(autouse=True)
def forget_app_wide_limits():
    yield
    # Flask-Limiter keeps default limits on its (module-wide) object: later apps must not
    limiter.limit_manager.set_default_limits([])


def redis_reachable() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.exceptions.RedisError:
        return False


def unreachable_database_url(backend: str, tmp_path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'no-such-directory' / 'shop.db'}"
    return f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test?connect_timeout=2"


def test_healthz_answers_without_touching_the_database(client, count_statements):
    # given a running app
    # when a balancer asks whether the process is alive
    with count_statements() as statements:
        response = client.get("/healthz")
    # then it answers ok, uncached, and sent no SQL at all
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "no-store" in response.headers["Cache-Control"]
    assert statements == []


def test_readyz_is_200_when_the_database_answers(client, count_statements):
    # given a database that answers
    # when a balancer asks whether the server is ready
    with count_statements() as statements:
        response = client.get("/readyz")
    # then it is, after one cheap statement
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert len(statements) == 1


def test_health_checks_are_exempt_from_rate_limits(client):
    # given every route limited to one request a minute (app_settings)
    # when a balancer polls both checks many times
    statuses = [client.get(path).status_code for _ in range(5) for path in ("/healthz", "/readyz")]
    # then none is refused, while an ordinary page is limited
    assert statuses == [200] * 10
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/robots.txt").status_code == 429


def test_readyz_is_503_with_a_reason_when_the_database_does_not_answer(backend, tmp_path):
    # given an app whose database cannot be reached
    app = create_app(settings_for(unreachable_database_url(backend, tmp_path)))
    # when a balancer asks whether it is ready
    response = app.test_client().get("/readyz")
    # then it is not, says why in JSON, and names no address; /healthz still answers
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert [reason.split(":")[0] for reason in body["reasons"]] == ["database"]
    assert "127.0.0.1" not in response.get_data(as_text=True)
    assert app.test_client().get("/healthz").status_code == 200


def test_readyz_is_503_when_a_configured_redis_does_not_answer(tmp_path):
    # given a database that answers but a page-cache Redis on a port nobody listens on
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'shop.db'}",
                                  CACHE_REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"))
    # when a balancer asks whether it is ready
    response = app.test_client().get("/readyz")
    # then it is not, and the reason is Redis
    assert response.status_code == 503
    assert [reason.split(":")[0] for reason in response.get_json()["reasons"]] == ["redis"]


def test_readyz_pings_the_configured_redis_servers(tmp_path):
    # given rate limits and the page cache in a Redis that answers
    if not redis_reachable():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'shop.db'}",
                                  RATELIMIT_STORAGE_URI=REDIS_URL, CACHE_REDIS_URL=REDIS_URL))
    # when a balancer asks whether it is ready
    response = app.test_client().get("/readyz")
    # then it is
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
