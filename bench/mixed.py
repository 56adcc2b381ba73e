"""The mixed scenario of `make bench`: shoppers browsing while others add to cart and check out.

Four browsing clients (one process each, a new connection per request as from nginx, no
pause between requests) draw every request from the mix: home 10%, category 25%, product 45%
(Zipf, s = 1.0, over every product), search 20% of browsing. Besides, 2% of all requests
add to cart and 1% check out: each time a client's draw falls there, it hands a ticket to
the buyers (one process, a thread per ticket in flight) and draws again, so a checkout
waiting on Stripe holds a buyer, never a browsing client; how much checkouts slow
browsing is then the server's doing. Checkouts use carts prepared beforehand (one each,
round robin when they run out) and must end in a redirect to the stand-in's payment page;
anything else counts as refused.

Every catalog response says whether the page cache served it (`X-Page-Cache`), which
gives the hit rate. `hello_latency` runs the same four clients against hello world, for
the ratios.
"""
from __future__ import annotations

import http.client
import multiprocessing
import queue
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench.scenarios import Scenarios, category_path, search_path, zipf_product_path

BROWSE_MIX = {"home": 10, "category": 25, "product": 45, "search": 20}
ADD_SHARE, CHECKOUT_SHARE = 0.02, 0.01
CLIENTS = 4
BUYER_THREADS = 16  # tickets in flight at most; more wait (and are reported)
CATALOG = tuple(BROWSE_MIX)


@dataclass
class Sample:
    kind: str
    seconds: float
    ok: bool
    cache: str = ""  # X-Page-Cache: hit, miss, bypass ("" when absent)


@dataclass
class ClassStats:
    kind: str
    count: int
    rps: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    failed: int
    hits: int
    misses: int

    @property
    def hit_rate(self) -> float | None:
        looked = self.hits + self.misses
        return self.hits / looked if looked else None


@dataclass
class MixResult:
    seconds: float
    classes: dict[str, ClassStats]  # by kind of request, plus "browse" (every catalog page)
    tickets_left: dict[str, int] = field(default_factory=dict)  # owed but never started

    @property
    def hit_rate(self) -> float | None:
        return self.classes["browse"].hit_rate if "browse" in self.classes else None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def summarise(kind: str, samples: list[Sample], seconds: float) -> ClassStats:
    times = [s.seconds * 1000 for s in samples]
    return ClassStats(
        kind=kind, count=len(samples), rps=len(samples) / seconds if seconds else 0.0,
        p50_ms=percentile(times, 0.50), p99_ms=percentile(times, 0.99),
        mean_ms=statistics.fmean(times) if times else 0.0,
        failed=sum(not s.ok for s in samples),
        hits=sum(s.cache == "hit" for s in samples),
        misses=sum(s.cache == "miss" for s in samples))


# --- one request ----------------------------------------------------------------------------

class Connection:
    """Requests to 127.0.0.1:port, each on a connection of its own, as nginx sends them to
    an app server (deploy/nginx/shop.conf opens one per request). gunicorn keeps a
    kept-alive connection with the worker that accepted it, so with a few clients the split
    between workers would be fixed at connect time and vary from run to run."""

    def __init__(self, port: int):
        self.port = port

    def request(self, method: str, path: str, headers: dict | None = None,
                body: str | None = None) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body,
                         headers={**(headers or {}), "Connection": "close"})
            response = conn.getresponse()
            data = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            conn.close()


def _timed(connection: Connection, kind: str, method: str, path: str, headers=None, body=None,
           expect=200, location_has: str = "") -> Sample:
    started = time.perf_counter()
    try:
        status, found, _ = connection.request(method, path, headers, body)
    except (OSError, http.client.HTTPException):  # a failed request, counted as one
        return Sample(kind, time.perf_counter() - started, False)
    took = time.perf_counter() - started
    ok = status == expect and location_has in found.get("location", "")
    return Sample(kind, took, ok, found.get("x-page-cache", ""))


# --- browsing clients -----------------------------------------------------------------------

def _browse_path(kind: str, s: Scenarios, rng: random.Random) -> str:
    if kind == "home":
        return "/"
    if kind == "category":
        return category_path(*rng.choice(s.categories), rng)
    if kind == "product":
        return zipf_product_path(s, rng)
    return search_path(s, rng)


def _browser(index: int, port: int, s: Scenarios, deadline: float, tickets, results,
             with_checkouts: bool) -> None:
    """One shopper browsing without cookies until the deadline."""
    rng = random.Random(1000 + index)
    connection = Connection(port)
    kinds, weights = list(BROWSE_MIX), list(BROWSE_MIX.values())
    samples = []
    while time.perf_counter() < deadline:
        draw = rng.random()
        if draw < ADD_SHARE:
            tickets.put("add to cart")
            continue
        if draw < ADD_SHARE + CHECKOUT_SHARE:
            if with_checkouts:
                tickets.put("checkout")
            continue  # without checkouts, the same draws leave them out
        kind = rng.choices(kinds, weights)[0]
        samples.append(_timed(connection, kind, "GET", _browse_path(kind, s, rng)))
    results.put(samples)


# --- buyers ---------------------------------------------------------------------------------

def _buyers(port: int, standin_port: int, carts: list[tuple[str, str]],
            add_sessions: list[tuple[dict, str]], skus: list[str], deadline: float,
            tickets, results) -> None:
    """Take tickets until the deadline, each on a thread of its own (BUYER_THREADS at most)."""
    samples, lock = [], threading.Lock()
    slots = threading.Semaphore(BUYER_THREADS)
    counters = {"checkout": 0, "add to cart": 0}
    left = {"checkout": 0, "add to cart": 0}
    connection = Connection(port)  # a new connection per request: threads may share it

    def run(kind: str, number: int) -> None:
        try:
            if kind == "checkout":
                cookie, body = carts[number % len(carts)]
                sample = _timed(connection, kind, "POST", "/checkout", {
                    "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
                    body, expect=303, location_has=f":{standin_port}/")
            else:
                jar, token = add_sessions[number % len(add_sessions)]
                body = urlencode({"csrf_token": token, "sku": random.choice(skus),
                                  "quantity": "1", "next": "/"})
                sample = _timed(connection, kind, "POST", "/cart/add", {
                    "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
                    "Content-Type": "application/x-www-form-urlencoded"}, body, expect=303)
            with lock:
                samples.append(sample)
        finally:
            slots.release()

    threads = []
    while time.perf_counter() < deadline:
        try:
            kind = tickets.get(timeout=0.05)
        except queue.Empty:
            continue
        if not slots.acquire(timeout=max(0.0, deadline - time.perf_counter())):
            left[kind] += 1
            break
        number = counters[kind]
        counters[kind] += 1
        thread = threading.Thread(target=run, args=(kind, number), daemon=True)
        thread.start()
        threads.append(thread)
    while True:  # tickets handed out but not started before the deadline
        try:
            left[tickets.get_nowait()] += 1
        except queue.Empty:
            break
    for thread in threads:
        thread.join(60)
    results.put((samples, left))


# --- a run ----------------------------------------------------------------------------------

def run_mix(port: int, standin_port: int, s: Scenarios, carts: list[tuple[str, str]],
            add_sessions: list[tuple[dict, str]], seconds: float,
            with_checkouts: bool = True) -> MixResult:
    """The mix for `seconds` against the shop on `port`; statistics per class."""
    context = multiprocessing.get_context("fork")
    tickets, results = context.Queue(), context.Queue()
    started = time.perf_counter()
    deadline = started + seconds
    buyer = context.Process(target=_buyers, args=(
        port, standin_port, carts, add_sessions, s.cart_skus, deadline, tickets, results))
    browsers = [context.Process(target=_browser, args=(
        i, port, s, deadline, tickets, results, with_checkouts)) for i in range(CLIENTS)]
    for process in [buyer, *browsers]:
        process.start()
    samples, left = [], {}
    for _ in range(CLIENTS + 1):
        got = results.get(timeout=seconds + 120)
        if isinstance(got, tuple):
            got, left = got
        samples.extend(got)
    for process in [buyer, *browsers]:
        process.join(30)
    elapsed = time.perf_counter() - started
    by_kind: dict[str, list[Sample]] = {}
    for sample in samples:
        by_kind.setdefault(sample.kind, []).append(sample)
    classes = {kind: summarise(kind, found, elapsed) for kind, found in by_kind.items()}
    classes["browse"] = summarise("browse", [sample for kind in CATALOG
                                             for sample in by_kind.get(kind, [])], elapsed)
    return MixResult(elapsed, classes, left)


def _hello_client(port: int, deadline: float, results) -> None:
    connection = Connection(port)
    samples = []
    while time.perf_counter() < deadline:
        samples.append(_timed(connection, "hello", "GET", "/"))
    results.put(samples)


def hello_latency(port: int, seconds: float) -> ClassStats:
    """Hello world under the same four clients: req/s and latency."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    started = time.perf_counter()
    processes = [context.Process(target=_hello_client, args=(port, started + seconds, results))
                 for _ in range(CLIENTS)]
    for process in processes:
        process.start()
    samples = [sample for _ in processes for sample in results.get(timeout=seconds + 60)]
    for process in processes:
        process.join(30)
    return summarise("hello world", samples, time.perf_counter() - started)
