"""Verified-purchase reviews: who may write one, the claims checker, moderation, ratings."""
import json
import re

import pytest
from sqlalchemy import select

from shop.accounts.models import AuditEntry
from shop.extensions import db, limiter
from shop.reviews import service
from shop.reviews.models import Review
from tests.backoffice.conftest import sign_in
from tests.factories import make_order, make_product
from tests.helpers import csrf_token, flashes

GOOD = {"rating": "5", "author": "Sam L.", "title": "Rock solid",
        "body": "Bolted it down in an afternoon; no wobble with 180 kg on the hooks."}
CURE = {"rating": "5", "author": "Jo", "title": "Life changing",
        "body": "Rowing every morning cured my depression and I stopped taking my meds."}


@pytest.fixture
def app_settings():
    return {"RATE_LIMIT_REVIEWS": "100000 per minute"}


@pytest.fixture
def rack(app):
    return make_product(name="Power Rack", slug="power-rack",
                        variants=[{"sku": "RACK-1"}, {"sku": "RACK-2"}])


@pytest.fixture
def order(rack):
    """A delivered order of the rack's second option, by sam@example.com."""
    return make_order([(rack.variants[1], 1)], status="delivered")


def write(client, number, email="sam@example.com", slug="power-rack", **fields):
    page = f"/products/{slug}/review"
    data = {**GOOD, **fields, "order_number": number, "email": email,
            "csrf_token": csrf_token(client, page)}
    return client.post(page, data=data)


def reviews():
    db.session.expire_all()
    return db.session.scalars(select(Review).order_by(Review.id)).all()


def json_ld(html):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html,
                                re.S).group(1))


def test_a_buyer_review_waits_for_staff_and_shows_once_approved(client, rack, order,
                                                                staff_user):
    # when the buyer writes a review with the order number (typed loosely) and email
    response = write(client, order.number.lower().replace("-", " "), email="SAM@example.com")
    # then it is kept, pending, and the product page does not show it yet
    assert response.status_code == 303
    assert "read every review" in flashes(client.get(response.headers["Location"]))
    [review] = reviews()
    assert (review.status, review.order_id, review.email, review.rating) == (
        "pending", order.id, "sam@example.com", 5)
    page = client.get("/products/power-rack").get_data(as_text=True)
    assert "Rock solid" not in page and "aggregateRating" not in json_ld(page)
    # when staff approve it
    sign_in(client, staff_user)
    token = csrf_token(client, "/admin/reviews")
    approved = client.post(f"/admin/reviews/{review.id}/approve", data={"csrf_token": token})
    assert approved.status_code == 303
    # then the page shows it, verified, with the rating in its JSON-LD
    page = client.get("/products/power-rack").get_data(as_text=True)
    assert "Rock solid" in page and "Verified purchase" in page
    assert json_ld(page)["aggregateRating"] == {
        "@type": "AggregateRating", "ratingValue": "5.0", "reviewCount": 1, "bestRating": 5,
        "worstRating": 1}


@pytest.mark.parametrize("case", ["wrong email", "unknown number", "unpaid order",
                                  "cancelled order", "other product"])
def test_a_review_without_a_paid_order_of_the_product_is_refused(client, rack, order, case):
    # given an order that does not prove a purchase of the rack
    number, email = order.number, "sam@example.com"
    if case == "wrong email":
        email = "someone@example.com"
    elif case == "unknown number":
        number = "IO-2222-2222"
    elif case in ("unpaid order", "cancelled order"):
        status = "pending_payment" if case == "unpaid order" else "cancelled"
        number = make_order([(rack.variants[0], 1)], status=status).number
    else:
        number = make_order([(make_product().variants[0], 1)], status="delivered").number
    # when a review is sent with it
    response = write(client, number, email=email)
    # then it is refused with the same message whatever the reason, and nothing is kept
    assert response.status_code == 403
    assert service.NOT_VERIFIED.replace("'", "&#39;") in response.get_data(as_text=True)
    assert reviews() == []


def test_one_review_per_buyer_and_product(client, rack, order):
    assert write(client, order.number).status_code == 303
    again = write(client, order.number, title="Still great")
    assert again.status_code == 409 and "already reviewed" in again.get_data(as_text=True)
    assert len(reviews()) == 1


def test_bad_input_is_refused_at_the_fields(client, rack, order):
    response = write(client, order.number, rating="9", body="short")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "20 to 2000 characters" in html and "Not a valid choice" in html
    assert reviews() == []


def test_the_claims_checker_rejects_a_cure_claim_with_its_reason_for_staff(client, rack, order,
                                                                         staff_user):
    # when a buyer's review says the product cured a condition
    response = write(client, order.number, **CURE)
    # then the buyer is told at once why it can't be published, their text kept to edit
    # (not thanked for a review that will never appear)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "can&#39;t publish reviews that make medical or health-treatment claims" in html
    assert "cured my depression" in html and "Thank you" not in html
    # and it is kept rejected, with the checker's reason, and never shown
    [review] = reviews()
    assert review.status == "rejected" and review.moderated_by == "claims checker"
    assert review.rejection_reason.startswith("Claims checker:")
    assert "depression" in review.rejection_reason
    assert "cured my depression" not in client.get("/products/power-rack").get_data(as_text=True)
    # and staff see why in the moderation queue
    sign_in(client, staff_user)
    html = client.get("/admin/reviews?status=rejected").get_data(as_text=True)
    assert "Why not shown:" in html and "depression" in html


def test_a_buyer_told_of_a_blocked_claim_can_send_the_review_again_without_it(client, rack,
                                                                             order):
    # given a review the checker blocked
    assert write(client, order.number, **CURE).status_code == 422
    # when the buyer edits out the claim and sends it again
    response = write(client, order.number, **{**CURE, "body": "Rowing every morning "
                                              "keeps me fit; the rack is rock solid."})
    # then it waits for staff like any other review
    assert response.status_code == 303
    assert sorted(r.status for r in reviews()) == ["pending", "rejected"]


def test_approval_is_refused_while_the_checker_blocks_the_text(client, rack, order,
                                                               manager_user):
    # given a pending review whose text the checker blocks (stored before the check ran)
    db.session.add(Review(product_id=rack.id, order_id=order.id, email="sam@example.com",
                          author="Jo", rating=5, body=CURE["body"], claims=[]))
    db.session.commit()
    [review] = reviews()
    # when a manager tries to publish it
    sign_in(client, manager_user)
    response = client.post(f"/admin/reviews/{review.id}/approve",
                           data={"csrf_token": csrf_token(client, "/admin/reviews")})
    # then it is refused with the checker's reason, and stays unpublished
    assert response.status_code == 409
    assert "can&#39;t be published" in response.get_data(as_text=True)
    assert reviews()[0].status == "pending"


@pytest.fixture
def pending(rack, order):
    review = Review(product_id=rack.id, order_id=order.id, email="sam@example.com",
                    author="Sam", rating=4, body=GOOD["body"], claims=[])
    db.session.add(review)
    db.session.commit()
    return review.id


@pytest.mark.parametrize("role", ["anonymous", "staff", "manager"])
def test_moderation_needs_staff_and_is_audited(client, pending, staff_user, manager_user, role):
    # given a visitor, a member of staff or a manager with a valid CSRF token
    if role == "anonymous":
        token = csrf_token(client, "/admin/login")
    else:
        sign_in(client, staff_user if role == "staff" else manager_user)
        token = csrf_token(client, "/admin/reviews")
    # when they approve a pending review
    response = client.post(f"/admin/reviews/{pending}/approve", data={"csrf_token": token})
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "review_approved"))
    # then anonymous visitors are sent to sign in and nothing changes; staff publish it
    if role == "anonymous":
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
        assert reviews()[0].status == "pending" and audit.all() == []
    else:
        assert response.status_code == 303
        [entry] = audit.all()
        assert (reviews()[0].status, entry.entity_id, entry.after) == (
            "approved", str(pending), {"status": "approved"})


def test_rejecting_needs_a_reason_and_takes_a_published_review_down(client, pending,
                                                                    staff_user):
    sign_in(client, staff_user)
    token = csrf_token(client, "/admin/reviews")
    client.post(f"/admin/reviews/{pending}/approve", data={"csrf_token": token})
    no_reason = client.post(f"/admin/reviews/{pending}/reject", data={"csrf_token": token})
    assert no_reason.status_code == 400 and reviews()[0].status == "approved"
    done = client.post(f"/admin/reviews/{pending}/reject",
                       data={"csrf_token": token, "reason": "Posted by a competitor"})
    assert done.status_code == 303
    review = reviews()[0]
    assert (review.status, review.rejection_reason) == ("rejected", "Posted by a competitor")
    assert "Posted by a competitor" not in client.get("/products/power-rack").get_data(
        as_text=True)
    again = client.post(f"/admin/reviews/{pending}/approve", data={"csrf_token": token})
    assert again.status_code == 409  # a rejected review is not published by a stale page


def test_review_posting_is_rate_limited(app, client, rack, order):
    app.config["RATE_LIMIT_REVIEWS"] = "2 per minute"
    limiter.reset()
    statuses = [write(client, "IO-2222-2222").status_code for _ in range(3)]
    assert statuses == [403, 403, 429]


def test_ratings_for_many_products_take_one_query(app, rack, order, count_statements):
    others = [make_product() for _ in range(5)]
    for product, stars in [(rack, 4), (rack, 5), (others[0], 3)]:
        db.session.add(Review(product_id=product.id, order_id=order.id, rating=stars,
                              email=f"{stars}@example.com", author="A", body="x" * 20,
                              claims=[], status="approved"))
    db.session.add(Review(product_id=others[1].id, order_id=order.id, rating=1, body="x" * 20,
                          email="p@example.com", author="P", claims=[]))  # pending: not counted
    db.session.commit()
    ids = [rack.id] + [p.id for p in others]
    with count_statements() as statements:
        ratings = service.ratings_for(ids)
    assert len(statements) == 1
    assert {pid: (r.count, r.rounded) for pid, r in ratings.items()} == {
        rack.id: (2, "4.5"), others[0].id: (1, "3.0")}


def test_a_review_whose_order_was_cancelled_and_refunded_is_not_published(client, rack, order,
                                                                          staff_user):
    # given a pending review, then the order is cancelled and refunded in full
    assert write(client, order.number).status_code == 303
    [review] = reviews()
    order.status, order.refunded_cents = "cancelled", order.captured_cents
    db.session.commit()
    # when staff try to approve it
    sign_in(client, staff_user)
    token = csrf_token(client, "/admin/reviews")
    response = client.post(f"/admin/reviews/{review.id}/approve", data={"csrf_token": token})
    # then it stays pending, with the reason, and the product page shows no rating
    assert response.status_code == 409
    assert reviews()[0].status == "pending"
    assert "no longer a verified purchase" in response.get_data(as_text=True) + " ".join(
        flashes(client.get("/admin/reviews")))
    page = client.get("/products/power-rack").get_data(as_text=True)
    assert "aggregateRating" not in json_ld(page)


@pytest.mark.parametrize("body", [
    "Rowing every morning c\u0443red my depression.",  # a Cyrillic letter inside "cured"
    "Rowing every morning cur-ed my depression.",
])
def test_a_cure_claim_hidden_by_lookalike_letters_or_a_hyphen_is_rejected(client, rack, order,
                                                                          body):
    # when a buyer's review hides a cure claim from a plain reading
    assert write(client, order.number, **{**CURE, "body": body}).status_code == 422
    # then it is rejected by the checker, never pending for a quick approval
    [review] = reviews()
    assert review.status == "rejected" and review.moderated_by == "claims checker"
