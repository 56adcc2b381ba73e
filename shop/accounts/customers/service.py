"""Customer account use cases: sign up, sign in, verify the email, reset and change the
password, saved addresses, and deleting the account. Each call is one transaction.

Mail goes through the outbox (`shop.orders.emails.queue`), in the same transaction.
Answers never reveal whether an email has an account: sign-up with a taken email and a
reset for an unknown one look the same to the visitor (the owner gets an email instead).
"""
import hmac
from dataclasses import dataclass

from flask import render_template
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from shop import clock
from shop.accounts.passwords import dummy_hash, hash_password, password_matches
from shop.accounts.customers import tokens
from shop.accounts.customers.models import Customer, CustomerAddress
from shop.accounts.service import MIN_PASSWORD_LENGTH, AccountError
from shop.database import utcnow
from shop.engagement import restock
from shop.extensions import db
from shop.orders import emails
from shop.orders.models import OutgoingEmail
from shop.reviews import service as reviews
from shop.web_cache import versions

EMAIL_KINDS = ("customer_verify", "customer_reset", "customer_signup_exists")
MAX_ADDRESSES = 10
# At most one email of each kind per account in this many seconds (the outbox key's bucket),
# so nobody can fill an inbox with verification links, sign-up notices or reset links.
EMAIL_BUCKET_SECONDS = 15 * 60


class AddressNotFound(AccountError):
    """No address with that id on this account."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")


def _queue(kind: str, customer_id: int, to: str, subject: str, template: str, **context):
    """Queue an account email, at most one of its kind per account per 15 minutes (an
    outbox key per time bucket: a second one in the same bucket is dropped). The emails
    carry no text the visitor typed (not even the name), only our own words and links."""
    bucket = int(clock.now().timestamp()) // EMAIL_BUCKET_SECONDS
    try:
        with db.session.begin_nested():
            emails.queue(kind, f"{customer_id}:{bucket}", to, subject, template, **context)
    except IntegrityError:
        pass  # one went out moments ago


def _queue_verification(customer: Customer) -> None:
    _queue("customer_verify", customer.id, customer.email, "Confirm your email address",
           "account_verify.txt",
           link=emails.absolute_url("customer.verify",
                             token=tokens.verify_token(customer.id, customer.email)))


# --- signing up and in ----------------------------------------------------------------

def sign_up(email: str, password: str, name: str = "") -> Customer | None:
    """Make an unverified account and email a verification link; None when the email
    already has an account (its owner is emailed instead, nothing else changes)."""
    email = normalise_email(email)
    _check_password(password)
    # hashed before the lookup, whether or not the email is taken: the time taken does
    # not tell whether the email has an account
    password_hash = hash_password(password)
    existing = db.session.scalar(select(Customer).where(Customer.email == email))
    if existing is None:
        customer = Customer(email=email, name=name.strip(), password_hash=password_hash)
        db.session.add(customer)
        try:
            db.session.flush()
        except IntegrityError:  # a twin signed up at the same moment
            db.session.rollback()
            existing = db.session.scalar(select(Customer).where(Customer.email == email))
        else:
            _queue_verification(customer)
            db.session.commit()
            return customer
    _queue("customer_signup_exists", existing.id, existing.email,
           "Someone tried to open an account with your email", "account_signup_exists.txt",
           sign_in_link=emails.absolute_url("customer.sign_in"),
           reset_link=emails.absolute_url("customer.forgot"))
    db.session.commit()
    return None


def authenticate(email: str, password: str) -> Customer | None:
    """The account with this email and password, or None (same work either way)."""
    customer = db.session.scalar(select(Customer).where(Customer.email == normalise_email(email)))
    if not password_matches(customer and customer.password_hash, password):
        return None
    customer.last_login_at = utcnow()  # also ends any reset link sent before this sign-in
    db.session.commit()
    return customer


def load(customer_id: int, session_version: int) -> Customer | None:
    """The signed-in account, if it still exists and the session is current."""
    customer = db.session.get(Customer, customer_id)
    if customer is None or customer.session_version != session_version:
        return None
    return customer


# --- email verification ---------------------------------------------------------------

def resend_verification(customer: Customer) -> bool:
    """Email a new verification link; False when the email is verified already."""
    if customer.verified:
        return False
    _queue_verification(customer)
    db.session.commit()
    return True


def verify_email(token: str, signed_in: Customer | None) -> Customer | None:
    """Mark the email of the token's account verified (again is fine); None when the link
    is forged, expired, was sent to an email the account no longer has, or the visitor is
    not signed in to that very account.

    Only the account's owner may verify: someone who opened an account with another
    person's email (to see their orders once verified) cannot get it verified by that
    person clicking the link, as they don't know its password. Verifying ends every
    other session of the account (its session version moves on)."""
    data = tokens.read(token, tokens.VERIFY_SALT, tokens.VERIFY_MAX_AGE)
    if data is None or signed_in is None or signed_in.id != data["id"]:
        return None
    customer = db.session.get(Customer, data["id"])
    if customer is None or customer.email != data.get("email"):
        return None
    db.session.execute(update(Customer)
                       .where(Customer.id == customer.id, Customer.email_verified_at.is_(None))
                       .values(email_verified_at=utcnow(),
                               session_version=Customer.session_version + 1))
    db.session.commit()
    db.session.refresh(customer)
    return customer


# --- passwords ------------------------------------------------------------------------

def request_password_reset(email: str) -> None:
    """Email a reset link if the email has an account; nothing tells the visitor which
    (the same work either way: a link is signed and an email rendered for an unknown
    email too, then dropped)."""
    customer = db.session.scalar(select(Customer).where(Customer.email == normalise_email(email)))
    if customer is None:
        token = tokens.reset_token(0, dummy_hash(), None)
        render_template("emails/account_reset.txt",
                        link=emails.absolute_url("customer.reset", token=token),
                        minutes=tokens.RESET_MAX_AGE // 60)
        db.session.commit()
        return
    token = tokens.reset_token(customer.id, customer.password_hash, customer.last_login_at)
    _queue("customer_reset", customer.id, customer.email, "Reset your password",
           "account_reset.txt", link=emails.absolute_url("customer.reset", token=token),
           minutes=tokens.RESET_MAX_AGE // 60)
    db.session.commit()


def customer_for_reset(token: str) -> Customer | None:
    """The account a reset link is for, while the link is signed, young and unused."""
    data = tokens.read(token, tokens.RESET_SALT, tokens.RESET_MAX_AGE)
    if data is None:
        return None
    customer = db.session.get(Customer, data["id"])
    if customer is None:
        return None
    current = tokens.fingerprint(customer.password_hash, customer.last_login_at)
    if not hmac.compare_digest(current, str(data.get("fp", ""))):
        return None
    return customer


def reset_password(token: str, new_password: str) -> Customer:
    """Set a new password from a reset link, once: the update only applies while the
    password is the one the link was made for, so of two uses at once only one wins.
    The link proves the customer reads that inbox, so the email counts as verified."""
    customer = customer_for_reset(token)
    if customer is None:
        raise AccountError("This reset link has expired or was already used. Ask for a new one.")
    _check_password(new_password)
    changed = db.session.execute(
        update(Customer)
        .where(Customer.id == customer.id, Customer.password_hash == customer.password_hash)
        .values(password_hash=hash_password(new_password),
                session_version=Customer.session_version + 1,
                email_verified_at=func.coalesce(Customer.email_verified_at, utcnow()))
    ).rowcount
    if changed != 1:
        db.session.rollback()
        raise AccountError("This reset link has expired or was already used. Ask for a new one.")
    db.session.commit()
    db.session.refresh(customer)
    return customer


def change_password(customer: Customer, current: str, new: str) -> None:
    """Change the password; every other session of the account is signed out."""
    if not password_matches(customer.password_hash, current):
        raise AccountError("Your current password is not right.")
    _check_password(new)
    customer.password_hash = hash_password(new)
    customer.session_version = Customer.session_version + 1  # in SQL: no lost update
    db.session.commit()
    db.session.refresh(customer)


# --- saved addresses ------------------------------------------------------------------

@dataclass(frozen=True)
class AddressDetails:
    name: str
    phone: str
    address1: str
    address2: str
    city: str
    region: str
    postal_code: str
    country: str


def addresses(customer_id: int) -> list[CustomerAddress]:
    """The account's addresses, the default first."""
    return db.session.scalars(select(CustomerAddress)
                              .where(CustomerAddress.customer_id == customer_id)
                              .order_by(CustomerAddress.is_default.desc(),
                                        CustomerAddress.id)).all()


def address_for_checkout(customer_id: int, address_id: int | None = None) -> CustomerAddress | None:
    """The address checkout starts from: the one asked for if it is the account's, else
    the default one, else none."""
    query = select(CustomerAddress).where(CustomerAddress.customer_id == customer_id)
    if address_id is not None:
        chosen = db.session.scalar(query.where(CustomerAddress.id == address_id))
        if chosen is not None:
            return chosen
    return db.session.scalar(query.where(CustomerAddress.is_default.is_(True)))


def add_address(customer: Customer, details: AddressDetails, make_default: bool) -> CustomerAddress:
    """Save an address; the first one, or one asked to be, becomes the default."""
    count = db.session.scalar(select(func.count()).select_from(CustomerAddress)
                              .where(CustomerAddress.customer_id == customer.id))
    if count >= MAX_ADDRESSES:
        raise AccountError(f"You can keep up to {MAX_ADDRESSES} addresses; delete one first.")
    if make_default or count == 0:
        _clear_default(customer.id)
    address = CustomerAddress(customer_id=customer.id, is_default=make_default or count == 0,
                              **vars(details))
    db.session.add(address)
    _commit_address_change()
    return address


def _clear_default(customer_id: int) -> None:
    db.session.execute(update(CustomerAddress)
                       .where(CustomerAddress.customer_id == customer_id,
                              CustomerAddress.is_default.is_(True))
                       .values(is_default=False))


def _commit_address_change() -> None:
    try:
        db.session.commit()
    except IntegrityError:  # two default changes at once: the other one won
        db.session.rollback()
        raise AccountError("Your addresses changed meanwhile; please try again.") from None


def _owned_address(customer: Customer, address_id: int) -> CustomerAddress:
    address = db.session.scalar(select(CustomerAddress).where(
        CustomerAddress.id == address_id, CustomerAddress.customer_id == customer.id))
    if address is None:
        raise AddressNotFound("No such address on your account.")
    return address


def make_default_address(customer: Customer, address_id: int) -> None:
    address = _owned_address(customer, address_id)
    _clear_default(customer.id)
    address.is_default = True
    _commit_address_change()


def delete_address(customer: Customer, address_id: int) -> None:
    """Delete an address; if it was the default, the oldest one left becomes the default."""
    address = _owned_address(customer, address_id)
    was_default = address.is_default
    db.session.delete(address)
    db.session.flush()
    if was_default:
        oldest = db.session.scalar(select(CustomerAddress)
                                   .where(CustomerAddress.customer_id == customer.id)
                                   .order_by(CustomerAddress.id).limit(1))
        if oldest is not None:
            oldest.is_default = True
    _commit_address_change()


# --- deleting the account -------------------------------------------------------------

def delete_account(customer: Customer, password: str) -> None:
    """Erase the account: its row, its saved addresses, the account emails (verify,
    reset, sign-up notices) sent to it, the bodies of any other email already sent to it,
    its open back-in-stock alerts; its reviews stay, anonymised. Orders stay as they are,
    for the books: they are records of sales, with the details the customer gave for each
    (so the per-customer uses of discount codes, counted by email, stay as well)."""
    if not password_matches(customer.password_hash, password):
        raise AccountError("That password is not right; your account was not deleted.")
    email = customer.email
    db.session.execute(delete(CustomerAddress).where(CustomerAddress.customer_id == customer.id))
    db.session.execute(delete(OutgoingEmail).where(OutgoingEmail.kind.in_(EMAIL_KINDS),
                                                   OutgoingEmail.to == email))
    db.session.execute(update(OutgoingEmail)
                       .where(OutgoingEmail.to == email, OutgoingEmail.status == "sent")
                       .values(body="", list_unsubscribe_url=None)
                       .execution_options(synchronize_session=False))
    review_pages = reviews.anonymise_reviews_by(email)
    restock.delete_open_alerts_for(email)
    db.session.execute(delete(Customer).where(Customer.id == customer.id))
    db.session.commit()
    if review_pages:
        versions.products_changed(review_pages, listings=False)
