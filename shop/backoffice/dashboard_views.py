"""The back office's front page: what needs doing today."""
from flask import current_app, render_template

from shop import clock
from shop.backoffice import bp
from shop.backoffice.dashboard import dashboard_numbers
from shop.backoffice.dashboard_charts import dashboard_charts


@bp.get("/")
def dashboard():
    now = clock.now()
    return render_template("admin/dashboard.html", **dashboard_numbers(now),
                           charts=dashboard_charts(now, current_app.config["SHOP_TIMEZONE"]))
