"""The gym-equipment storefront: `create_app` builds the Flask application."""
import os
from datetime import timedelta

from flask import Flask, render_template
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

import shop.models  # noqa: F401  (every table registered before migrations look)
from shop import commands, request_log, security, static_assets, templating, web_cache
from shop.cart.views import bp as cart_bp
from shop.catalog.media_views import bp as media_bp
from shop.catalog.views import bp as catalog_bp
from shop.checkout.views import bp as checkout_bp
from shop.config import (BASE_DIR, base_url_settings, check_production_settings,
                         config_from_environment, warn_about_production_settings)
from shop.database import tune_connections
from shop.accounts.sessions import load_staff
from shop.accounts.views import bp as accounts_bp
from shop.accounts.customers.order_views import bp as customer_bp
from shop.backoffice.views import bp as admin_bp
from shop.extensions import csrf, db, limiter, login_manager, mail, migrate
from shop.health import bp as health_bp
from shop.orders.views import bp as orders_bp
from shop.pages.views import bp as pages_bp
from shop.rate_limits import check_limited_views, check_rate_limits
from shop.engagement.views import bp as engagement_bp
from shop.reviews.views import bp as reviews_bp


def create_app(config=None) -> Flask:
    """Build the app from the environment's config class, then apply `config` overrides.

    `config` may be a config class or a mapping of settings (tests pass a mapping).
    """
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
        instance_path=str(BASE_DIR / "instance"),
    )
    if isinstance(config, type):
        app.config.from_object(config)
    else:
        app.config.from_object(config_from_environment())
        if config:
            app.config.from_mapping(config)
    check_production_settings(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    finish_config(app)
    warn_about_production_settings(app.config)

    request_log.init_app(app)  # first: its after_request then runs last, with the final status
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    templating.register(app)  # after the blueprints: the admin menu lists what exists
    security.register(app)
    # after the app's other checks (CSRF among them: a forged POST uses up no tries), but
    # before a blueprint's own (the back office's staff check), as Flask runs app hooks first
    app.before_request(check_rate_limits)
    check_limited_views(app)
    commands.register(app)
    return app


def finish_config(app: Flask) -> None:
    """Settings worked out from others: the secret key, session length, public address, proxies."""
    config = app.config
    if not config.get("SECRET_KEY"):  # development only: production refused this already
        config["SECRET_KEY"] = security.secret_key_from_file(config["SECRET_KEY_FILE"])
    config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=config["STAFF_SESSION_HOURS"])
    if config.get("SHOP_BASE_URL"):
        config.update(base_url_settings(config["SHOP_BASE_URL"]))
    proxies = config.get("TRUSTED_PROXIES", 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies,
                                x_port=proxies)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        tune_connections(db.engine)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_staff)
    web_cache.init_app(app)
    static_assets.init_app(app)


def register_blueprints(app: Flask) -> None:
    for blueprint in (catalog_bp, cart_bp, checkout_bp, orders_bp, pages_bp, accounts_bp,
                      admin_bp, health_bp, engagement_bp, reviews_bp, customer_bp, media_bp):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    def render_http_error(error: HTTPException):
        return render_template("errors/error.html", error=error), error.code

    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, render_http_error)

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        """A Host outside TRUSTED_HOSTS: a plain 400, as no link may be built for that host."""
        return "Bad request: this site does not answer to that host name.\n", 400, \
            {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(DataError)
    def unstorable_text(error):
        """The last net for text PostgreSQL cannot hold (NUL characters): 400, nothing saved.

        Customer forms never get here (shop.security refuses NUL first); a back-office form
        without its own field check does.
        """
        db.session.rollback()
        if "NUL" not in str(error.orig):
            raise error
        return render_template("errors/nul_input.html", fields=["A field"]), 400

    @app.errorhandler(500)
    def internal_error(error):
        db.session.rollback()
        return render_template("errors/error.html", error=error, server_error=True), 500
