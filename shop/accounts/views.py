"""Staff sign-in, sign-out and password change."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from shop.accounts import service, sessions
from shop.accounts.forms import LoginForm, PasswordForm
from shop.rate_limits import rate_limit, rate_limited
from shop.redirects import safe_next

bp = Blueprint("accounts", __name__, url_prefix="/admin")


@bp.route("/login", methods=["GET", "POST"])
@rate_limited(rate_limit("RATE_LIMIT_LOGIN"), methods=["POST"])
@rate_limited(rate_limit("RATE_LIMIT_LOGIN_ACCOUNT"), methods=["POST"],
              key_func=sessions.login_account_key,
              exempt_when=sessions.has_device_cookie_for_typed_account,
              deduct_when=lambda response: response.status_code != 303)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is not None:
            sessions.sign_in(user)
            response = redirect(
                safe_next(request.args.get("next"), url_for("admin.dashboard")), code=303)
            return sessions.remember_device(response, user)
        flash("That email and password don't match an account.", "error")
        return render_template("admin/login.html", form=form), 401
    status = 400 if request.method == "POST" else 200
    return render_template("admin/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    flash("You are signed out.", "success")
    return redirect(url_for("accounts.login"), code=303)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(current_user, form.current.data, form.new.data)
        except service.AccountError as error:
            flash(str(error), "error")
            return render_template("admin/password.html", form=form), 400
        login_user(current_user._get_current_object())  # this session: the new version
        flash("Password changed. Other devices were signed out.", "success")
        return redirect(url_for("admin.dashboard"), code=303)
    status = 400 if request.method == "POST" else 200
    return render_template("admin/password.html", form=form), status
