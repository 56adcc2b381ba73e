"""Managers create, change and deactivate discount codes; staff may not."""
from sqlalchemy import func, select

from shop.accounts.models import AuditEntry
from shop.discounts.models import DiscountCode
from shop.extensions import db
from tests.backoffice.conftest import manager_user, sign_in, staff_user  # noqa: F401  (fixtures)
from tests.factories import make_category, make_discount_code
from tests.helpers import csrf_token, flashes


def post(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/admin/password")})


def codes():
    db.session.expire_all()
    return db.session.scalars(select(DiscountCode).order_by(DiscountCode.id)).all()


def test_a_manager_creates_a_restricted_percent_code(client, manager_user):  # noqa: F811
    racks = make_category(name="Racks", slug="racks")
    sign_in(client, manager_user)
    # when a manager creates 15% off racks from $100, 100 uses, once per customer
    response = post(client, "/admin/discounts", {
        "code": "racks15", "kind": "percent", "percent": "15", "min_subtotal": "100",
        "starts_on": "2026-12-01", "ends_on": "2026-12-31", "max_uses": "100",
        "per_email_limit": "1", "categories": str(racks.id), "note": "Winter sale"})
    # then the code exists with those terms, in upper case, audited
    assert response.status_code == 303, flashes(response)
    [code] = codes()
    assert (code.code, code.kind, code.percent, code.min_subtotal_cents) == ("RACKS15", "percent", 15, 10_000)
    assert (code.max_uses, code.per_email_limit, code.uses, code.active) == (100, 1, 0, True)
    assert [c.slug for c in code.categories] == ["racks"]
    assert code.ends_at > code.starts_at
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "discount_created")) == 1
    assert "RACKS15" in client.get("/admin/discounts").get_data(as_text=True)


def test_a_code_form_with_missing_terms_is_refused_with_the_reason(client, manager_user):  # noqa: F811
    sign_in(client, manager_user)
    for data, message in (({"code": "HALF", "kind": "percent"}, "Percent off is required"),
                          ({"code": "FIVER", "kind": "fixed"}, "Amount off is required"),
                          ({"code": "NO SPACES", "kind": "free_shipping"}, "letters, digits"),
                          ({"code": "LATE", "kind": "free_shipping", "starts_on": "2026-12-10",
                            "ends_on": "2026-12-01"}, "must not be before")):
        response = post(client, "/admin/discounts", data)
        assert response.status_code == 400 and message in flashes(response), data
    make_discount_code("TAKEN")
    response = post(client, "/admin/discounts", {"code": "taken", "kind": "free_shipping"})
    assert response.status_code == 409 and "already a code TAKEN" in flashes(response)
    assert len(codes()) == 1


def test_a_manager_edits_and_deactivates_a_code(client, manager_user):  # noqa: F811
    code = make_discount_code("SAVE10", percent=10)
    sign_in(client, manager_user)
    response = post(client, f"/admin/discounts/{code.id}", {"kind": "fixed", "amount": "20"})
    assert response.status_code == 303, flashes(response)
    response = post(client, f"/admin/discounts/{code.id}/active", {"active": "no"})
    assert response.status_code == 303
    [code] = codes()
    assert (code.code, code.kind, code.amount_cents, code.percent, code.active) == \
        ("SAVE10", "fixed", 2_000, 0, False)


def test_staff_cannot_create_or_change_codes(client, staff_user):  # noqa: F811
    code = make_discount_code("SAVE10", percent=10)
    sign_in(client, staff_user)
    for url, data in (("/admin/discounts", {"code": "MINE", "kind": "percent", "percent": "90"}),
                      (f"/admin/discounts/{code.id}", {"kind": "percent", "percent": "90"}),
                      (f"/admin/discounts/{code.id}/active", {"active": "no"})):
        assert post(client, url, data).status_code == 403, url
    # staff see the codes (to answer customers), without the manager's forms
    page = client.get("/admin/discounts")
    assert page.status_code == 200 and "SAVE10" in page.get_data(as_text=True)
    assert "Create code" not in page.get_data(as_text=True)
    assert client.get(f"/admin/discounts/{code.id}").status_code == 403
    [code] = codes()
    assert (code.percent, code.active) == (10, True)
