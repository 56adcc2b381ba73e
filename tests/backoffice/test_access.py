"""Signing in, roles, and the access matrix over every /admin route."""
import re

import pytest

from tests.backoffice.conftest import PASSWORD, sign_in
from tests.helpers import csrf_token, flashes

# Routes a plain member of staff may not use; every other /admin route is open to staff.
MANAGER_ONLY_HINT = "manager_only"


def admin_get_routes(app):
    """Every GET route under /admin with placeholder values for its arguments."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or "GET" not in rule.methods:
            continue
        if rule.endpoint in ("accounts.login",):
            continue
        url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", "1", rule.rule)
        view = app.view_functions[rule.endpoint]
        routes.append((url, getattr(view, MANAGER_ONLY_HINT, False), rule.endpoint))
    return routes


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    for url, _, endpoint in admin_get_routes(app):
        response = client.get(url)
        assert response.status_code == 302, (endpoint, response.status_code)
        assert "/admin/login" in response.headers["Location"]


def test_anonymous_posts_are_refused(app, client):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin") and "POST" in rule.methods \
                and rule.endpoint != "accounts.login":
            url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", "1", rule.rule)
            assert client.post(url).status_code in (302, 400, 401), rule.endpoint


def test_staff_get_staff_pages_and_403_on_manager_pages(app, as_staff):
    for url, manager_only, endpoint in admin_get_routes(app):
        status = as_staff.get(url).status_code
        if manager_only:
            assert status == 403, endpoint
        else:
            assert status in (200, 404), (endpoint, status)


def test_managers_get_every_page(app, as_manager):
    for url, _, endpoint in admin_get_routes(app):
        assert as_manager.get(url).status_code in (200, 404), endpoint


def test_wrong_password_does_not_say_whether_the_account_exists(client, staff_user):
    token = csrf_token(client, "/admin/login")
    known = client.post("/admin/login", data={"email": staff_user.email, "password": "nope-nope",
                                              "csrf_token": token})
    unknown = client.post("/admin/login", data={"email": "ghost@example.com",
                                                "password": "nope-nope", "csrf_token": token})
    assert known.status_code == unknown.status_code == 401
    assert flashes(known) == flashes(unknown)


@pytest.mark.parametrize("target, expected", [
    ("/admin/staff", "/admin/staff"),
    ("https://evil.example/phish", "/admin/"),
    ("//evil.example", "/admin/"),
    ("/\\evil.example", "/admin/"),
])
def test_next_must_be_a_local_path(client, staff_user, target, expected):
    token = csrf_token(client, "/admin/login")
    response = client.post(f"/admin/login?next={target}", data={
        "email": staff_user.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"].endswith(expected)


def test_changing_the_password_signs_out_other_sessions(app, client, staff_user):
    other = app.test_client()
    sign_in(other, staff_user)
    sign_in(client, staff_user)
    token = csrf_token(client, "/admin/password")
    response = client.post("/admin/password", data={
        "current": PASSWORD, "new": "a brand new long password", "confirm": "a brand new long password",
        "csrf_token": token})
    assert response.status_code == 303
    assert client.get("/admin/").status_code == 200
    assert other.get("/admin/").status_code == 302


def test_login_is_rate_limited(app, client, staff_user):
    from shop.extensions import limiter
    app.config["RATE_LIMIT_LOGIN"] = "10 per minute"
    limiter.reset()
    token = csrf_token(client, "/admin/login")
    statuses = [client.post("/admin/login", data={"email": staff_user.email, "password": "x",
                                                  "csrf_token": token}).status_code
                for _ in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429


def test_create_staff_command(runner):
    result = runner.invoke(args=["create-staff", "boss@example.com", "--role", "manager",
                                 "--password", "long enough password"])
    assert result.exit_code == 0 and "Created manager account boss@example.com" in result.output
    short = runner.invoke(args=["create-staff", "x@example.com", "--password", "short"])
    assert short.exit_code != 0 and "at least 12 characters" in short.output


@pytest.mark.parametrize("who", ["staff_user", "manager_user"])
def test_every_menu_link_opens_for_whoever_sees_it(request, client, who):
    # given a signed-in member of staff or manager
    user = request.getfixturevalue(who)
    sign_in(client, user)
    html = client.get("/admin/").get_data(as_text=True)
    menu = re.search(r'<nav class="header-nav" aria-label="Back office">(.*?)</nav>', html, re.S)
    links = re.findall(r'href="(/admin[^"]*)"', menu.group(1))
    # then each link they are shown answers 200, and only managers see manager pages
    assert links
    for link in links:
        assert client.get(link).status_code == 200, (who, link)
    manager_pages = {"/admin/products", "/admin/categories", "/admin/staff", "/admin/audit"}
    assert (manager_pages <= set(links)) is (who == "manager_user")
    assert not (manager_pages & set(links)) or who == "manager_user"
