"""The stand-in's `--latency-ms`: each Stripe API call waits, the payment page does not."""
import random
import time

from standin import is_api_call, latency_seconds
from tests.payments.standin_fixture import TEST_SECRET_KEY, http_request, running_standin

AUTH = {"Authorization": f"Bearer {TEST_SECRET_KEY}"}


def _timed(method: str, url: str, **kwargs) -> tuple[int, float]:
    started = time.perf_counter()
    status, _, _ = http_request(method, url, **kwargs)
    return status, time.perf_counter() - started


def test_every_api_call_waits_the_configured_latency_and_other_pages_do_not():
    # given a stand-in started with 300 ms of latency
    with running_standin("--latency-ms", "300", "--secret-key", TEST_SECRET_KEY) as standin:
        # when an API call is made twice, and the stand-in's own health page is read
        first = _timed("POST", standin.base_url + "/v1/customers", data={"email": "a@b.c"},
                       headers=AUTH)
        second = _timed("GET", standin.base_url + "/v1/checkout/sessions", headers=AUTH)
        health = _timed("GET", standin.base_url + "/_standin/health")
    # then each API call took at least 300 ms and still succeeded; the health page did not wait
    assert first[0] == 200 and first[1] >= 0.3
    assert second[0] == 200 and second[1] >= 0.3
    assert health[0] == 200 and health[1] < 0.3


def test_without_the_option_api_calls_answer_at_once():
    # given a stand-in started without latency (the default)
    with running_standin("--secret-key", TEST_SECRET_KEY) as standin:
        # when an API call is made
        status, took = _timed("GET", standin.base_url + "/v1/checkout/sessions", headers=AUTH)
    # then it answers well under the benchmark's latency
    assert status == 200 and took < 0.25


def test_jitter_spreads_waits_uniformly_around_the_latency_and_never_below_zero():
    # given 300 ms give or take 100 ms
    rng = random.Random(3)
    # when many waits are drawn
    waits = [latency_seconds(300, 100, rng) for _ in range(2000)]
    # then they stay within 200-400 ms, average about 300 ms, and really vary
    assert 0.2 <= min(waits) and max(waits) <= 0.4
    assert abs(sum(waits) / len(waits) - 0.3) < 0.01
    assert max(waits) - min(waits) > 0.15
    # and a jitter larger than the latency is cut at zero, not negative
    assert min(latency_seconds(50, 100, rng) for _ in range(200)) == 0.0


def test_only_stripe_api_paths_count_as_api_calls():
    assert is_api_call("/v1/checkout/sessions")
    assert not is_api_call("/pay/cs_test_1")
    assert not is_api_call("/_standin/health")


def test_a_negative_latency_is_refused():
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-m", "standin", "--port", "0",
                             "--latency-ms", "-5"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "negative" in result.stderr
