"""The dashboard's figures, staff accounts (create, deactivate, roles) and the audit log."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from shop.accounts import service as accounts
from shop.accounts.models import AuditEntry, StaffUser
from shop.extensions import db
from tests.backoffice.conftest import PASSWORD, sign_in
from tests.factories import make_order, make_product
from tests.helpers import csrf_token, flashes, outcome, post_form, run_concurrently

# Mon 23 Nov 2026, 10:00 in New York: before the 14:00 cut-off.
MONDAY_MORNING = datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)


def paid_order(paid_at, **fields):
    rack = make_product(variants=[{"price_cents": 50_000}])
    return make_order([(rack.variants[0], 1)], status="paid", paid_at=paid_at,
                      captured_cents=50_000, **fields)


def test_dashboard_sorts_what_must_ship_today_from_what_can_wait(app, as_staff):
    # given it is Monday morning: one order paid Friday after the cut-off (due today), one
    # paid last Thursday morning (due Thursday: late), one paid now (due today)
    app.config["FIXED_NOW"] = MONDAY_MORNING
    friday_evening = paid_order(datetime(2026, 11, 20, 22, 0, tzinfo=timezone.utc))
    thursday = paid_order(datetime(2026, 11, 19, 14, 0, tzinfo=timezone.utc))
    just_now = paid_order(MONDAY_MORNING)
    # when staff open the dashboard
    html = as_staff.get("/admin/").get_data(as_text=True)
    # then three must go today, one of them late, and each links to its order
    assert "3</span> orders to ship today (1 late)" in html
    assert "Late: Thu 19 Nov" in html
    for order in (friday_evening, thursday, just_now):
        assert f'href="/admin/orders/{order.number}"' in html
    assert "$1,500.00</span> sales before tax in the last 7 days (3 orders), plus $0.00 sales " \
           "tax collected" in html


def test_an_order_paid_after_the_cut_off_waits_for_the_next_business_day(app, as_staff):
    app.config["FIXED_NOW"] = datetime(2026, 11, 23, 20, 0, tzinfo=timezone.utc)  # 15:00 NY
    paid_order(datetime(2026, 11, 23, 19, 30, tzinfo=timezone.utc))                 # 14:30 NY
    html = as_staff.get("/admin/").get_data(as_text=True)
    assert "0</span> orders to ship today; 1 waiting in all" in html
    assert "Tue 24 Nov" in html


def test_the_dashboard_lists_refunded_orders_whose_stock_waits_to_go_back(app, as_staff):
    # given an order sold then refunded in full before it shipped, one refunded after it
    # shipped, and a late payment refunded (never sold)
    app.config["FIXED_NOW"] = MONDAY_MORNING
    rack = make_product(variants=[{"price_cents": 50_000}]).variants[0]

    def refunded(paid_at, shipped_at=None):
        return make_order([(rack, 1)], status="refunded", paid_at=paid_at, shipped_at=shipped_at,
                          captured_cents=50_000, refunded_cents=50_000)
    unshipped = refunded(MONDAY_MORNING)
    shipped = refunded(MONDAY_MORNING, shipped_at=MONDAY_MORNING)
    never_sold = refunded(None)
    # when staff open the dashboard
    html = as_staff.get("/admin/").get_data(as_text=True)
    # then only the first waits for a cancel to put its stock back on sale
    box = html.split('data-testid="to-put-back"', 1)[1].split("</div>", 1)[0]
    assert "1 refunded order not shipped:" in box and unshipped.number in box
    assert shipped.number not in box and never_sold.number not in box


def test_an_empty_sales_chart_labels_its_axis_once(app, as_staff):
    # given no sale in the last 30 days (the axis top is then one cent)
    html = as_staff.get("/admin/").get_data(as_text=True)
    sales_chart = html.split('data-testid="chart-sales"', 1)[1].split("</figure>", 1)[0]
    # then "$0" is written once, not once per grid line
    assert sales_chart.count('text-anchor="end">$0</text>') == 1


def test_a_manager_creates_an_account_with_an_audit_row(as_manager, manager_user):
    response = post_form(as_manager, "/admin/staff", {
        "email": "Pat@Example.com", "name": "Pat", "role": "staff",
        "password": "a long enough password"}, token_from="/admin/staff")
    assert response.status_code == 303
    pat = db.session.scalar(select(StaffUser).where(StaffUser.email == "pat@example.com"))
    assert pat is not None and pat.role == "staff"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "staff_created",
                                                        AuditEntry.entity_id == str(pat.id)))
    assert entry.actor == manager_user.email and entry.after == {"email": "pat@example.com",
                                                                 "role": "staff"}


def test_a_short_password_or_taken_email_is_400_and_creates_nothing(as_manager, staff_user):
    for data, message in (
            ({"email": "new@example.com", "password": "short"}, "Use 12 to 200 characters."),
            ({"email": staff_user.email, "password": "a long enough password"},
             "An account with that email already exists.")):
        response = post_form(as_manager, "/admin/staff", {"name": "", "role": "staff", **data},
                             token_from="/admin/staff")
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(StaffUser).where(StaffUser.email == "new@example.com")) is None


def change(client, user, action):
    return post_form(client, f"/admin/staff/{user.id}/access", {"action": action},
                     token_from="/admin/staff")


def test_deactivating_an_account_signs_it_out_and_keeps_it_out(app, as_manager, staff_user):
    # given the member of staff is signed in on their own browser
    theirs = app.test_client()
    sign_in(theirs, staff_user)
    assert theirs.get("/admin/orders").status_code == 200
    # when a manager deactivates the account
    response = change(as_manager, staff_user, "deactivate")
    assert response.status_code == 303
    # then their session ends, they cannot sign in again, and the audit log says who did it
    assert theirs.get("/admin/orders").status_code == 302
    token = csrf_token(theirs, "/admin/login")
    again = theirs.post("/admin/login", data={"email": staff_user.email, "password": PASSWORD,
                                              "csrf_token": token})
    assert again.status_code != 303
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "staff_deactivate"))
    assert entry.before == {"active": True, "role": "staff"}
    assert entry.after == {"active": False, "role": "staff"}
    # and reactivating lets them back in
    assert change(as_manager, staff_user, "activate").status_code == 303
    assert sign_in(app.test_client(), staff_user)


def test_the_shop_always_keeps_an_active_manager(app, client, manager_user):
    # given a second manager, signed in
    other = StaffUser(email="olga@example.com", role="manager", name="Olga",
                      password_hash=manager_user.password_hash)
    db.session.add(other)
    db.session.commit()
    sign_in(client, other)
    # when she demotes the first manager, it works
    assert change(client, manager_user, "make_staff").status_code == 303
    # but she cannot remove her own access
    response = change(client, other, "deactivate")
    assert response.status_code == 400
    assert "You cannot remove your own access" in flashes(response)
    db.session.expire_all()
    assert db.session.get(StaffUser, other.id).active


def test_staff_cannot_change_access(as_staff, manager_user):
    response = post_form(as_staff, f"/admin/staff/{manager_user.id}/access",
                         {"action": "deactivate"}, token_from="/admin/orders")
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(StaffUser, manager_user.id).active


def test_the_audit_log_filters_by_who_and_what(as_manager, manager_user, staff_user):
    change(as_manager, staff_user, "make_manager")
    change(as_manager, staff_user, "make_staff")
    page = as_manager.get("/admin/audit?action=staff_make_manager").get_data(as_text=True)
    assert "staff_make_manager" in page and "staff_make_staff" not in page
    page = as_manager.get("/admin/audit?actor=nobody@example.com").get_data(as_text=True)
    assert "staff_make_manager" not in page


def test_two_managers_removing_each_other_at_once_leave_one_manager(app, backend, manager_user):
    if backend != "postgresql":
        pytest.skip("real concurrency is tested against PostgreSQL")
    other = StaffUser(email="olga@example.com", role="manager", name="Olga",
                      password_hash=manager_user.password_hash)
    db.session.add(other)
    db.session.commit()
    first_id, second_id = manager_user.id, other.id

    def remove(actor_id, target_id):
        return lambda: accounts.change_access(target_id, "deactivate",
                                              db.session.get(StaffUser, actor_id))

    outcomes = [outcome(result) for result in run_concurrently(
        app, [remove(first_id, second_id), remove(second_id, first_id)])]
    assert sorted(outcomes) == ["AccountError", "done"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(StaffUser).where(
        StaffUser.role == "manager", StaffUser.active.is_(True))) == 1
