"""Time (and optionally profile) shop pages in-process on the bench database.

    DATABASE_URL=sqlite:////tmp/bench.db python -m bench.profile_pages [--profile PAGE] [-n 200]

Prints the mean time per request of each page through the Flask test client,
with caches cleared before every request (the cold path) and kept (the warm
path). `--profile home|category|search|product` writes a pyinstrument report of the
cold path of that page to bench/out/profile-PAGE.txt.
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
    if args.profile:
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


if __name__ == "__main__":
    raise SystemExit(main())
