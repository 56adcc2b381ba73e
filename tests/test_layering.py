"""The product stays free of its test tooling: nothing under shop/ imports the Stripe stand-in.

The stand-in is the top-level `standin/` package (localstripe on aiohttp, installed only
from requirements-standin.txt); the shop must build and run without any of it.
"""
import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHOP_DIR = PROJECT_ROOT / "shop"
SHOP_MODULES = sorted(SHOP_DIR.rglob("*.py"))
TOOLING = {"standin", "localstripe", "aiohttp"}
DYNAMIC_IMPORTS = {"importlib.import_module", "import_module", "__import__"}


def tooling_imports(source: str) -> list[str]:
    """Modules of the test tooling the source imports, anywhere (also inside functions)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module]
        elif (isinstance(node, ast.Call) and ast.unparse(node.func) in DYNAMIC_IMPORTS
              and node.args and isinstance(node.args[0], ast.Constant)):
            names = [str(node.args[0].value)]
        else:
            continue  # relative imports stay inside shop/
        found += [name for name in names if name.split(".")[0] in TOOLING]
    return found


def test_there_are_shop_modules_to_check():
    assert SHOP_DIR / "__init__.py" in SHOP_MODULES and len(SHOP_MODULES) > 20


@pytest.mark.parametrize("path", SHOP_MODULES, ids=lambda path: str(path.relative_to(SHOP_DIR)))
def test_no_shop_module_imports_the_stripe_standin(path):
    assert tooling_imports(path.read_text()) == []


def test_the_standin_lives_outside_the_shop_package():
    # the package sits beside shop/, and nothing of it (code or templates) stayed inside
    assert (PROJECT_ROOT / "standin" / "__main__.py").is_file()
    assert [p for p in SHOP_DIR.rglob("*") if "standin" in p.name.lower()] == []


@pytest.mark.parametrize("source, found", [
    ("import standin", ["standin"]),
    ("from standin.checkout import build_app", ["standin.checkout"]),
    ("import aiohttp.web as web, json", ["aiohttp.web"]),
    ("def f():\n    from localstripe import server", ["localstripe"]),
    ("importlib.import_module('standin')", ["standin"]),
    ("__import__('localstripe.resources')", ["localstripe.resources"]),
    ("import stripe\nfrom shop.payments import gateway", []),
    ("from . import standin", []),
    ("import standing_orders", []),
])
def test_the_check_catches_every_way_of_importing_the_tooling(source, found):
    assert tooling_imports(source) == found


def test_the_shop_builds_without_ever_asking_for_the_tooling(tmp_path):
    # given a fresh process that notes every attempt to import the tooling
    code = f"""
import importlib, json, pkgutil, sys
asked = []
class Watch:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {sorted(TOOLING)!r}:
            asked.append(name)
        return None
sys.meta_path.insert(0, Watch())
import wsgi, shop
for module in pkgutil.walk_packages(shop.__path__, "shop."):
    importlib.import_module(module.name)
print(json.dumps(asked))
"""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SHOP_", "STRIPE_", "FLASK_", "DATABASE_URL"))}
    env.update(SHOP_ENV="development", DATABASE_URL=f"sqlite:///{tmp_path / 'shop.db'}")
    # when it builds the app (wsgi) and imports every module of shop/
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    # then it works, and nothing ever asked for the stand-in, localstripe or aiohttp
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
