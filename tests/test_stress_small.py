"""The load run in its small, bounded form: real gunicorn workers, real HTTP, invariants hold.

`make stress` runs the same script with many more buyers.
"""
import shutil

import pytest

from loadtest import stress


@pytest.mark.skipif(shutil.which("gunicorn") is None and not stress.ROOT.joinpath(
    ".venv/bin/gunicorn").exists(), reason="gunicorn is not installed")
def test_racing_buyers_never_oversell_and_the_ledger_adds_up(capsys):
    code = stress.main(["--buyers", "16", "--units", "3", "--workers", "3", "--concurrency", "8",
                        "--staff-rounds", "6", "--seconds", "90"])
    report = capsys.readouterr().out
    assert "RESULT: all invariants hold" in report, report
    assert code == 0
