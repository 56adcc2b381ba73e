"""The back office's customer list: search by email, each customer's orders linked."""
from flask import render_template, request

from shop.backoffice import bp
from shop.backoffice import customers as service

MAX_QUERY = 254


@bp.get("/customers")
def customers():
    q = request.args.get("q", "")[:MAX_QUERY]
    listing = service.customer_list(q, request.args.get("page", 1, type=int) or 1)
    return render_template("admin/customers.html", listing=listing, q=q)
