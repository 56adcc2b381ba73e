"""The shop's policy pages, generated from the same data the rules use, and contact."""
from dataclasses import replace

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from shop.rate_limits import rate_limit, rate_limited
from shop.pages.forms import ContactForm
from shop.pages.service import receive_message
from shop.rules import delivery, returns, shipping, warranty
from shop.rules.money import format_cents

bp = Blueprint("pages", __name__)


def shipping_rate_rows(config: shipping.ShippingConfig, transit) -> list[dict]:
    """One row per method and zone: what it costs and how long it takes."""
    rows = []
    for rate in config.parcel_rates:
        days = transit.get(rate.method, (0, 0))
        rows.append({
            "zone": config.zones[rate.zone].label, "method": config.methods[rate.method].label,
            "price": f"{format_cents(rate.base_cents)} + {format_cents(rate.per_kg_cents)} per kg",
            "transit": days,
        })
    for zone, cents in config.freight_per_item_cents.items():
        rows.append({"zone": config.zones[zone].label, "method": config.methods["freight"].label,
                     "price": f"{format_cents(cents)} per item",
                     "transit": transit.get("freight", (0, 0))})
    return rows


@bp.get("/shipping")
def shipping_page():
    config, timing = shipping.DEFAULT_SHIPPING_CONFIG, delivery.DEFAULT_DELIVERY_CONFIG
    config = replace(config, discreet_packaging=replace(
        config.discreet_packaging, sender_name=current_app.config["SHOP_DISCREET_SENDER"]))
    return render_template(
        "pages/shipping.html", config=config, timing=timing,
        rows=shipping_rate_rows(config, timing.transit_business_days),
        international=[config.country_names.get(c, c) for c in config.international_countries],
        holidays=[delivery.format_long_date(d) for d in timing.holidays],
    )


@bp.get("/returns")
def returns_page():
    policy = returns.DEFAULT_RETURN_POLICY
    return render_template("pages/returns.html", policy=policy,
                           summary=returns.policy_summary(policy))


@bp.get("/warranty")
def warranty_page():
    kinds = [(warranty.WARRANTY_KIND_LABELS.get(kind, kind), warranty.warranty_table(terms))
             for kind, terms in warranty.DEFAULT_WARRANTY_BY_KIND.items()]
    return render_template("pages/warranty.html", kinds=kinds)


@bp.route("/contact", methods=["GET", "POST"])
@rate_limited(rate_limit("RATE_LIMIT_CONTACT"), methods=["POST"])
def contact():
    form = ContactForm(topic=request.args.get("topic", "choosing"))
    if form.validate_on_submit():
        receive_message(form.name.data, form.email.data, form.topic.data, form.message.data)
        flash("Thanks! We got your message and will email you a short confirmation. "
              "We answer within one business day.", "success")
        return redirect(url_for("pages.contact"), code=303)
    status = 400 if request.method == "POST" else 200
    return render_template("pages/contact.html", form=form), status
