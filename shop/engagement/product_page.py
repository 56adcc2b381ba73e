"""What a product page shows from reviews and goes-with links, read while the page renders
(the page is cached per product version; moderation and link edits bump it)."""
from shop.engagement import goes_with
from shop.reviews import service as reviews


def product_page_extras(product_id: int) -> dict:
    """Template values for _reviews.html and _goes_with.html, and the JSON-LD rating
    (`rating_json_ld`, None without approved reviews). Two queries."""
    shown = reviews.product_reviews(product_id)
    return {"reviews": shown, "goes_with": goes_with.accessories_for(product_id),
            "rating_json_ld": reviews.json_ld_rating(shown.rating)}
