"""CPU time of shop pages in-process on the bench database, and where it goes.

    DATABASE_URL=sqlite:////tmp/bench.db python -m bench.profile_pages [-n 200] [--parts]
        [--profile PAGE [--cpu]]

Prints the mean CPU time (process clock: steadier than the wall clock on a busy machine)
per request through the Flask test client, for hello world (bench/hello.py), the shop's
`/healthz` and each catalog page: `cold`, with the caches cleared before every request,
and `cached`, the same requests again once they are all cached. The client sends no
cookie, as wrk does: every request is a new visitor. The request log is off (its lines
would flood the terminal), so its cost is not counted; about 0.15 ms of every row is the
test client itself.

`--parts` splits a cold product request by the functions it calls (CPU per request).
`--profile home|category|search|product` writes a pyinstrument report of the cold path
of that page to bench/out/profile-PAGE.txt; with `--cpu`, a cProfile report on the
process clock instead (bench/out/profile-PAGE-cpu.txt).
"""
import argparse
import functools
import logging
import os
import random
import time
from collections import Counter
from pathlib import Path

from bench.scenarios import load_scenarios, pick_paths
from shop import create_app
from shop.extensions import db

OUT = Path(__file__).resolve().parent / "out"


def clear_caches(app) -> None:
    cache = app.extensions.get("cache")
    if cache:
        for backend in cache.values() if isinstance(cache, dict) else [cache]:
            try:
                backend.clear()
            except Exception:  # noqa: BLE001 - nothing to clear
                pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--parts", action="store_true", help="split a cold product request")
    parser.add_argument("--profile", default="")
    parser.add_argument("--cpu", action="store_true", help="profile CPU time (cProfile)")
    args = parser.parse_args(argv)
    logging.disable(logging.INFO)  # the request log: a line per request
    app = create_app()  # rate limits on, as in production (catalog pages have none to check)
    client = app.test_client(use_cookies=False)
    rng = random.Random(1)
    with app.app_context():
        scenarios = load_scenarios()
    pages = {name: pick_paths(scenarios, name, rng, args.n)
             for name in ("home", "category", "search", "product")}
    from bench.hello import app as hello
    print("CPU ms per request (process clock; a new visitor each time):")
    print(f"  hello world      {cpu_per_request(hello.test_client(), ['/'] * args.n):6.2f}")
    print(f"  shop /healthz    {cpu_per_request(client, ['/healthz'] * args.n):6.2f}")
    for name, paths in pages.items():
        cold = cpu_per_request(client, paths, before_each=lambda: clear_caches(app))
        cpu_per_request(client, paths)  # every one of them cached
        cached = cpu_per_request(client, paths)
        print(f"  {name:9} cold {cold:6.2f}   cached {cached:6.2f}")
    if args.parts:
        product_parts(app, client, pages["product"])
    if args.profile and args.cpu:
        cpu_profile(app, client, pages[args.profile], args.profile)
    elif args.profile:
        from pyinstrument import Profiler
        OUT.mkdir(exist_ok=True)
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for path in pages[args.profile]:
            clear_caches(app)
            client.get(path)
        profiler.stop()
        target = OUT / f"profile-{args.profile}.txt"
        target.write_text(profiler.output_text(unicode=False, color=False, show_all=False))
        print(f"profile written to {target}")
    return 0


def cpu_per_request(client, paths: list[str], before_each=None) -> float:
    """Mean CPU time (ms) of GETting each of `paths`; every answer must be 200."""
    started = time.process_time()
    for path in paths:
        if before_each:
            before_each()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return (time.process_time() - started) / len(paths) * 1000


def product_parts(app, client, paths: list[str]) -> None:
    """CPU per cold product request of each part of its render, timed by wrapping the
    functions the view calls (the wrappers' own cost is small next to theirs)."""
    from shop.catalog import presenters, service, views
    from shop.web_cache import pages, storage
    spent = Counter()

    def timed(module, name: str, label: str) -> None:
        function = getattr(module, name)

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] += time.process_time() - started
        setattr(module, name, wrapper)

    timed(service, "product_detail", "product_detail (the product, its variants)")
    timed(views, "product_page_extras", "product_page_extras (reviews, goes-with)")
    timed(presenters, "product_page_context", "product_page_context")
    timed(views.media, "page_context", "media.page_context")
    timed(views, "render_template", "render_template")
    timed(pages, "_cut", "cutting the page")
    timed(storage, "put", "storing the page")
    timed(pages, "_respond", "_respond (the visitor's copy: CSRF token, ETag)")
    total = cpu_per_request(client, paths, before_each=lambda: clear_caches(app))
    print(f"A cold product request, {total:.2f} ms CPU, by part:")
    for label, seconds in spent.most_common():
        print(f"  {seconds / len(paths) * 1000:6.2f}  {label}")
    rest = total - sum(spent.values()) / len(paths) * 1000
    print(f"  {rest:6.2f}  the rest (Flask, session, clearing the caches, the test client)")


def cpu_profile(app, client, paths: list[str], name: str) -> None:
    """CPU time of the cold path of `paths`, by function (cumulative), per request."""
    import cProfile
    import io
    import pstats
    OUT.mkdir(exist_ok=True)
    profiler = cProfile.Profile(time.process_time)
    started = time.process_time()
    for path in paths:
        clear_caches(app)
        profiler.enable()
        client.get(path)
        profiler.disable()
    total = time.process_time() - started
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(60)
    target = OUT / f"profile-{name}-cpu.txt"
    target.write_text(f"{len(paths)} cold requests, {total / len(paths) * 1000:.2f} ms CPU "
                      f"each (clearing the caches included)\n" + text.getvalue())
    print(f"CPU profile written to {target}")


if __name__ == "__main__":
    raise SystemExit(main())
