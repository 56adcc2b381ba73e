"""The staff back office under /admin: one guard for the whole blueprint, roles per view."""
from functools import wraps

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

bp = Blueprint("admin", __name__, url_prefix="/admin")

STAFF_ROLES = ("staff", "manager")


@bp.before_request
def require_staff():
    """Every /admin page needs a signed-in member of staff."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    if current_user.role not in STAFF_ROLES:
        abort(403)


def manager_required(view):
    """Only managers: products, prices, refunds, staff accounts, settings, audit log."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated or current_user.role != "manager":
            abort(403, description="Only a manager can do that.")
        return view(*args, **kwargs)
    wrapped.manager_only = True
    return wrapped


def actor() -> str:
    """Who is acting, as written into the stock ledger, order history and audit log."""
    return current_user.email
