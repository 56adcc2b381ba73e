"""Every table of the shop, imported in one place so migrations and create_all see them all."""
from shop.accounts.models import AuditEntry, StaffUser  # noqa: F401
from shop.accounts.customers.models import Customer, CustomerAddress  # noqa: F401
from shop.backoffice.models import CsvUpload  # noqa: F401
from shop.cart.models import Cart, CartItem  # noqa: F401
from shop.catalog.models import Category, Product, StockMovement, Variant  # noqa: F401
from shop.discounts.models import DiscountCode, DiscountEmailUse  # noqa: F401
from shop.orders.models import (  # noqa: F401
    Order, OrderLine, OrderStatusChange, OutgoingEmail, Refund, ReturnRequest, StripeEvent,
    WarrantyClaim,
)
from shop.pages.models import ContactMessage  # noqa: F401
from shop.engagement.models import BackInStockRequest, ProductLink  # noqa: F401
from shop.reviews.models import Review  # noqa: F401
