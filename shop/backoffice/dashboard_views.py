"""The back office's front page: what needs doing today."""
from flask import render_template

from shop import clock
from shop.backoffice import bp
from shop.backoffice.dashboard import dashboard_numbers


@bp.get("/")
def dashboard():
    return render_template("admin/dashboard.html", **dashboard_numbers(clock.now()))
