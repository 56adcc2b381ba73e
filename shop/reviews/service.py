"""Review use cases: a buyer writes one, staff approve or reject it, pages read the approved.

Verification: the reviewer types the order number and the email of a paid order that
holds the product, the same pair that opens the order's tracking page. It works for
every order ever placed, needs no account and no change to the order emails, and an
order number (31^8 values) cannot be guessed under the posting rate limit. One
review per product and address (a rejected one does not count).

Claims: every review goes through the claims checker
(`shop.catalog.copy_review.review_customer_review`) when written and again when approved:
once shown, a customer's "it cured my back pain" is the shop's claim. A "block" finding
rejects it at once with the checker's reason for staff, and approval is refused while
the checker still blocks it.
"""
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from shop import clock
from shop.accounts import service as accounts
from shop.catalog.copy_review import review_customer_review
from shop.catalog.models import Product, Variant
from shop.extensions import db
from shop.orders.models import Order, OrderLine
from shop.orders.service import find_order
from shop.pagination import Page, paginate
from shop.reviews.models import REVIEW_STATUSES, Review
from shop.web_cache import versions

# Paid and not given back: the buyer has, or will soon have, the product.
PAID_STATUSES = ("paid", "packed", "shipped", "delivered")
SHOWN_ON_PAGE = 20  # newest approved reviews on a product page
NOT_VERIFIED = ("We couldn't match that order number and email to a paid order with this "
                "product. Use the order number and email from your order confirmation.")


class ReviewRefused(Exception):
    """A review the shop will not take; the message is for the reviewer."""


class NotVerified(ReviewRefused):
    """No paid order of that number and email holds the product."""


class AlreadyReviewed(ReviewRefused):
    """The buyer's review of this product is already in (pending or published)."""


class ModerationRefused(Exception):
    """A moderation step that does not apply to the review as it is now; for staff."""


class UnknownReview(ModerationRefused):
    """No review with that id."""


@dataclass(frozen=True)
class Rating:
    """Approved reviews of a product: how many, and their average stars."""
    count: int
    average: float

    @property
    def rounded(self) -> str:
        """"4.3": the average to one decimal, for pages and JSON-LD."""
        return f"{self.average:.1f}"

    @property
    def stars(self) -> int:
        """Whole stars to fill (4.3 -> 4, 4.5 -> 5)."""
        return int(self.average + 0.5)


@dataclass(frozen=True)
class ShownReview:
    author: str
    rating: int
    title: str
    body: str
    created_at: object


@dataclass(frozen=True)
class ProductReviews:
    """What a product page shows: the rating (None without approved reviews), the newest."""
    rating: Rating | None
    reviews: list[ShownReview]


# --- writing -------------------------------------------------------------------------

_HYPHEN_IN_WORD = re.compile(r"(?<=\w)[-\u00ad\u2010\u2011](?=\w)")
_WORD = re.compile(r"\w+")


def _mixes_alphabets(word: str) -> bool:
    """Latin letters beside Cyrillic or Greek ones in one word: a look-alike letter
    ("c\u0443red") that hides a claim from the checker and reads as plain text."""
    scripts = {unicodedata.name(ch, "").split(" ")[0] for ch in word if ch.isalpha()}
    return "LATIN" in scripts and bool(scripts & {"CYRILLIC", "GREEK"})


def _claims(author: str, title: str, body: str) -> list[dict]:
    """The checker's findings on each field, read also with hyphens inside words dropped
    ("cur-ed" is "cured"); a word mixing alphabets is refused outright."""
    findings = []
    for text in (author, title, body):
        findings += [{"severity": f.severity, "category": f.category, "text": f.text,
                      "reason": f.reason} for f in review_customer_review(text)]
        unhyphenated = _HYPHEN_IN_WORD.sub("", text)
        if unhyphenated != text:
            findings += [{"severity": f.severity, "category": f.category, "text": f.text,
                          "reason": f.reason} for f in review_customer_review(unhyphenated)
                         if f.severity == "block"]
        findings += [{"severity": "block", "category": "look-alike letters", "text": word,
                      "reason": "mixes letters of different alphabets in one word"}
                     for word in _WORD.findall(unicodedata.normalize("NFKC", text))
                     if _mixes_alphabets(word)]
    return findings


def _blocking(claims: list[dict]) -> list[dict]:
    return [c for c in claims if c["severity"] == "block"]


def claims_reason(claims: list[dict]) -> str:
    """The checker's blocking findings in one line, for staff."""
    return "Claims checker: " + "; ".join(f"{_quoted(c)} ({c['reason']})"
                                          for c in _blocking(claims))


def _quoted(claim: dict) -> str:
    return f"\u201c{claim['text']}\u201d"


def claims_refusal(claims: list[dict]) -> str:
    """What the buyer is told when the checker blocks their review: the words it blocked."""
    quoted = ", ".join(_quoted(c) for c in _blocking(claims))
    return (f"We can't publish reviews that make medical or health-treatment claims, and "
            f"this one says {quoted}. Please tell other shoppers about the equipment and your "
            "training instead, and send it again.")


def verified_order(product: Product, number: str, email: str) -> Order | None:
    """The paid order of `number` and `email` holding `product`, or None."""
    order = find_order(number, email)
    if order is None or order.status not in PAID_STATUSES:
        return None
    variant_ids = select(Variant.id).where(Variant.product_id == product.id)
    holds = db.session.scalar(select(func.count(OrderLine.id)).where(
        OrderLine.order_id == order.id,
        (OrderLine.variant_id.in_(variant_ids)) | (OrderLine.product_slug == product.slug)))
    return order if holds else None


def submit_review(slug: str, number: str, email: str, author: str, rating: int, title: str,
                  body: str) -> Review:
    """Take a verified buyer's review: pending for staff, or rejected at once when the
    claims checker blocks it. Raises ReviewRefused when the purchase is not proved or the
    buyer already reviewed the product."""
    product = db.session.scalar(select(Product).where(Product.slug == slug,
                                                      Product.status == "published"))
    if product is None:
        raise ReviewRefused("We couldn't find that product.")
    order = verified_order(product, number, email)
    if order is None:
        raise NotVerified(NOT_VERIFIED)
    claims = _claims(author, title, body)
    blocked = bool(_blocking(claims))
    review = Review(product_id=product.id, order_id=order.id, email=order.email.strip().lower(),
                    author=author, rating=rating, title=title, body=body, claims=claims,
                    status="rejected" if blocked else "pending",
                    rejection_reason=claims_reason(claims) if blocked else "",
                    moderated_by="claims checker" if blocked else "",
                    moderated_at=clock.now() if blocked else None)
    try:
        with db.session.begin_nested():
            db.session.add(review)
    except IntegrityError:
        db.session.rollback()
        raise AlreadyReviewed("You have already reviewed this product; thank you.") from None
    db.session.commit()
    return review


# --- moderation ----------------------------------------------------------------------

def review_queue(status: str, page: int) -> Page:
    """Reviews with `status` ("all" for every one), newest first, with their product."""
    query = (select(Review).options(joinedload(Review.product))
             .order_by(Review.created_at.desc(), Review.id.desc()))
    if status in REVIEW_STATUSES:
        query = query.where(Review.status == status)
    return paginate(query, page, build=lambda row: row[0])


def _moderate(review_id: int, from_statuses: tuple[str, ...], action: str, actor: str,
              **values) -> Review:
    review = db.session.get(Review, review_id, options=[joinedload(Review.product)])
    if review is None:
        raise UnknownReview("There is no such review.")
    before = review.status
    moved = db.session.execute(
        update(Review).where(Review.id == review_id, Review.status.in_(from_statuses))
        .values(moderated_by=actor, moderated_at=clock.now(), **values)
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        db.session.rollback()
        raise ModerationRefused(f"This review is {before} now; nothing was changed.")
    accounts.record(actor, action, "review", review_id, before={"status": before},
                    after={"status": values["status"]}, note=values.get("rejection_reason", ""))
    slug = review.product.slug
    db.session.commit()
    if "approved" in (before, values["status"]):
        versions.products_changed([slug], listings=True)  # the page and the cards' stars
    return review


def approve(review_id: int, actor: str) -> Review:
    """Publish a pending review, unless the claims checker blocks it (checked again now)."""
    review = db.session.get(Review, review_id)
    if review is None:
        raise UnknownReview("There is no such review.")
    order = db.session.get(Order, review.order_id)
    if order.status not in PAID_STATUSES or order.refunded_cents >= order.captured_cents:
        db.session.rollback()
        raise ModerationRefused(f"Order {order.number} was {order.status} since this review was "
                                "written, so it is no longer a verified purchase. Reject it.")
    claims = _claims(review.author, review.title, review.body)
    if _blocking(claims):
        db.session.rollback()
        raise ModerationRefused(f"It can't be published: {claims_reason(claims)}. "
                                "Reject it with that reason.")
    return _moderate(review_id, ("pending",), "review_approved", actor, status="approved",
                     claims=claims, rejection_reason="")


def reject(review_id: int, reason: str, actor: str) -> Review:
    """Keep a pending review unpublished, or take down an approved one; the reason is kept."""
    return _moderate(review_id, ("pending", "approved"), "review_rejected", actor,
                     status="rejected", rejection_reason=reason.strip()[:500])


# --- reading for pages ---------------------------------------------------------------

def rating_summary():
    """A subquery of approved-review ratings per product (`product_id`, `rating_count`,
    `rating_average`), for card queries to LEFT JOIN (0 and NULL without reviews)."""
    return (select(Review.product_id, func.count(Review.id).label("rating_count"),
                   func.avg(Review.rating).label("rating_average"))
            .where(Review.status == "approved").group_by(Review.product_id)
            .subquery("ratings"))


# Approved-review ratings of the products `:product_ids` (built once: it runs for every
# listing page rendered, and building a statement costs more CPU than running this one).
_RATINGS = (
    select(Review.product_id, func.count(Review.id).label("count"),
           func.avg(Review.rating).label("average"))
    .where(Review.product_id.in_(bindparam("product_ids", expanding=True)),
           Review.status == "approved")
    .group_by(Review.product_id))


def ratings_for(product_ids: list[int]) -> dict[int, Rating]:
    """Approved-review ratings of the given products, by id (one grouped query, from the
    (product_id, status, rating) index); products without approved reviews are absent."""
    if not product_ids:
        return {}
    rows = db.session.execute(_RATINGS, {"product_ids": list(product_ids)}).mappings()
    return {row["product_id"]: Rating(row["count"], float(row["average"])) for row in rows}


# The approved reviews of the product `:product_id` a page shows, newest first, with the
# count and average of all of them as window totals. Built once, as it runs on every
# product page rendered (building a statement costs more CPU than running this one).
_SHOWN_REVIEWS = (
    select(Review.author, Review.rating, Review.title, Review.body, Review.created_at,
           func.count().over().label("total"), func.avg(Review.rating).over().label("average"))
    .where(Review.product_id == bindparam("product_id"), Review.status == "approved")
    .order_by(Review.created_at.desc(), Review.id.desc())
    .limit(SHOWN_ON_PAGE))


def product_reviews(product_id: int) -> ProductReviews:
    """The approved reviews a product page shows, with the rating of all of them (one query)."""
    rows = db.session.execute(_SHOWN_REVIEWS, {"product_id": product_id}).mappings().all()
    if not rows:
        return ProductReviews(None, [])
    reviews = [ShownReview(row["author"], row["rating"], row["title"], row["body"],
                           row["created_at"]) for row in rows]
    return ProductReviews(Rating(rows[0]["total"], float(rows[0]["average"])), reviews)


def json_ld_rating(rating: Rating | None) -> dict | None:
    """schema.org AggregateRating for a product's JSON-LD; None without approved reviews."""
    if rating is None:
        return None
    return {"@type": "AggregateRating", "ratingValue": rating.rounded,
            "reviewCount": rating.count, "bestRating": 5, "worstRating": 1}


def product_to_review(slug: str) -> Product | None:
    """The published product at `slug`, for the review form."""
    return db.session.scalar(select(Product).where(Product.slug == slug,
                                                   Product.status == "published"))


def anonymise_reviews_by(email: str) -> list[str]:
    """A deleted customer account: its reviews stay (they are about the product) under
    "A former customer", with no email; returns the slugs of the products whose pages show
    one of them (to refresh). Joins the caller's transaction; no commit."""
    rows = db.session.execute(
        select(Review.id, Review.status, Product.slug).join(Product, Product.id == Review.product_id)
        .where(Review.email == email)).mappings().all()
    if rows:
        db.session.execute(
            update(Review).where(Review.id.in_([row["id"] for row in rows]))
            .values(author="A former customer",
                    email="deleted-review-" + Review.id.cast(db.String) + "@invalid")
            .execution_options(synchronize_session=False))
    return sorted({row["slug"] for row in rows if row["status"] == "approved"})
