"""The web cache: catalog pages and small lookups, kept per version of what they show.

- `config`: set up once, from `create_app` (memory per worker, or Redis).
- `versions`: the catalog's and each product's version; services that change data call
  `catalog_changed()`, `stock_moved(...)` or `products_changed(...)` after their commit.
- `storage`: entries through Flask-Caching, with each worker's copy before Redis;
  `remember` for data that changes only with the catalog.
- `pages`: `serve_page`, which caches a whole page and fills in each visitor's parts.

Nothing here watches the database: data changed without one of those calls shows once
the entries expire (`CATALOG_CACHE_SECONDS`).
"""
from shop.web_cache.config import cache, init_app
from shop.web_cache.pages import Rendered, page_key, serve_page
from shop.web_cache.storage import remember, worker_memo
from shop.web_cache.versions import catalog_changed, products_changed, stock_moved

__all__ = ["cache", "init_app", "Rendered", "page_key", "serve_page", "remember",
           "worker_memo", "catalog_changed", "products_changed", "stock_moved"]
