"""Staff accounts (managers only) and the audit log."""
from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from shop.accounts import service as accounts
from shop.accounts.forms import StaffForm
from shop.accounts.models import AuditEntry, StaffUser
from shop.backoffice import actor, bp, manager_required
from shop.extensions import db

AUDIT_PAGE_SIZE = 100


@bp.route("/staff", methods=["GET", "POST"])
@manager_required
def staff():
    form = StaffForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_staff(form.email.data, form.password.data, form.role.data,
                                         form.name.data or "")
        except accounts.AccountError as error:
            flash(str(error), "error")
        else:
            accounts.record(actor(), "staff_created", "staff_user", user.id,
                            after={"email": user.email, "role": user.role})
            db.session.commit()
            flash(f"Account created for {user.email}.", "success")
            return redirect(url_for("admin.staff"), code=303)
    users = db.session.scalars(select(StaffUser).order_by(StaffUser.email)).all()
    status = 400 if request.method == "POST" else 200
    return render_template("admin/staff.html", users=users, form=form), status


@bp.get("/audit")
@manager_required
def audit():
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(AUDIT_PAGE_SIZE)
    who = request.args.get("actor", "").strip()[:254]
    action = request.args.get("action", "").strip()[:60]
    entity = request.args.get("entity", "").strip()[:40]
    if who:
        query = query.where(AuditEntry.actor == who.lower())
    if action:
        query = query.where(AuditEntry.action == action)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    entries = db.session.scalars(query).all()
    return render_template("admin/audit.html", entries=entries, who=who, action=action,
                           entity=entity)
