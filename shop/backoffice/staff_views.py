"""Staff accounts (managers only) and the audit log."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from shop.accounts import service as accounts
from shop.accounts.forms import StaffForm
from shop.backoffice.order_forms import ActionForm
from shop.accounts.models import StaffUser
from shop.backoffice import actor, bp, manager_required
from shop.extensions import db


@bp.route("/staff", methods=["GET", "POST"])
@manager_required
def staff():
    form = StaffForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_staff(form.email.data, form.password.data, form.role.data,
                                         form.name.data or "", actor=actor())
        except accounts.AccountError as error:
            flash(str(error), "error")
        else:
            flash(f"Account created for {user.email}.", "success")
            return redirect(url_for("admin.staff"), code=303)
    status = 400 if request.method == "POST" else 200
    return _staff_page(form, status)


def _staff_page(form, status: int = 200):
    users = db.session.scalars(select(StaffUser).order_by(StaffUser.email)).all()
    return render_template("admin/staff.html", users=users, form=form,
                           access_form=ActionForm()), status


ACCESS_DONE = {
    "deactivate": "{email} can no longer sign in (signed out everywhere).",
    "activate": "{email} can sign in again.",
    "make_manager": "{email} is now a manager.",
    "make_staff": "{email} is now staff (no longer a manager).",
}


@bp.post("/staff/<int:user_id>/access")
@manager_required
def staff_access(user_id):
    action = request.form.get("action", "")
    if action not in ACCESS_DONE:
        abort(400, description="Unknown change.")
    if not ActionForm().validate():
        abort(400, description="The form expired; reload the page and try again.")
    try:
        user = accounts.change_access(user_id, action, current_user)
    except accounts.AccountError as error:
        flash(str(error), "error")
        return _staff_page(StaffForm(formdata=None), 400)
    flash(ACCESS_DONE[action].format(email=user.email), "success")
    return redirect(url_for("admin.staff"), code=303)


@bp.get("/audit")
@manager_required
def audit():
    who = request.args.get("actor", "").strip()[:254]
    action = request.args.get("action", "").strip()[:60]
    entity = request.args.get("entity", "").strip()[:40]
    listing = accounts.audit_log(who, action, entity, request.args.get("page", 1, type=int))
    return render_template("admin/audit.html", listing=listing, who=who, action=action,
                           entity=entity)
