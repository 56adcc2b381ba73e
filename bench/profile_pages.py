"""Time (and optionally profile) shop pages in-process on the bench database.

    DATABASE_URL=sqlite:////tmp/bench.db python -m bench.profile_pages [--profile PAGE] [-n 200]

Prints the mean time per request of each page through the Flask test client,
with caches cleared before every request (the cold path) and kept (the warm
path). `--profile home|category|search|product` writes a pyinstrument report of the
cold path of that page to bench/out/profile-PAGE.txt; `--cpu` profiles CPU time instead
(cProfile with the process clock, to bench/out/profile-PAGE-cpu.txt): on a busy machine the
wall clock mostly measures waiting for a core.
"""
import argparse
import os
import random
import time
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
    parser.add_argument("--profile", default="")
    parser.add_argument("--cpu", action="store_true", help="profile CPU time (cProfile)")
    args = parser.parse_args(argv)
    app = create_app({"RATELIMIT_ENABLED": False})
    client = app.test_client()
    rng = random.Random(1)
    with app.app_context():
        scenarios = load_scenarios()
    pages = {name: pick_paths(scenarios, name, rng, args.n)
             for name in ("home", "category", "search", "product")}
    for name, paths in pages.items():
        for cold in (True, False):
            started = time.perf_counter()
            for path in paths:
                if cold:
                    clear_caches(app)
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
            elapsed = (time.perf_counter() - started) / len(paths)
            print(f"{name:9} {'cold' if cold else 'warm'} {elapsed * 1000:7.2f} ms/request")
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
