"""Import every back-office view module so its routes join the `admin` blueprint."""
from shop.backoffice import (  # noqa: F401
    catalog_views, claims_views, dashboard_views, messages_views, order_views, returns_views,
    staff_views, stock_views,
)
from shop.backoffice import search_views  # noqa: F401
from shop.discounts import admin_views  # noqa: F401  (discount codes, issue 18)
from shop.backoffice import customers_views  # noqa: F401  (customer list, issue 20)
from shop.engagement import admin_views as engagement_admin  # noqa: F401
from shop.reviews import admin_views as reviews_admin  # noqa: F401
from shop.backoffice import bp  # noqa: F401
