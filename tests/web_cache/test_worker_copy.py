"""A worker's copy of shared cache entries: bounded, newest kept, expired values gone."""
from shop.web_cache.worker_copy import WorkerCopy


def test_a_full_copy_drops_the_value_set_longest_ago():
    # given a copy of three values, full
    copy = WorkerCopy(3)
    for key in ("a", "b", "c"):
        copy.set(key, key.upper(), timeout=60)
    # when "a" is set again (the newest now) and a fourth value comes
    copy.set("a", "A2", timeout=60)
    copy.set("d", "D", timeout=60)
    # then "b", set longest ago, made room; the rest are there
    assert copy.get("b") is None
    assert [copy.get(key) for key in ("a", "c", "d")] == ["A2", "C", "D"]
    assert len(copy) == 3


def test_a_value_read_lately_stays_longer_than_one_set_after_it():
    # given a full copy whose oldest value ("a") was just read
    copy = WorkerCopy(2)
    copy.set("a", "A", timeout=60)
    copy.set("b", "B", timeout=60)
    assert copy.get("a") == "A"
    # when a third value comes, then "b" (used longest ago) makes room
    copy.set("c", "C", timeout=60)
    assert copy.get("b") is None
    assert copy.get("a") == "A" and copy.get("c") == "C"


def test_a_value_is_gone_once_its_seconds_are_up(monkeypatch):
    # given a value kept for 5 seconds
    clock = [100.0]
    monkeypatch.setattr("shop.web_cache.worker_copy.time.monotonic", lambda: clock[0])
    copy = WorkerCopy(10)
    copy.set("page", b"<html>", timeout=5)
    # then it is there until the fifth second, and gone at it
    clock[0] = 104.9
    assert copy.get("page") == b"<html>"
    clock[0] = 105.0
    assert copy.get("page") is None


def test_a_copy_hands_back_the_value_itself_not_a_copy_of_it():
    # cached pages are immutable; a worker copy spends nothing on pickling them
    page = (b"head", b"tail")
    copy = WorkerCopy(10)
    copy.set("page", page, timeout=5)
    assert copy.get("page") is page
