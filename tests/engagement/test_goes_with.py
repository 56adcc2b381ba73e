"""Goes with: managers link accessories to a product; its page shows the published ones."""
import pytest
from sqlalchemy import select

from shop.accounts.models import AuditEntry
from shop.engagement.models import ProductLink
from shop.extensions import db
from tests.backoffice.conftest import sign_in
from tests.factories import make_product
from tests.helpers import csrf_token


@pytest.fixture
def rack(app):
    return make_product(name="Power Rack", slug="power-rack")


@pytest.fixture
def cups(app):
    return make_product(name="J-Cups", slug="j-cups", variants=[{"price_cents": 4_900}])


def links():
    db.session.expire_all()
    return db.session.scalars(select(ProductLink)).all()


def add(client, product_id, slug, token_from=None):
    page = f"/admin/products/{product_id}/goes-with"
    return client.post(page, data={"accessory_slug": slug,
                                   "csrf_token": csrf_token(client, token_from or page)})


def test_a_linked_accessory_shows_on_the_product_page(client, rack, cups, manager_user):
    # when a manager links the J-cups to the rack
    sign_in(client, manager_user)
    response = add(client, rack.id, "j-cups")
    # then the rack's page shows them under "Goes with", with a link and the price
    assert response.status_code == 303
    html = client.get("/products/power-rack").get_data(as_text=True)
    section = html.split('data-testid="goes-with"', 1)[1].split("</section>", 1)[0]
    assert 'href="/products/j-cups"' in section and "J-Cups" in section and "$49.00" in section
    entry = db.session.scalars(select(AuditEntry)
                               .where(AuditEntry.action == "goes_with_added")).one()
    assert entry.after == {"accessory": "j-cups"}


def test_a_draft_accessory_stays_hidden(client, rack, manager_user):
    make_product(name="Spotter Arms", slug="spotter-arms", status="draft")
    sign_in(client, manager_user)
    assert add(client, rack.id, "spotter-arms").status_code == 303
    assert 'data-testid="goes-with"' not in client.get("/products/power-rack").get_data(
        as_text=True)


@pytest.mark.parametrize("slug, message", [("power-rack", "can&#39;t go with itself"),
                                           ("nothing-here", "No product has the slug"),
                                           ("j-cups", "already linked")])
def test_bad_links_are_refused(client, rack, cups, manager_user, slug, message):
    sign_in(client, manager_user)
    add(client, rack.id, "j-cups")
    response = add(client, rack.id, slug)
    assert response.status_code == 409 and message in response.get_data(as_text=True)
    assert len(links()) == 1


@pytest.mark.parametrize("role", ["anonymous", "staff"])
def test_only_managers_link_accessories(client, rack, cups, staff_user, role):
    # given a visitor or a member of staff with a valid CSRF token
    if role == "staff":
        sign_in(client, staff_user)
    token_from = "/admin/password" if role == "staff" else "/admin/login"
    # when they try to link the J-cups
    response = add(client, rack.id, "j-cups", token_from)
    # then staff are refused, visitors sent to sign in, and nothing is linked
    assert response.status_code == (403 if role == "staff" else 302)
    assert links() == []


def test_removing_a_link(client, rack, cups, manager_user):
    sign_in(client, manager_user)
    add(client, rack.id, "j-cups")
    url = f"/admin/products/{rack.id}/goes-with/{cups.id}/remove"
    token = csrf_token(client, f"/admin/products/{rack.id}/goes-with")
    assert client.post(url, data={"csrf_token": token}).status_code == 303
    assert links() == []
    assert client.post(url, data={"csrf_token": token}).status_code == 409
