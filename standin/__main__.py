"""Launch the local Stripe stand-in: a test tool, not Stripe.

    python -m standin --port 8420 \\
        [--webhook-url http://127.0.0.1:5000/stripe/webhook --webhook-secret whsec_...]

Binds 127.0.0.1 only (any other `--host` is refused; `--port 0` picks a free port;
the banner names it), answers only requests addressed to a loopback host, sends no
CORS headers, keeps all state in memory, and refuses to start under
SHOP_ENV/FLASK_ENV=production or with a live key. Webhook settings may also come from STANDIN_WEBHOOK_URL and
STANDIN_WEBHOOK_SECRET (falling back to STRIPE_WEBHOOK_SECRET), or be changed
while running with `POST /_standin/config`.

`--latency-ms 300 --latency-jitter-ms 100` makes every Stripe API call (`/v1/...`) wait
200 to 400 ms before it is answered, as real Stripe does (200-600 ms), so a benchmark sees
checkouts hold a request for that long. The default is 0: answered at once.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import signal
import socket
import sys

from standin import (DEFAULT_PORT, LOOPBACK_HOST, banner, is_api_call, latency_seconds,
                     refusal_reason)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m standin",
        description="Local Stripe stand-in (localstripe + Checkout Sessions) on 127.0.0.1. "
                    "A test and demo tool, not Stripe.")
    parser.add_argument("--host", default=LOOPBACK_HOST,
                        help=f"only {LOOPBACK_HOST} is accepted: the stand-in never listens on "
                             "other interfaces")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"TCP port on 127.0.0.1 (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--webhook-url", default=os.environ.get("STANDIN_WEBHOOK_URL"),
                        help="loopback URL the shop receives webhooks on")
    parser.add_argument("--webhook-secret",
                        default=os.environ.get("STANDIN_WEBHOOK_SECRET")
                        or os.environ.get("STRIPE_WEBHOOK_SECRET"),
                        help="signing secret shared with the shop (whsec_...)")
    parser.add_argument("--secret-key", default=None,
                        help="the API key the shop will use; only checked: a live key is refused")
    parser.add_argument("--latency-ms", type=float, default=0,
                        help="wait this long before answering each API call (default 0)")
    parser.add_argument("--latency-jitter-ms", type=float, default=0,
                        help="give or take up to this much, uniformly (default 0)")
    parser.add_argument("--quiet", action="store_true", help="no access log")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    reason = refusal_reason(os.environ, args.secret_key)
    if reason:
        print(f"standin: refusing to start: {reason}", file=sys.stderr)
        return 2
    if args.host != LOOPBACK_HOST:
        print(f"standin: refusing to listen on {args.host!r}: the stand-in is a test tool "
              f"and binds {LOOPBACK_HOST} only", file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print(f"standin: bad port {args.port}", file=sys.stderr)
        return 2
    if args.latency_ms < 0 or args.latency_jitter_ms < 0:
        print("standin: --latency-ms and --latency-jitter-ms can't be negative", file=sys.stderr)
        return 2

    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)

    try:
        from standin.checkout import build_app
    except ImportError as exc:
        print(f"standin: cannot import localstripe/aiohttp ({exc}); "
              "pip install -r requirements-standin.txt", file=sys.stderr)
        return 1

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK_HOST, args.port))  # loopback only, never 0.0.0.0 or ::
        sock.listen(128)
    except OSError as exc:
        sock.close()
        print(f"standin: cannot listen on {LOOPBACK_HOST}:{args.port}: {exc}", file=sys.stderr)
        return 1
    port = sock.getsockname()[1]
    public_url = f"http://{LOOPBACK_HOST}:{port}"

    try:
        app = build_app(public_url=public_url, webhook_url=args.webhook_url,
                        webhook_secret=args.webhook_secret)
    except ValueError as exc:
        sock.close()
        print(f"standin: {exc}", file=sys.stderr)
        return 2
    if args.latency_ms or args.latency_jitter_ms:
        app.middlewares.append(latency_middleware(args.latency_ms, args.latency_jitter_ms))

    asyncio.run(_serve(app, sock, port, args))
    return 0


def latency_middleware(latency_ms: float, jitter_ms: float, rng: random.Random | None = None):
    """An aiohttp middleware that holds each API call `latency_seconds` before handling it
    (without blocking the others: the wait is an asyncio sleep)."""
    from aiohttp import web

    rng = rng or random.Random()

    @web.middleware
    async def wait_like_stripe(request, handler):
        if is_api_call(request.path):
            await asyncio.sleep(latency_seconds(latency_ms, jitter_ms, rng))
        return await handler(request)
    return wait_like_stripe


async def _serve(app, sock: socket.socket, port: int, args: argparse.Namespace) -> None:
    from aiohttp import web

    access_log = None if args.quiet else logging.getLogger("aiohttp.access")
    runner = web.AppRunner(app, access_log=access_log, handle_signals=False)
    await runner.setup()
    site = web.SockSite(runner, sock)
    await site.start()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)

    _say(banner(port))
    if args.latency_ms or args.latency_jitter_ms:
        _say(f"API calls wait {args.latency_ms:g} ms (give or take {args.latency_jitter_ms:g} ms)")
    if args.webhook_url:
        _say(f"webhooks -> {args.webhook_url}")
    else:
        _say("webhooks: none configured (--webhook-url/--webhook-secret or POST /_standin/config)")
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def _say(line: str) -> None:
    out = sys.stdout.buffer
    out.write(line.encode("utf-8") + b"\n")
    out.flush()


if __name__ == "__main__":
    sys.exit(main())
