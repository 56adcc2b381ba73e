"""What the benchmark asks for: URLs of every page, read from the bench database once.

`write_path_files` writes one path a line for the wrk Lua scripts; `pick_paths`
draws the same kind of paths for the in-process measurements.
"""
import os
import random
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
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
    queries: list[str]                 # what shoppers type, the most asked first
    popular: list[str] = field(default_factory=list)  # product slugs, most viewed first


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
    brands = db.session.scalars(select(Product.brand).distinct()).all()
    shelves = db.session.scalars(select(Category.name).order_by(Category.position)).all()
    queries = shopper_queries(db.session.scalars(
        select(Product.name).where(Product.status == "published").order_by(Product.id)).all(),
        brands, shelves)
    return Scenarios(listed, list(products), words, list(skus), queries)


def category_path(slug: str, pages: int, rng: random.Random) -> str:
    page = rng.randint(1, pages)
    return f"/categories/{slug}" + (f"?page={page}" if page > 1 else "")


def shopper_queries(names: list[str], brands: list[str], shelves: list[str]) -> list[str]:
    """Queries in a shopper's words, the most asked first: the kinds of product the names
    give ("rack", "power rack"), a kind by brand ("ironforge rack") or by adjective
    ("folding bench"), each ranked by how many products it names; the shelves' names
    after the twenty commonest; and "set", a word of most descriptions ("sets up in
    minutes"), the costliest to rank, tenth."""
    counts = Counter()
    longest_first = sorted(brands, key=len, reverse=True)
    for name in names:
        brand = next((b for b in longest_first if name.startswith(b + " ")), "")
        kind = [w for w in name[len(brand):].lower().replace("-", " ").split() if w.isalpha()]
        if len(kind) < 2:
            continue
        counts.update([kind[-1], " ".join(kind[-2:]), f"{kind[0]} {kind[-1]}"])
        if brand:
            counts[f"{brand.split()[0].lower()} {kind[-1]}"] += 1
    ranked = [query for query, _ in sorted(counts.items(), key=lambda qc: (-qc[1], qc[0]))]
    shelf_queries = [" ".join(shelf.lower().replace("&", " ").split()) for shelf in shelves]
    ranked = [q for q in ranked[:20] if q not in shelf_queries] + shelf_queries + \
        [q for q in ranked[20:] if q not in shelf_queries]
    ranked.remove("set") if "set" in ranked else None
    return ranked[:9] + ["set"] + ranked[9:]


def search_path(s: "Scenarios", rng: random.Random) -> str:
    """A search: a shopper's query drawn with Zipf's law (s = 1.0: the query of rank r is
    asked 1/r as often as the first); with BENCH_SEARCH_DRAW=uniform, one or two catalog
    words drawn uniformly instead (mostly distinct queries: the cold path)."""
    if os.environ.get("BENCH_SEARCH_DRAW") == "uniform":
        chosen = rng.sample(s.words, rng.choice(SEARCH_WORDS_PER_QUERY))
    else:
        chosen = rng.choices(s.queries, cum_weights=_zipf_cumulative(len(s.queries)))
    return "/search?q=" + quote_plus(" ".join(chosen))


@lru_cache
def _zipf_cumulative(n: int) -> list[float]:
    total, cumulative = 0.0, []
    for rank in range(1, n + 1):
        total += 1 / rank
        cumulative.append(total)
    return cumulative


def zipf_product_path(s: Scenarios, rng: random.Random) -> str:
    """A product page drawn with Zipf's law (s = 1.0) over every product: the product of
    rank r is viewed 1/r as often as the first. Which products rank first is a fixed
    shuffle, so the most viewed are not simply the oldest."""
    if len(s.popular) != len(s.products):
        s.popular = list(s.products)
        random.Random(11).shuffle(s.popular)
    return "/products/" + rng.choices(s.popular,
                                      cum_weights=_zipf_cumulative(len(s.popular)))[0]


def pick_paths(s: Scenarios, page: str, rng: random.Random, n: int) -> list[str]:
    if page == "home":
        return ["/"] * n
    if page == "category":
        return [category_path(*rng.choice(s.categories), rng) for _ in range(n)]
    if page == "search":
        return [search_path(s, rng) for _ in range(n)]
    if page == "product":  # uniform: nearly every request a product not seen lately (cold)
        return [f"/products/{rng.choice(s.products)}" for _ in range(n)]
    if page == "product-zipf":
        return [zipf_product_path(s, rng) for _ in range(n)]
    raise ValueError(page)


def write_path_files(s: Scenarios, folder: Path, n: int = 20_000, seed: int = 7) -> dict:
    """Write home/category/search/product path lists and the SKU list; returns the files."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    files = {"home": folder / "paths-home.txt"}
    files["home"].write_text("/\n")
    for page in ("category", "search", "product", "product-zipf"):
        files[page] = folder / f"paths-{page}.txt"
        files[page].write_text("\n".join(pick_paths(s, page, rng, n)) + "\n")
    files["skus"] = folder / "skus.txt"
    files["skus"].write_text("\n".join(s.cart_skus) + "\n")
    return files
