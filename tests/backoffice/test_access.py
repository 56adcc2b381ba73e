"""Signing in, roles, and the access matrix over every /admin route.

The matrix sends every method of every /admin route (read from `app.url_map`, so a new
route is covered as soon as it exists) as an anonymous visitor, a member of staff and a
manager, POSTing with a valid CSRF token and filled-in forms, against a database where
each route's object exists. A refused request must answer as the matrix says AND leave
every table exactly as it was.
"""
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from shop.accounts.service import create_staff
from shop.catalog.models import ProductImage
from shop.database import utcnow
from shop.extensions import db
from shop.orders.models import ReturnRequest, WarrantyClaim
from shop.pages.models import ContactMessage
from shop.rules.warranty import DEFAULT_WARRANTY_BY_KIND
from tests.backoffice.conftest import PASSWORD, sign_in
from tests.checkout.conftest import standin  # noqa: F401  (the local Stripe stand-in)
from tests.factories import make_category, make_discount_code, make_order, make_product
from tests.engagement.world import engagement_world
from tests.helpers import csrf_token, flashes
from tests.payments.standin_fixture import TEST_SECRET_KEY, TEST_WEBHOOK_SECRET

ANYONE, STAFF, MANAGER = "anyone", "staff", "manager"

# Who may use each /admin endpoint. A route whose endpoint is missing here fails the
# matrix: whoever adds a route must say who may use it.
ACCESS = {
    "accounts.login": ANYONE,
    "accounts.logout": STAFF,
    "accounts.password": STAFF,
    "admin.dashboard": STAFF,
    "admin.orders": STAFF,
    "admin.pick_list": STAFF,
    "admin.order_detail": STAFF,
    "admin.packing_slip": STAFF,
    "admin.order_pack": STAFF,
    "admin.order_ship": STAFF,
    "admin.order_deliver": STAFF,
    "admin.order_tracking": STAFF,  # correct a shipped order's tracking (the world's is paid: 409)
    "admin.order_note": STAFF,
    "admin.order_cancel": MANAGER,   # the world's order is paid: cancelling refunds it
    "admin.order_refund": MANAGER,
    "admin.order_accept_payment": MANAGER,  # a payment Stripe took for another amount
    "admin.order_refund_mismatch": MANAGER,
    "admin.order_cancel_refunded_at_stripe": MANAGER,  # refunded in the Stripe dashboard
    "admin.returns": STAFF,
    "admin.return_detail": STAFF,
    "admin.return_approve": STAFF,
    "admin.return_reject": STAFF,
    "admin.return_receive": STAFF,
    "admin.return_replace": STAFF,
    "admin.return_refund": MANAGER,
    "admin.claims": STAFF,
    "admin.claim_detail": STAFF,
    "admin.claim_approve": MANAGER,  # posted as a goodwill replacement (a repair is staff's)
    "admin.claim_reject": STAFF,
    "admin.claim_close": STAFF,
    "admin.messages": STAFF,
    "admin.message_detail": STAFF,
    "admin.message_reply": STAFF,
    "admin.message_answered": STAFF,
    "admin.stock": STAFF,
    "admin.stock_export": STAFF,
    "admin.stock_variant": STAFF,
    "admin.stock_receive": STAFF,
    "admin.stock_adjust": STAFF,
    "admin.stock_threshold": STAFF,
    "admin.products": MANAGER,
    "admin.products_export": MANAGER,
    "admin.products_import": MANAGER,
    "admin.products_import_apply": MANAGER,
    "admin.product_new": MANAGER,
    "admin.product_edit": MANAGER,
    "admin.variant_new": MANAGER,
    "admin.variant_edit": MANAGER,
    "admin.picture_add": MANAGER,  # product pictures and specifications: catalog editing
    "admin.picture_move": MANAGER,
    "admin.picture_delete": MANAGER,
    "admin.product_specs": MANAGER,
    "admin.categories": MANAGER,
    "admin.category_edit": MANAGER,
    "admin.staff": MANAGER,
    "admin.staff_access": MANAGER,
    "admin.audit": MANAGER,
    "admin.customers": STAFF,
    "admin.search_synonyms": STAFF,
    "admin.search_synonym_add": STAFF,
    "admin.search_synonym_delete": STAFF,
    "admin.discounts": STAFF,  # staff see the codes; changing them is a manager's
    "admin.discount_create": MANAGER,
    "admin.discount_edit": MANAGER,
    "admin.discount_update": MANAGER,
    "admin.discount_active": MANAGER,
    "admin.reviews": STAFF,  # moderation is everyday work; the claims checker guards publishing
    "admin.review_approve": STAFF,
    "admin.review_reject": STAFF,
    "admin.back_in_stock": STAFF,
    "admin.goes_with_page": MANAGER,  # catalog editing, like products
    "admin.goes_with_add": MANAGER,
    "admin.goes_with_remove": MANAGER,
}

# What a POST sends besides the CSRF token: for the manager-only routes, a form that
# would change something were the guard missing; an empty form elsewhere.
VARIANT_FORM = {"sku": "BENCH-NEW", "price": "199", "weight": "19.84", "box_length": "47.24",
                "box_width": "15.75", "box_height": "15.75", "low_stock_threshold": "3"}
FORMS = {
    "admin.order_cancel": {"reason": "Customer asked by phone"},
    "admin.order_refund": {"amount": "5", "reason": "Scuffed box", "request_id": "a" * 32},
    "admin.order_refund_mismatch": {"reason": "Stripe took the wrong amount"},
    "admin.order_cancel_refunded_at_stripe": {"refunded_at_stripe": "y",
                                              "note": "Refunded in the Stripe dashboard"},
    "admin.claim_approve": {"claim_remedy": "replacement", "goodwill": "y"},
    "admin.staff": {"email": "new.hire@example.com", "name": "New Hire", "role": "manager",
                    "password": "a long enough password"},
    "admin.staff_access": {"action": "make_manager"},
    "admin.category_edit": {"name": "Benches", "slug": "benches-new", "parent_id": "0",
                            "warranty_kind": next(iter(DEFAULT_WARRANTY_BY_KIND)),
                            "position": "0"},
    "admin.product_new": {"name": "Flat Bench", "slug": "flat-bench-new", "category_id": "{category}",
                          "short_description": "A sturdy flat bench."},
    "admin.product_edit": {"name": "Renamed Rack", "slug": "renamed-rack",
                           "category_id": "{category}", "short_description": "Renamed."},
    "admin.variant_new": VARIANT_FORM,
    "admin.variant_edit": {**VARIANT_FORM, "sku": "RACK-RENAMED"},
    "admin.discount_create": {"code": "WELCOME5", "kind": "percent", "percent": "5"},
    "admin.discount_update": {"kind": "percent", "percent": "7"},
    "admin.discount_active": {"active": "no"},
    "admin.goes_with_add": {"accessory_slug": "collars"},
    "admin.picture_move": {"direction": "down"},
    "admin.product_specs": {"spec-rated_load": "1000"},
}
LAST = ("accounts.logout",)  # signs the client out, so it is sent after everything else


@pytest.fixture
def app_settings(standin):
    """Payments go to the local Stripe stand-in (a manager's refund must reach nothing else)."""
    return {"STRIPE_SECRET_KEY": TEST_SECRET_KEY, "STRIPE_API_BASE": standin.base_url,
            "STRIPE_WEBHOOK_SECRET": TEST_WEBHOOK_SECRET}


@pytest.fixture
def world(app, staff_user, manager_user):
    """One object for every kind of id an /admin URL takes, each in a state the route's
    action would work on: a paid order, a received return, a claim the rules don't cover."""
    category = make_category(name="Racks", slug="racks")
    rack = make_product(category, name="Power Rack", slug="power-rack", variants=[
        {"sku": "RACK-1", "price_cents": 50_000, "on_hand": 4}])
    variant = rack.variants[0]
    paid = make_order([(variant, 1)], status="paid")
    recent = make_order([(variant, 1)], status="delivered",
                        delivered_at=utcnow() - timedelta(days=3))
    returned = ReturnRequest(order_id=recent.id, order_line_id=recent.lines[0].id, quantity=1,
                             reason="damaged", remedy="refund", refund_cents=50_395,
                             return_shipping_paid_by="shop", status="received")
    recent.lines[0].return_requested = 1
    old = make_order([(variant, 1)], status="delivered",
                     delivered_at=utcnow() - timedelta(days=3 * 365))
    claim = WarrantyClaim(order_id=old.id, order_line_id=old.lines[0].id,
                          component="Upholstery", description="The seat cover split.",
                          covered=False, coverage_reason="Upholstery (1 year) cover ended")
    message = ContactMessage(name="Alex", email="alex@example.com", topic="choosing",
                             message="Will the rack fit under 88 in.?")
    picture = ProductImage(product_id=rack.id, stem="products/" + "0" * 32, widths=[320],
                           width=320, height=240, alt="The rack")  # files: none needed
    category.spec_keys = ["rated_load"]
    db.session.add_all([returned, claim, message, picture])
    db.session.commit()
    other = create_staff("other.staff@example.com", PASSWORD, "staff", "Olly")
    issue20 = engagement_world(rack, recent)  # a review, goes-with links
    discount = make_discount_code()
    return {"discount_id": discount.id,
            "number": paid.number, "product_id": rack.id, "variant_id": variant.id,
            "category_id": category.id, "return_id": returned.id, "claim_id": claim.id,
            "message_id": message.id, "user_id": other.id, "staff": staff_user,
            "picture_id": picture.id,
            "manager": manager_user, **issue20}


@dataclass(frozen=True)
class Route:
    endpoint: str
    url: str
    methods: tuple[str, ...]
    access: str | None  # None: nobody said who may use it
    form: dict


def admin_routes(app, world) -> list[Route]:
    """Every /admin route, its URL filled from `world`, in the order they are sent."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin"):
            continue
        url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(world[m.group(1)]), rule.rule)
        form = {name: value.format(category=world["category_id"])
                for name, value in FORMS.get(rule.endpoint, {}).items()}
        routes.append(Route(rule.endpoint, url, tuple(sorted(rule.methods - {"HEAD", "OPTIONS"})),
                            ACCESS.get(rule.endpoint), form))
    return sorted(routes, key=lambda r: (r.endpoint in LAST, r.url))


def snapshot() -> dict:
    """Every row of every table, to compare before and after a refused request."""
    db.session.rollback()
    db.session.expire_all()
    return {table.name: sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
            for table in db.metadata.sorted_tables}


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]


def expected_answer(role: str, access: str) -> str:
    if access == ANYONE:
        return "allowed"
    if role == "anonymous":
        return "sign-in"
    return "forbidden" if access == MANAGER and role == STAFF else "allowed"


def answer_problem(response, expected: str, method: str) -> str | None:
    """Why `response` is not the expected answer, or None."""
    status, location = response.status_code, response.headers.get("Location", "")
    if expected == "sign-in":
        ok = status == 302 and "/admin/login" in location
    elif expected == "forbidden":
        ok = status == 403
    elif method == "GET":
        ok = status == 200
    else:  # allowed: the view ran (it may still refuse the input or the state)
        ok = status != 403 and status < 500 and not (status == 302 and "/admin/login" in location)
    return None if ok else f"expected {expected}, got {status} {location}".strip()


def test_every_admin_route_says_who_may_use_it(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.rule.startswith("/admin")}
    assert sorted(endpoints - set(ACCESS)) == [], "add these routes to ACCESS"
    assert sorted(set(ACCESS) - endpoints) == [], "these routes are gone; drop them from ACCESS"


@pytest.mark.parametrize("role", ["anonymous", STAFF, MANAGER])
def test_every_admin_route_answers_each_role_and_refusals_change_nothing(app, client, world,
                                                                          role):
    # given a visitor, a member of staff or a manager with a valid CSRF token
    if role != "anonymous":
        sign_in(client, world[role])
    token = csrf_token(client, "/admin/login" if role == "anonymous" else "/admin/password")
    problems = []
    # when each method of each /admin route is sent
    for route in admin_routes(app, world):
        if route.access is None:
            problems.append(f"{route.endpoint}: not in ACCESS")
            continue
        expected = expected_answer(role, route.access)
        for method in route.methods:
            before = snapshot() if expected != "allowed" else None
            if method == "GET":
                response = client.get(route.url)
            else:
                response = client.post(route.url, data={**route.form, "csrf_token": token})
            # then it answers as the matrix says, and a refusal left every table as it was
            where = f"{method} {route.url} ({route.endpoint}) as {role}"
            problem = answer_problem(response, expected, method)
            if problem:
                problems.append(f"{where}: {problem}")
            if before is not None and (changed := changed_tables(before, snapshot())):
                problems.append(f"{where}: refused, yet changed {changed}")
    assert not problems, "\n".join(problems)


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
    assert "/admin/search-synonyms" in links  # staff keep the search synonyms
    manager_pages = {"/admin/products", "/admin/categories", "/admin/staff", "/admin/audit"}
    assert (manager_pages <= set(links)) is (who == "manager_user")
    assert not (manager_pages & set(links)) or who == "manager_user"
