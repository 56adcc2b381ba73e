"""Behind a TLS proxy: the real client address and scheme, trusted hosts, the public address."""
import json
import logging
import subprocess
import sys

import pytest
from flask import url_for

from shop import create_app
from shop.config import (BASE_DIR, ProductionConfig, base_url_settings,
                         warn_about_production_settings)
from shop.extensions import limiter
from tests.helpers import csrf_token

PROXY = "10.0.0.7"  # the address every request arrives from when a proxy sits in front


def look_up_order(client, visitor: str) -> int:
    """One order lookup (not found: 404) by `visitor`, as forwarded by the proxy."""
    token = csrf_token(client, "/track")
    return client.post("/track", data={"number": "IO-AAAA-BBBB", "email": "a@example.com",
                                       "csrf_token": token},
                       headers={"X-Forwarded-For": visitor},
                       environ_base={"REMOTE_ADDR": PROXY}).status_code


@pytest.mark.parametrize("app_settings", [{"TRUSTED_PROXIES": 1,
                                           "RATE_LIMIT_ORDER_LOOKUP": "2 per minute"}])
def test_behind_a_trusted_proxy_each_visitor_has_their_own_rate_limit(app, client):
    limiter.reset()
    # given one visitor who used up their order lookups
    assert [look_up_order(client, "203.0.113.1") for _ in range(3)] == [404, 404, 429]
    # when another visitor, through the same proxy, looks an order up
    # then they are not refused for the first one's lookups
    assert look_up_order(client, "203.0.113.2") == 404


@pytest.mark.parametrize("app_settings", [{"RATE_LIMIT_ORDER_LOOKUP": "2 per minute"}])
def test_without_trusted_proxies_a_forwarded_for_header_changes_nothing(app, client):
    limiter.reset()
    # given a client that used up its lookups
    assert [look_up_order(client, "203.0.113.1") for _ in range(3)] == [404, 404, 429]
    # when it claims to be someone else, then it is still refused
    assert look_up_order(client, "203.0.113.99") == 429


@pytest.mark.parametrize("app_settings", [{"TRUSTED_PROXIES": 1}])
def test_behind_a_tls_proxy_links_are_https(app, client):
    # when the proxy says the visitor came over https
    response = client.get("/robots.txt", headers={"X-Forwarded-Proto": "https"},
                          environ_base={"REMOTE_ADDR": PROXY})
    # then absolute links the shop writes are https too
    assert "Sitemap: https://shop.test/sitemap.xml" in response.get_data(as_text=True)


@pytest.mark.parametrize("app_settings", [{"TRUSTED_HOSTS": ["shop.test", ".ironoak.example"]}])
def test_a_request_for_an_untrusted_host_is_400(app, client):
    # when requests arrive for the shop's names
    ours = client.get("/robots.txt")
    subdomain = client.get("/robots.txt", base_url="http://www.ironoak.example")
    # and for another name, on any page
    theirs = [client.get("/", base_url="http://evil.example"),
              client.get("/admin/", base_url="http://evil.example"),
              client.post("/cart/add", base_url="http://evil.example")]
    # then only the shop's names are served; the others get a plain 400
    assert (ours.status_code, subdomain.status_code) == (200, 200)
    assert [r.status_code for r in theirs] == [400, 400, 400]
    assert "does not answer to that host name" in theirs[0].get_data(as_text=True)


BASE_URL = {"SHOP_BASE_URL": "https://www.ironoak.example", "TRUSTED_PROXIES": 1}


@pytest.mark.parametrize("app_settings", [BASE_URL])
def test_links_built_outside_a_request_use_shop_base_url(app):
    # when a link is built with no request (a worker's email, a command)
    link = url_for("catalog.sitemap", _external=True)
    # then it is the public address
    assert link == "https://www.ironoak.example/sitemap.xml"


@pytest.mark.parametrize("app_settings", [BASE_URL])
def test_links_built_in_a_request_name_shop_base_url_whatever_host_was_used(app, client):
    # when the proxy forwards a request that reached it by another name
    response = client.get("/robots.txt", base_url="http://10.0.0.9:8000",
                          headers={"X-Forwarded-Proto": "https"},
                          environ_base={"REMOTE_ADDR": PROXY})
    # then the links in the page still name the public address
    assert "Sitemap: https://www.ironoak.example/sitemap.xml" in response.get_data(as_text=True)


def test_a_malformed_shop_base_url_is_refused_at_startup(tmp_path):
    with pytest.raises(RuntimeError, match="SHOP_BASE_URL"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
                    "SECRET_KEY": "x" * 64, "SHOP_BASE_URL": "www.ironoak.example"})


def test_proxy_host_and_session_settings_come_from_the_environment():
    # given the environment a deployment sets
    env = {"TRUSTED_PROXIES": "2", "TRUSTED_HOSTS": "shop.example, .shop.example ,",
           "SHOP_BASE_URL": "https://shop.example", "STAFF_SESSION_HOURS": "4"}
    # when a fresh process reads the configuration
    code = ("import json; from shop.config import Config as C; print(json.dumps("
            "[C.TRUSTED_PROXIES, C.TRUSTED_HOSTS, C.SHOP_BASE_URL, C.STAFF_SESSION_HOURS]))")
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=BASE_DIR,
                            capture_output=True, text=True, timeout=60)
    # then each setting is there
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [2, ["shop.example", ".shop.example"],
                                         "https://shop.example", 4]


def test_production_warns_loudly_when_rate_limits_live_in_each_workers_memory(
        monkeypatch, tmp_path, caplog):
    # given production with rate limits kept in memory
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "p" * 64)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/p.db")
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "memory://")
    monkeypatch.setattr(ProductionConfig, "SHOP_BASE_URL", "https://shop.example")
    # when the app starts
    with caplog.at_level(logging.WARNING):
        create_app(ProductionConfig)
    # then the log says so at startup
    assert any(r.levelno == logging.WARNING and "RATE LIMITS" in r.getMessage()
               and "REDIS_URL" in r.getMessage() for r in caplog.records)


def test_shared_rate_limit_storage_draws_no_warning(caplog):
    with caplog.at_level(logging.WARNING):
        warn_about_production_settings({"ENV_NAME": "production", "TRUSTED_PROXIES": 1,
                                        "RATELIMIT_STORAGE_URI": "redis://cache:6379/0",
                                        "SHOP_BASE_URL": "https://shop.example"})
    assert caplog.records == []


@pytest.mark.parametrize("address", ["", "http://shop.example", "shop.example",
                                     "ftp://shop.example"])
def test_production_refuses_to_start_without_an_https_shop_address(monkeypatch, tmp_path,
                                                                     address):
    # given production with a real key but no public https address: links in emails
    # (password resets among them) would come from the Host header a visitor sends
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "p" * 64)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/p.db")
    monkeypatch.setattr(ProductionConfig, "SHOP_BASE_URL", address)
    # when / then: the app refuses to start, saying what to set
    with pytest.raises(RuntimeError, match="SHOP_BASE_URL"):
        create_app(ProductionConfig)


@pytest.mark.parametrize("address", ["HTTPS://Shop.Example", " https://shop.example "])
def test_production_reads_the_shop_address_as_the_links_do(monkeypatch, tmp_path, address):
    # an https address in capitals or with spaces around it is the address links use
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "p" * 64)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/p.db")
    monkeypatch.setattr(ProductionConfig, "SHOP_BASE_URL", address)
    app = create_app(ProductionConfig)
    assert (app.config["PREFERRED_URL_SCHEME"], app.config["SERVER_NAME"]) == (
        "https", "shop.example")


@pytest.mark.parametrize("address", [
    "https://shop example.com", "https://*.example.com", "https://shop.example.com:port",
    "https://[::1", "https://shop.example.com\x00", "https://user:pw@shop.example.com",
    "https://:pw@shop.example.com", "https://@shop.example.com", "https://", "shop.example.com",
    "https://shop.example.com?x=1", "https://2130706433", "https://127.1", "https://999.1.1.1",
    "https://[::1]x", "https://[::1]:", "https://shop.example.com:", "https://shop.example.com:0",
    "https://shop.example.com:0443", "https://shop_internal", "https://shop.example.com/a b",
    "https://shop.example.com//evil.example", "https://shop.example.com/<x>"])
def test_a_malformed_shop_address_is_refused_with_a_clear_message(address):
    with pytest.raises(RuntimeError, match="SHOP_BASE_URL must look like"):
        base_url_settings(address)


@pytest.mark.parametrize("address, server_name, root", [
    ("https://shop.example.com", "shop.example.com", "/"),
    ("http://127.0.0.1:5000", "127.0.0.1:5000", "/"),
    ("https://Shop.Example.com/store/", "shop.example.com", "/store"),
    ("https://shop.example.com:443", "shop.example.com", "/"),
    ("https://shop.example.com:8443", "shop.example.com:8443", "/"),
    ("https://[::1]:8443", "[::1]:8443", "/"),
    ("https://bücher.example", "xn--bcher-kva.example", "/"),
    ("http://localhost:5000", "localhost:5000", "/")])
def test_a_well_formed_shop_address_is_taken(address, server_name, root):
    settings = base_url_settings(address)
    assert (settings["SERVER_NAME"], settings["APPLICATION_ROOT"]) == (server_name, root)
