"""Tests that shop.rules stays pure: standard library and shop.rules only, no hidden clock."""

import ast
import sys
from pathlib import Path

import pytest

RULES_DIR = Path(__file__).resolve().parents[2] / "shop" / "rules"
RULES_MODULES = sorted(RULES_DIR.rglob("*.py"))
OWN_PACKAGE = "shop.rules"
MY_MODULES = ["money.py", "shipping.py", "delivery.py", "warranty.py", "returns.py"]
CLOCK_METHODS = {"now", "utcnow", "today"}                  # datetime.now(), date.today()
CLOCK_FUNCTIONS = {"time", "time_ns", "monotonic", "perf_counter", "localtime", "gmtime"}


def foreign_imports(source: str) -> list[str]:
    """Modules imported by the source that are neither standard library nor shop.rules."""
    foreign = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module]
            if node.module == "shop":
                names = [f"shop.{alias.name}" for alias in node.names]
        else:
            continue  # relative imports stay inside shop.rules
        foreign += [name for name in names if not _allowed(name)]
    return foreign


def _allowed(module: str) -> bool:
    """True for standard library modules and shop.rules itself."""
    return (module.split(".")[0] in sys.stdlib_module_names
            or module == OWN_PACKAGE or module.startswith(OWN_PACKAGE + "."))


def clock_calls(source: str) -> list[str]:
    """Calls that read the clock: datetime.now(), date.today(), time.time(), ..."""
    tree = ast.parse(source)
    from_time = {alias.asname or alias.name for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module == "time"
                 for alias in node.names if alias.name in CLOCK_FUNCTIONS}
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and (
                func.attr in CLOCK_METHODS
                or (func.attr in CLOCK_FUNCTIONS and ast.unparse(func.value) == "time")):
            calls.append(ast.unparse(func))
        elif isinstance(func, ast.Name) and func.id in from_time:
            calls.append(func.id)
    return calls


def test_rules_package_has_modules_to_check():
    assert set(MY_MODULES) <= {path.name for path in RULES_MODULES}


@pytest.mark.parametrize("path", RULES_MODULES, ids=lambda path: path.name)
def test_rules_module_imports_only_stdlib_and_shop_rules(path):
    assert foreign_imports(path.read_text()) == []


@pytest.mark.parametrize("path", RULES_MODULES, ids=lambda path: path.name)
def test_rules_module_never_reads_the_clock(path):
    assert clock_calls(path.read_text()) == []


@pytest.mark.parametrize("source, foreign", [
    ("import flask", ["flask"]),
    ("from sqlalchemy.orm import Session", ["sqlalchemy.orm"]),
    ("import stripe as s, math", ["stripe"]),
    ("from shop import db", ["shop.db"]),
    ("from shop.catalog.models import Product", ["shop.catalog.models"]),
    ("import shop.payments.gateway", ["shop.payments.gateway"]),
    ("def f():\n    import requests", ["requests"]),
    ("import math, zoneinfo\nfrom datetime import date", []),
    ("from shop.rules.money import format_cents", []),
    ("from shop import rules", []),
    ("from . import money\nfrom .delivery import format_day", []),
])
def test_import_check_catches_anything_outside_stdlib_and_shop_rules(source, foreign):
    assert foreign_imports(source) == foreign


@pytest.mark.parametrize("source, calls", [
    ("datetime.now(timezone.utc)", ["datetime.now"]),
    ("date.today()", ["date.today"]),
    ("time.time()", ["time.time"]),
    ("import time\ntime.monotonic()", ["time.monotonic"]),
    ("from time import time as clock\nclock()", ["clock"]),
    ("datetime.datetime.now()", ["datetime.datetime.now"]),
    ("local.time() < config.cutoff", []),
    ("datetime.combine(day, config.cutoff)", []),
])
def test_clock_check_catches_hidden_now(source, calls):
    assert clock_calls(source) == calls


@pytest.mark.parametrize("name", MY_MODULES)
def test_rules_module_and_its_public_functions_have_docstrings(name):
    path = RULES_DIR / name
    tree = ast.parse(path.read_text())
    assert ast.get_docstring(tree), f"{path.name} has no module docstring"
    undocumented = [node.name for node in tree.body
                    if isinstance(node, (ast.FunctionDef, ast.ClassDef))
                    and not node.name.startswith("_") and not ast.get_docstring(node)]
    assert undocumented == []
