"""How long each search of the benchmark takes the search service, slowest first.

    DATABASE_URL=<a bench database> python -m bench.search_times [-n 16000]

Draws `n` searches as `make bench` does (shoppers' queries, Zipf), then runs each distinct
query once through `search_products` (the first page, featured order), as a cold search
page does before rendering. Prints wall-clock milliseconds, which on PostgreSQL include
the server's work: the mean, percentiles over the distinct queries, and the slowest ten
with how many products they match. A search page served cold costs at least this, so a
query slower than a latency target misses it on a cold cache whatever the page around it
costs.
"""
import argparse
import random
import statistics
import time
from urllib.parse import parse_qs, urlsplit

from bench.scenarios import load_scenarios, pick_paths
from shop import create_app
from shop.catalog.search import load_synonyms, search_products
from shop.catalog.service import ListingFilters
from shop.extensions import db

PER_PAGE = 24


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=16_000, help="searches drawn (one round's worth)")
    args = parser.parse_args(argv)
    app = create_app()
    with app.app_context():
        paths = pick_paths(load_scenarios(), "search", random.Random(7), args.n)
        queries = list(dict.fromkeys(parse_qs(urlsplit(p).query)["q"][0] for p in paths))
        synonyms = load_synonyms()
        timed = []
        for query in queries:
            started = time.perf_counter()
            result = search_products(query, ListingFilters(), PER_PAGE, synonyms)
            timed.append(((time.perf_counter() - started) * 1000, query, result.listing.total))
            db.session.rollback()
        database = db.engine.dialect.name
    timed.sort(reverse=True)
    millis = sorted(ms for ms, _, _ in timed)
    cut = statistics.quantiles(millis, n=100) if len(millis) > 1 else millis * 99
    print(f"{database}: {len(queries)} distinct queries in {args.n} searches; "
          f"ms mean {statistics.mean(millis):.1f}, p50 {cut[49]:.1f}, p90 {cut[89]:.1f}, "
          f"p99 {cut[98]:.1f}, max {millis[-1]:.1f}")
    print("slowest:  ms  matches  query")
    for ms, query, total in timed[:10]:
        print(f"      {ms:6.1f}  {total:7}  {query}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
