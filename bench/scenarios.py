"""What the benchmark asks for: URLs of every page, read from the bench database once.

`write_path_files` writes one path a line for the wrk Lua scripts; `pick_paths`
draws the same kind of paths for the in-process measurements.
"""
import random
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus

from sqlalchemy import func, select

from shop.catalog.models import Category, Product, Variant
from shop.extensions import db

PER_PAGE = 24
SEARCH_WORDS_PER_QUERY = (1, 2)


@dataclass
class Scenarios:
    categories: list[tuple[str, int]]  # slug, pages
    products: list[str]                # slugs
    words: list[str]                   # search vocabulary
    cart_skus: list[str]               # SKUs with plenty of stock, for add-to-cart and checkout


def load_scenarios() -> Scenarios:
    """Read slugs, page counts, words and well-stocked SKUs (inside an app context)."""
    categories = db.session.execute(select(Category.id, Category.slug, Category.parent_id)).all()
    counts = dict(db.session.execute(
        select(Product.category_id, func.count()).where(Product.status == "published")
        .group_by(Product.category_id)).all())
    listed = []
    for cid, slug, parent in categories:
        total = counts.get(cid, 0) + sum(counts.get(c, 0) for c, _, p in categories if p == cid)
        listed.append((slug, max(1, -(-total // PER_PAGE))))
    products = db.session.scalars(
        select(Product.slug).where(Product.status == "published").order_by(Product.id)).all()
    names = db.session.scalars(select(Product.name).limit(2000)).all()
    words = sorted({w.lower() for name in names for w in name.split()
                    if w.isalpha() and len(w) >= 3})
    skus = db.session.scalars(
        select(Variant.sku).join(Product).where(Product.status == "published",
                                                Variant.on_hand - Variant.reserved >= 1000)
        .order_by(Variant.id).limit(4000)).all()
    return Scenarios(listed, list(products), words, list(skus))


def category_path(slug: str, pages: int, rng: random.Random) -> str:
    page = rng.randint(1, pages)
    return f"/categories/{slug}" + (f"?page={page}" if page > 1 else "")


def search_path(words: list[str], rng: random.Random) -> str:
    chosen = rng.sample(words, rng.choice(SEARCH_WORDS_PER_QUERY))
    return "/search?q=" + quote_plus(" ".join(chosen))


def pick_paths(s: Scenarios, page: str, rng: random.Random, n: int) -> list[str]:
    if page == "home":
        return ["/"] * n
    if page == "category":
        return [category_path(*rng.choice(s.categories), rng) for _ in range(n)]
    if page == "search":
        return [search_path(s.words, rng) for _ in range(n)]
    if page == "product":
        return [f"/products/{rng.choice(s.products)}" for _ in range(n)]
    raise ValueError(page)


def write_path_files(s: Scenarios, folder: Path, n: int = 20_000, seed: int = 7) -> dict:
    """Write home/category/search/product path lists and the SKU list; returns the files."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    files = {"home": folder / "paths-home.txt"}
    files["home"].write_text("/\n")
    for page in ("category", "search", "product"):
        files[page] = folder / f"paths-{page}.txt"
        files[page].write_text("\n".join(pick_paths(s, page, rng, n)) + "\n")
    files["skus"] = folder / "skus.txt"
    files["skus"].write_text("\n".join(s.cart_skus) + "\n")
    return files
