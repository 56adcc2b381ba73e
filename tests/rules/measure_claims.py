"""Measures the copy-claims checker on the labelled set and on a synthetic catalog.

Run: ``.venv/bin/python -m tests.rules.measure_claims`` (add ``--errors`` to list the dev
sentences it gets wrong; holdout errors are never listed, so nobody tunes on them).
``--bench`` times adversarial inputs of 10,000, 50,000 and 100,000 characters (lexicon words
repeated with separators) and exits 1 if any takes a second or more. Speed targets are
checked here, not by timed tests.
"""

import sys
import time
from pathlib import Path

from shop.rules.copy_claims import CopyFacts, check_all, check_copy

CASES = Path(__file__).with_name("claims_cases.tsv")


def load_cases(path: Path = CASES) -> list[tuple[str, str, str]]:
    """(label, split, sentence) rows of the labelled set."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if number == 0 or not line.strip():
            continue
        label, split, sentence = line.split("\t", 2)
        rows.append((label, split, sentence))
    return rows


def flagged(sentence: str) -> bool:
    """True when the checker blocks or sends the sentence to review."""
    return bool(check_copy(sentence))


def confusion(rows) -> dict:
    """TP/FP/FN/TN of 'block or review' against the 'claim' label."""
    counts = {"TP": 0, "FP": 0, "FN": 0, "TN": 0}
    for label, _, sentence in rows:
        hit = flagged(sentence)
        if label == "claim":
            counts["TP" if hit else "FN"] += 1
        else:
            counts["FP" if hit else "TN"] += 1
    return counts


def ratios(c: dict) -> tuple[float, float, float]:
    """Precision, recall and false-positive rate."""
    precision = c["TP"] / (c["TP"] + c["FP"]) if c["TP"] + c["FP"] else 1.0
    recall = c["TP"] / (c["TP"] + c["FN"]) if c["TP"] + c["FN"] else 1.0
    fp_rate = c["FP"] / (c["FP"] + c["TN"]) if c["FP"] + c["TN"] else 0.0
    return precision, recall, fp_rate


PRODUCT_TEMPLATE = (
    "<h2>{name}</h2><p>The {name} is built from 11-gauge steel with a powder-coated finish "
    "and rated to {load} lb. Build serious strength, endurance and confidence at home, "
    "whether you are training for your first 5K or chasing a new deadlift PR.</p>"
    "<ul><li>Smooth, quiet magnetic resistance with {levels} levels</li>"
    "<li>Console shows time, distance, calories, watts and heart rate</li>"
    "<li>Transport wheels and a fold-up frame that fits through a standard doorway</li>"
    "<li>Frame and welds: 10 years. Parts and electronics: 1 year.</li></ul>"
    "<p>Everyday stress relief, better sleep after an evening session and a mood boost in "
    "twenty minutes or less. Customers say it&rsquo;s the &ldquo;best purchase&rdquo; they "
    "made this year. Free returns within 30 days and free shipping on orders over $99.</p>"
    "<p>If you have high blood pressure or a heart condition, ask your doctor before "
    "starting a new program. This product is not intended to diagnose, treat, cure or "
    "prevent any disease.</p>"
)


def synthetic_catalog(products: int = 40, chars: int = 2000) -> list[str]:
    """About ``products`` descriptions of roughly ``chars`` characters each."""
    catalog = []
    for i in range(products):
        body = PRODUCT_TEMPLATE.format(name=f"Model {i} Trainer", load=300 + i * 10,
                                       levels=8 + i % 24)
        while len(body) < chars:
            body += PRODUCT_TEMPLATE.format(name=f"Model {i} Trainer", load=300, levels=16)
        catalog.append(body[:chars])
    return catalog


def time_catalog(repeats: int = 3) -> float:
    """Best wall time (seconds) to run check_all over the synthetic catalog."""
    catalog = synthetic_catalog()
    facts = CopyFacts()
    best = float("inf")
    for _ in range(repeats):
        began = time.perf_counter()
        for description in catalog:
            check_all(description, facts)
        best = min(best, time.perf_counter() - began)
    return best


BENCH_UNITS = ["knee, ", "back pain, ", "anxiety.", "a\n", "warranty", "return;",
               "medically approved ", "relieves depression and ", "not ", "<b>x</b>", "&amp;",
               "Dr. ", "...", "   ", "knee-", "brain health, ", "free overnight shipping ",
               "studies show it lowers stress, "]
BENCH_SIZES = (10_000, 50_000, 100_000)
BENCH_BUDGET_SECONDS = 1.0


def bench() -> bool:
    """Time check_all on each adversarial input at each size; True when all are in budget."""
    print(f"{'input':32} " + " ".join(f"{n:>9,}" for n in BENCH_SIZES) + "  (seconds)")
    worst = 0.0
    for unit in BENCH_UNITS:
        row = []
        for size in BENCH_SIZES:
            text = (unit * (size // len(unit) + 1))[:size]
            began = time.perf_counter()
            check_all(text)
            row.append(time.perf_counter() - began)
        worst = max(worst, *row)
        print(f"{unit!r:32} " + " ".join(f"{t:>9.3f}" for t in row))
    print(f"worst: {worst:.3f} s (budget {BENCH_BUDGET_SECONDS:.1f} s per input)")
    return worst < BENCH_BUDGET_SECONDS


def main(argv: list[str]) -> None:
    if "--bench" in argv:
        sys.exit(0 if bench() else 1)
    rows = load_cases()
    print(f"{'split':8} {'n':>4} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4} "
          f"{'precision':>9} {'recall':>7} {'fp_rate':>7}")
    for split in ("dev", "holdout", "all"):
        subset = [r for r in rows if split == "all" or r[1] == split]
        c = confusion(subset)
        precision, recall, fp_rate = ratios(c)
        print(f"{split:8} {len(subset):>4} {c['TP']:>4} {c['FP']:>4} {c['FN']:>4} {c['TN']:>4} "
              f"{precision:>9.3f} {recall:>7.3f} {fp_rate:>7.3f}")
    catalog = synthetic_catalog()
    seconds = time_catalog()
    print(f"synthetic catalog: {len(catalog)} products, {sum(map(len, catalog))} chars, "
          f"checked in {seconds * 1000:.1f} ms")
    if "--errors" in argv:
        for label, split, sentence in rows:
            if split != "dev":
                continue
            findings = check_copy(sentence)
            if bool(findings) != (label == "claim"):
                print(f"\n[{label}] {sentence}")
                for f in findings:
                    print(f"    {f.severity} {f.category} {f.text!r}: {f.reason}")


if __name__ == "__main__":
    main(sys.argv[1:])
