"""Customer account pages under /account: sign up, sign in and out, verify the email,
reset or change the password, delete the account. Orders and addresses are in
`order_views`, on the same blueprint."""
from flask import Blueprint, flash, redirect, render_template, request, url_for

from shop.accounts.customers import service, sessions
from shop.accounts.customers.forms import (ButtonForm, DeleteAccountForm, ForgotForm,
                                           PasswordForm, ResetForm, SignInForm, SignUpForm)
from shop.accounts.customers.sessions import current_customer, customer_required
from shop.accounts.service import AccountError
from shop.rate_limits import rate_limit, rate_limited
from shop.redirects import safe_next

bp = Blueprint("customer", __name__, url_prefix="/account")

PER_CLIENT = rate_limit("RATE_LIMIT_LOGIN")
PER_ACCOUNT = rate_limit("RATE_LIMIT_LOGIN_ACCOUNT")
SENT = ("If {email} can have an account here, we emailed it a link. It lasts {what}; "
        "check your spam folder if it doesn't arrive in a few minutes.")


def _page(template: str, status: int = 200, **context):
    return render_template(f"account/{template}", **context), status


def _posted_status() -> int:
    return 400 if request.method == "POST" else 200


@bp.route("/sign-up", methods=["GET", "POST"])
@rate_limited(PER_CLIENT, methods=["POST"])
@rate_limited(PER_ACCOUNT, methods=["POST"], key_func=sessions.account_key)
def sign_up():
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            service.sign_up(form.email.data, form.password.data, form.name.data or "")
        except AccountError as error:
            flash(str(error), "error")
            return _page("sign_up.html", 400, form=form)
        # the same answer whether or not the email had an account already (`customer` None)
        flash(SENT.format(email=service.normalise_email(form.email.data), what="three days")
              + " Sign in below; confirm your email to see your orders.", "success")
        return redirect(url_for("customer.sign_in"), code=303)
    return _page("sign_up.html", _posted_status(), form=form)


@bp.route("/sign-in", methods=["GET", "POST"])
@rate_limited(PER_CLIENT, methods=["POST"])
@rate_limited(PER_ACCOUNT, methods=["POST"], key_func=sessions.account_key,
              exempt_when=sessions.has_device_cookie_for_typed_account,
              deduct_when=lambda response: response.status_code != 303)
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        customer = service.authenticate(form.email.data, form.password.data)
        if customer is not None:
            sessions.sign_in(customer)
            target = safe_next(request.args.get("next"), url_for("customer.overview"))
            return sessions.remember_device(redirect(target, code=303), customer)
        flash("That email and password don't match an account.", "error")
        return _page("sign_in.html", 401, form=form)
    return _page("sign_in.html", _posted_status(), form=form)


@bp.post("/sign-out")
def sign_out():
    if not ButtonForm().validate_on_submit():
        return _page("message.html", 400, title="Sign out", text="Please try signing out again.")
    sessions.sign_out()
    flash("You are signed out.", "success")
    return redirect(url_for("catalog.home"), code=303)


@bp.route("/verify/<token>", methods=["GET", "POST"])
@rate_limited(PER_CLIENT, methods=["POST"])
@customer_required
def verify(token):
    """The emailed link shows a button; the POST verifies (mail scanners only GET). Only
    the account's owner, signed in to it, can verify it (see `service.verify_email`)."""
    form = ButtonForm()
    if form.validate_on_submit():
        customer = service.verify_email(token, current_customer())
        if customer is None:
            flash("This link has expired, is not valid, or is for another account than the "
                  "one you are signed in to. Sign in to the account it was sent for, or ask "
                  "for a new link from your account page.", "error")
            return _page("verify.html", 400, form=form)
        sessions.refresh(customer)  # other sessions of the account have ended
        flash(f"Thank you: {customer.email} is confirmed. Orders placed with it are listed "
              "in your account.", "success")
        return redirect(url_for("customer.overview"), code=303)
    return _page("verify.html", _posted_status(), form=form)


@bp.post("/verify/resend")
@rate_limited(PER_CLIENT)
@customer_required
def resend_verification():
    if not ButtonForm().validate_on_submit():
        return _page("message.html", 400, title="Confirm your email", text="Please try again.")
    customer = current_customer()
    if service.resend_verification(customer):
        flash(f"We emailed a new link to {customer.email}.", "success")
    else:
        flash("Your email is already confirmed.", "success")
    return redirect(url_for("customer.overview"), code=303)


@bp.route("/forgot", methods=["GET", "POST"])
@rate_limited(PER_CLIENT, methods=["POST"])
@rate_limited(PER_ACCOUNT, methods=["POST"], key_func=sessions.account_key)
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        service.request_password_reset(form.email.data)
        flash(SENT.format(email=service.normalise_email(form.email.data), what="one hour"),
              "success")
        return redirect(url_for("customer.sign_in"), code=303)
    return _page("forgot.html", _posted_status(), form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@rate_limited(PER_CLIENT, methods=["POST"])
def reset(token):
    if service.customer_for_reset(token) is None:
        flash("This reset link has expired or was already used. Ask for a new one.", "error")
        return redirect(url_for("customer.forgot"), code=303)
    form = ResetForm()
    if form.validate_on_submit():
        try:
            customer = service.reset_password(token, form.password.data)
        except AccountError as error:
            flash(str(error), "error")
            return _page("reset.html", 400, form=form)
        sessions.sign_in(customer)
        flash("Your password is changed and you are signed in. Other devices were signed out.",
              "success")
        return redirect(url_for("customer.overview"), code=303)
    return _page("reset.html", _posted_status(), form=form)


@bp.route("/password", methods=["GET", "POST"])
@rate_limited(PER_CLIENT, methods=["POST"])
@customer_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        customer = current_customer()
        try:
            service.change_password(customer, form.current.data, form.new.data)
        except AccountError as error:
            flash(str(error), "error")
            return _page("password.html", 400, form=form)
        sessions.refresh(customer)
        flash("Password changed. Other devices were signed out.", "success")
        return redirect(url_for("customer.overview"), code=303)
    return _page("password.html", _posted_status(), form=form)


@bp.route("/delete", methods=["GET", "POST"])
@rate_limited(PER_CLIENT, methods=["POST"])
@customer_required
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            service.delete_account(current_customer(), form.password.data)
        except AccountError as error:
            flash(str(error), "error")
            return _page("delete.html", 400, form=form)
        sessions.sign_out()
        flash("Your account and saved addresses are deleted. Orders you placed stay on "
              "record for the shop's books; you can still track them by number and email.",
              "success")
        return redirect(url_for("catalog.home"), code=303)
    return _page("delete.html", _posted_status(), form=form)
