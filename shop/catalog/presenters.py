"""Turn catalog values into what the product page shows (plain data for templates)."""
import json
from dataclasses import dataclass

from flask import url_for

from shop.catalog import media
from shop.rules import shipping, warranty
from shop.rules.estimates import product_estimate
from shop.rules.money import format_plain
from shop.rules.stock import stock_state


def product_json_ld(detail, selected, page_url: str, image_url: str,
                    rating: dict | None = None) -> str:
    """schema.org Product markup with one Offer per variant, and `rating` (an
    AggregateRating of approved reviews) when there is one."""
    offers = [
        {
            "@type": "Offer",
            "sku": v.sku,
            "name": f"{detail.name} {v.label}".strip(),
            "price": format_plain(v.price_cents),
            "priceCurrency": "USD",
            "availability": stock_state(v.available).schema_availability,
            "url": f"{page_url}?sku={v.sku}",
        }
        for v in detail.variants
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": detail.name,
        "description": detail.meta_description or detail.short_description,
        "sku": selected.sku if selected else None,
        "brand": {"@type": "Brand", "name": detail.brand},
        "image": image_url,
        "category": detail.category.name,
        "offers": offers,
    }
    if rating:
        data["aggregateRating"] = rating
    # Safe inside <script>: no character can close the tag or start markup.
    return (json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026"))


def product_warranty_terms(detail) -> tuple[warranty.WarrantyTerm, ...]:
    """The category's warranty terms with this product's overrides."""
    return warranty.product_terms(detail.category.warranty_kind, detail.warranty_overrides)


def ship_item(variant, name: str, quantity: int = 1) -> shipping.ShipItem:
    return shipping.ShipItem(variant.sku, name, quantity, variant.weight_g, variant.length_cm,
                             variant.width_cm, variant.height_cm)


@dataclass(frozen=True)
class DeliveryInputs:
    """What the product page's delivery promise is worked out from, kept with the cached page."""
    item: shipping.ShipItem
    unit_price_cents: int
    sold_out: bool


def product_page_context(detail, selected, config, rating: dict | None = None) -> dict:
    """Everything product.html needs but the delivery promise, computed here rather than in
    the template. The same for every visitor, so the page can be cached."""
    page_url = url_for("catalog.product", slug=detail.slug, _external=True)
    image_url = media.image_url(detail.image_path, external=True)
    low_at = config.get("LOW_STOCK_LABEL_AT", 5)
    stock = stock_state(selected.available, low_at) if selected else stock_state(0)
    return {
        "product": detail,
        "selected": selected,
        "variant_states": {v.sku: stock_state(v.available, low_at) for v in detail.variants},
        "stock": stock,
        "canonical_url": page_url,
        "image_url": image_url,
        "json_ld": product_json_ld(detail, selected, page_url, image_url, rating),
        "warranty_rows": warranty.warranty_table(product_warranty_terms(detail)),
        "financing": bool(selected) and selected.price_cents >= config["FINANCING_MIN_CENTS"],
    }


def delivery_inputs(detail, selected, sold_out: bool) -> DeliveryInputs | None:
    if selected is None:
        return None
    return DeliveryInputs(ship_item(selected, detail.name), selected.price_cents, sold_out)


def delivery_context(inputs: DeliveryInputs | None, destination: shipping.Destination,
                     now) -> dict:
    """What templates/catalog/_delivery.html needs: when one unit reaches `destination`."""
    if inputs is None:
        return {"estimate": None}
    return {
        "estimate": product_estimate(inputs.item, inputs.unit_price_cents, destination, now),
        "sold_out": inputs.sold_out,
        "destination_name": shipping.DEFAULT_SHIPPING_CONFIG.country_names.get(
            destination.country, destination.country),
    }
