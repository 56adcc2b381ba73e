"""Catalog CSV: export one row per variant; import with a dry-run preview, then apply all or nothing."""
import csv
import hashlib
import html
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from shop.accounts.models import AuditEntry
from shop.accounts.service import create_staff
from shop.backoffice import catalog_csv, catalog_service
from shop.backoffice.csv_format import COLUMNS
from shop.backoffice.models import CsvUpload
from shop.catalog import copy_review
from shop.catalog.models import Product, StockMovement, Variant
from shop.extensions import db
from shop.rules.copy_claims import Finding
from tests.backoffice.conftest import PASSWORD, sign_in
from tests.backoffice.test_catalog_admin import post_multipart
from tests.factories import make_category, make_product
from tests.helpers import csrf_token, flashes, outcome, run_concurrently


@pytest.fixture
def catalog(app):
    """Two categories, a published rack with two sizes and a draft bench without variants."""
    racks = make_category(name="Racks", slug="racks")
    make_category(name="Benches", slug="benches")
    make_product(racks, name="Power Rack", slug="power-rack", brand="Oakline",
                 short_description="A steel rack for squats and presses.", variants=[
                     {"sku": "RACK-S", "option_name": "Height", "option_value": "Short",
                      "price_cents": 59_900, "compare_at_cents": 69_900, "on_hand": 7},
                     {"sku": "RACK-T", "option_name": "Height", "option_value": "Tall",
                      "price_cents": 64_950, "on_hand": 2, "low_stock_threshold": 1}])
    bench = make_product(racks, name="Flat Bench", slug="flat-bench", status="draft")
    variant_id = bench.variants[0].id
    db.session.execute(delete(StockMovement).where(StockMovement.variant_id == variant_id))
    db.session.execute(delete(Variant).where(Variant.id == variant_id))
    db.session.commit()
    return racks


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def to_csv(rows: list[dict], columns=COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def row(**cells) -> dict:
    base = {"product_slug": "squat-stand", "name": "Squat Stand", "brand": "Oakline",
            "category_slug": "racks", "status": "draft",
            "short_description": "Two uprights for squats.", "sku": "STAND-1",
            "option_name": "", "option_value": "", "price": "299.00", "compare_at": "",
            "weight_g": "30000", "length_cm": "120", "width_cm": "40", "height_cm": "20",
            "low_stock_threshold": "2"}
    base.update(cells)
    return base


def preview(client, data: bytes, filename="products.csv"):
    url = "/admin/products/import"
    return post_multipart(client, url, {"csrf_token": csrf_token(client, url),
                                        "file": (io.BytesIO(data), filename)})


def apply_fields(preview_response) -> dict:
    """The hidden fields of the preview's Apply form, as a browser would send them."""
    page = preview_response.get_data(as_text=True)
    form = re.search(r'<form[^>]*action="/admin/products/import/apply".*?</form>', page, re.S)
    assert form, "no Apply form on the preview"
    data = {}
    for tag in re.findall(r"<input[^>]*>", form.group(0)):
        attrs = {k: html.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', tag)}
        if attrs.get("type") == "hidden":
            data[attrs["name"]] = attrs["value"]
    return data


def apply_from(client, preview_response, **extra):
    """Submit the preview's Apply form: its hidden fields plus `extra`."""
    return client.post("/admin/products/import/apply",
                       data={**apply_fields(preview_response), **extra})


def errors_by_row(response) -> dict:
    page = response.get_data(as_text=True)
    found = {}
    for number, cells in re.findall(r'<tr data-row="(\d+)"[^>]*>(.*?)</tr>', page, re.S):
        found[int(number)] = [html.unescape(e) for e in
                              re.findall(r'class="field-error">([^<]+)<', cells)]
    return {n: e for n, e in found.items() if e}


def snapshot():
    db.session.expire_all()
    return (db.session.execute(select(Product.slug, Product.name, Product.status,
                                      Product.short_description).order_by(Product.slug)).all(),
            db.session.execute(select(Variant.sku, Variant.price_cents, Variant.on_hand,
                                      Variant.weight_g).order_by(Variant.sku)).all())


# ---- export -------------------------------------------------------------------------------

def test_export_has_one_row_per_variant_with_dollar_prices(as_manager, catalog):
    response = as_manager.get("/admin/products/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff" + ",".join(COLUMNS) + "\r\n")
    rows = rows_of(text)
    assert [(r["product_slug"], r["sku"]) for r in rows] == [
        ("flat-bench", ""), ("power-rack", "RACK-S"), ("power-rack", "RACK-T")]
    short = rows[1]
    assert short["price"] == "599.00" and short["compare_at"] == "699.00"
    assert short["category_slug"] == "racks" and short["status"] == "published"
    assert rows[2]["price"] == "649.50" and rows[2]["compare_at"] == ""
    assert rows[2]["low_stock_threshold"] == "1" and rows[2]["weight_g"] == "5000"


def test_an_unchanged_export_imports_as_no_change(as_manager, catalog):
    exported = as_manager.get("/admin/products/export.csv").get_data()
    before = snapshot()
    response = preview(as_manager, exported)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Products: 0 to create, 0 to update, 2 unchanged." in page
    assert "Variants: 0 to create, 0 to update, 2 unchanged." in page
    assert apply_from(as_manager, response).status_code == 303
    assert snapshot() == before


def test_an_edited_export_round_trips_prices_and_keeps_stock(as_manager, catalog):
    rows = rows_of(as_manager.get("/admin/products/export.csv").get_data(as_text=True))
    rows[1]["price"] = "579.00"  # RACK-S
    rows[2]["weight_g"] = "61000"  # RACK-T
    rows[0]["name"] = "Flat Utility Bench"
    rows.append(row(product_slug="power-rack", name="Power Rack", status="published",
                    short_description="A steel rack for squats and presses.",
                    sku="RACK-X", option_name="Height", option_value="Extra tall",
                    price="699"))
    response = preview(as_manager, to_csv(rows))
    page = response.get_data(as_text=True)
    assert "Variants: 1 to create, 2 to update, 0 unchanged." in page
    assert "$599.00 &rarr; $579.00" in page

    response = apply_from(as_manager, response)
    assert response.status_code == 303
    assert "Variants: 1 created, 2 updated." in flashes(as_manager.get("/admin/products"))
    db.session.expire_all()
    skus = {v.sku: v for v in db.session.scalars(select(Variant))}
    assert skus["RACK-S"].price_cents == 57_900 and skus["RACK-S"].on_hand == 7
    assert skus["RACK-T"].weight_g == 61_000 and skus["RACK-T"].on_hand == 2
    assert skus["RACK-X"].on_hand == 0 and skus["RACK-X"].position == 2
    assert db.session.scalar(select(func.count()).select_from(StockMovement)
                             .where(StockMovement.variant_id == skus["RACK-X"].id)) == 0
    price_rows = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "variant_price_changed")).all()
    assert [(e.note, e.before, e.after) for e in price_rows] == [
        ("RACK-S", {"price_cents": 59_900}, {"price_cents": 57_900})]
    assert db.session.scalar(select(Product.name).where(Product.slug == "flat-bench")) \
        == "Flat Utility Bench"


def test_cells_that_look_like_formulas_are_defused_and_come_back(as_manager, catalog):
    product = db.session.scalar(select(Product).where(Product.slug == "power-rack"))
    product.short_description = "=HYPERLINK(\"http://evil.example\")"
    db.session.commit()
    text = as_manager.get("/admin/products/export.csv").get_data(as_text=True)
    assert rows_of(text)[1]["short_description"].startswith("'=HYPERLINK")
    response = preview(as_manager, text.encode())
    assert "Products: 0 to create, 0 to update, 2 unchanged." in response.get_data(as_text=True)


# ---- import: preview ------------------------------------------------------------------------

def test_the_preview_lists_each_rows_errors_and_changes_nothing(as_manager, catalog):
    before = snapshot()
    rows = [
        row(),                                                      # 2: fine
        row(product_slug="x-1", sku="X-1", category_slug="spaceships"),  # 3
        row(product_slug="x-2", sku="X-2", price="twelve"),          # 4
        row(product_slug="x-3", sku="STAND-1"),                      # 5: SKU of row 2
        row(product_slug="x-4", sku="X-4", name=""),                 # 6
        row(product_slug="x-5", sku="X-5",
            short_description="This bike treats depression."),     # 7
        row(product_slug="x-6", sku="RACK-S"),                       # 8: another product's SKU
        row(product_slug="x-7", sku="X-7", weight_g="0", status="live"),  # 9
        row(product_slug="x-8", sku="X-8", length_cm="²"),         # 10
    ]
    response = preview(as_manager, to_csv(rows))
    assert response.status_code == 200
    errors = errors_by_row(response)
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9, 10}
    assert errors[3] == ["category_slug: there is no category 'spaceships'."]
    assert errors[4] == ["price: 'twelve' must be an amount in dollars, like 150 or 99.99."]
    assert errors[5] == ["sku: STAND-1 is also on row 2."]
    assert errors[6] == ["name: missing."]
    assert errors[7][0].startswith("Blocked wording in short_description: “treats depression”")
    assert errors[8] == ["sku: RACK-S belongs to product power-rack."]
    assert errors[9] == ["status: 'live' must be draft or published.",
                         "weight_g: '0' must be a whole number from 1 to 2,000,000."]
    assert errors[10] == ["length_cm: '²' must be a whole number from 1 to 1,000."]
    page = response.get_data(as_text=True)
    assert "nothing can be imported until the file is fixed" in page
    assert "/admin/products/import/apply" not in page
    assert snapshot() == before


def test_rows_of_one_product_must_agree(as_manager, catalog):
    response = preview(as_manager, to_csv([
        row(), row(sku="STAND-2", name="Squat Stand II", status="published")]))
    assert errors_by_row(response) == {
        3: ["name, status differ from row 2 of the same product."]}


@pytest.mark.parametrize("data, message", [
    ("product_slug,name\nx,y\n".encode("utf-16"), "not UTF-8 text"),
    (b"\xff\xfe\x00garbage", "not UTF-8 text"),
    (b"slug,title,price\nrack,Rack,10\n", "The header row is missing these columns: "
                                          "product_slug, name"),
    (b"", "The file is empty."),
    (",".join(COLUMNS).encode() + b"\n\"unterminated\0", "NUL"),
    (b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
])
def test_a_file_that_is_not_a_usable_csv_gets_a_clear_400(as_manager, catalog, data, message):
    response = preview(as_manager, data)
    assert response.status_code == 400
    error = re.search(r'id="file-error">([^<]+)<', response.get_data(as_text=True))
    assert error and message in html.unescape(error.group(1))


def test_the_import_page_needs_a_file(as_manager):
    url = "/admin/products/import"
    response = as_manager.post(url, data={"csrf_token": csrf_token(as_manager, url)})
    assert response.status_code == 400
    assert "Choose a CSV file." in response.get_data(as_text=True)


# ---- import: apply ------------------------------------------------------------------------

def test_apply_creates_drafts_and_publishes_only_clean_rows_that_ask(as_manager, catalog):
    response = preview(as_manager, to_csv([
        row(),
        row(product_slug="wall-ball", name="Wall Ball", category_slug="benches",
            status="published", sku="BALL-9", price="49.5", low_stock_threshold=""),
    ]))
    assert errors_by_row(response) == {}
    assert apply_from(as_manager, response).status_code == 303
    db.session.expire_all()
    stand = db.session.scalar(select(Product).where(Product.slug == "squat-stand"))
    ball = db.session.scalar(select(Product).where(Product.slug == "wall-ball"))
    assert stand.status == "draft" and ball.status == "published"
    assert ball.variants[0].price_cents == 4_950 and ball.variants[0].low_stock_threshold == 3
    assert stand.variants[0].on_hand == 0 and stand.variants[0].low_stock_threshold == 2
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("product_created") == 2 and actions.count("variant_created") == 2
    assert actions.count("product_published") == 1 and actions[-1] == "catalog_imported"
    assert as_manager.get("/products/wall-ball").status_code == 200


def test_a_row_publishing_a_product_without_a_variant_is_an_error(as_manager, catalog):
    # given the draft Flat Bench, which has no variant; listings and search rely on every
    # published product having one (shop/catalog/service.py, search.py)
    before = snapshot()
    # when a file publishes it with a product row and no variant
    no_variant = {name: "" for name in ("sku", "option_name", "option_value", "price",
                                        "compare_at", "weight_g", "length_cm", "width_cm",
                                        "height_cm", "low_stock_threshold")}
    response = preview(as_manager, to_csv([row(product_slug="flat-bench", name="Flat Bench",
                                                status="published", **no_variant)]))
    # then the row is refused and nothing changes
    assert errors_by_row(response) == {
        2: ["status: a published product needs at least one variant."]}
    assert snapshot() == before


def test_a_published_row_with_blocked_copy_is_an_error(as_manager, catalog):
    response = preview(as_manager, to_csv([row(
        status="published", short_description="Medically approved to treat anxiety.")]))
    assert 2 in errors_by_row(response)
    assert db.session.scalar(select(func.count()).select_from(Product)) == 2


def test_apply_changes_nothing_if_any_write_fails(as_manager, catalog, monkeypatch):
    response = preview(as_manager, to_csv([
        row(), row(product_slug="b", sku="B-1"), row(product_slug="c", sku="C-1")]))
    before = snapshot()
    calls = []

    def failing_record(*args, **kwargs):
        calls.append(args)
        if len(calls) == 4:
            raise RuntimeError("disk full")
        return real_record(*args, **kwargs)

    real_record = catalog_service.record
    monkeypatch.setattr(catalog_service, "record", failing_record)
    with pytest.raises(RuntimeError):
        apply_from(as_manager, response)
    assert len(calls) == 4
    assert snapshot() == before
    assert db.session.scalars(select(AuditEntry.action)
                              .where(AuditEntry.action != "staff_created")).all() == []
    # the upload is not marked applied: the same preview can still be applied
    assert db.session.scalar(select(CsvUpload.applied_at)) is None


def test_apply_is_refused_when_the_catalog_changed_since_the_preview(as_manager, catalog):
    response = preview(as_manager, to_csv([row(product_slug="power-rack", name="Power Rack",
                                               status="published", sku="RACK-S", price="550")]))
    variant = db.session.scalar(select(Variant).where(Variant.sku == "RACK-S"))
    variant.price_cents = 61_000  # another manager changed it meanwhile
    db.session.commit()
    refused = apply_from(as_manager, response)
    assert refused.status_code == 409
    assert "The catalog changed since the preview" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Variant, variant.id).price_cents == 61_000
    # the fresh preview can be applied
    assert apply_from(as_manager, refused).status_code == 303
    db.session.expire_all()
    assert db.session.get(Variant, variant.id).price_cents == 55_000


def test_apply_imports_the_stored_file_whatever_the_form_carries(as_manager, catalog):
    # given a previewed file
    response = preview(as_manager, to_csv([row()]))
    # when the apply form also carries a tampered copy of the file, as the old form did
    applied = apply_from(as_manager, response, csv_text=to_csv([row(price="-5")]).decode())
    # then the stored file is imported, not what was posted
    assert applied.status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(Variant.price_cents).where(Variant.sku == "STAND-1")) \
        == 29_900


def test_publishing_review_flagged_copy_by_import_needs_the_tick(as_manager, catalog,
                                                                 monkeypatch):
    real = copy_review.check_all

    def check(text, facts=None):
        extra = [Finding("review", "other", 0, 4, text[:4], "reads like a promise",
                         "Say what it does.")] if "calm" in text else []
        return list(real(text, facts)) + extra

    monkeypatch.setattr(copy_review, "check_all", check)
    response = preview(as_manager, to_csv([row(status="published",
                                               short_description="A calm, solid stand.")]))
    page = response.get_data(as_text=True)
    assert "Flagged for review in short_description" in page
    refused = apply_from(as_manager, response)
    assert refused.status_code == 400 and "tick" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Product)) == 2
    assert apply_from(as_manager, response, reviewed="y").status_code == 303
    assert db.session.scalar(select(Product.status).where(Product.slug == "squat-stand")) \
        == "published"


def test_a_large_file_stays_on_the_server_and_the_apply_form_posts_its_digest(
        as_manager, catalog, manager_user):
    # given a file of about 700 kB: 120 rows with a long ignored column
    columns = COLUMNS + ("supplier_notes",)
    rows = [row(product_slug=f"plate-{i}", name=f"Plate {i} “iron”", sku=f"PLATE-{i}",
                supplier_notes="é & <b>" * 700) for i in range(120)]
    data = to_csv(rows, columns)
    assert len(data) > 600_000
    # when it is previewed
    response = preview(as_manager, data)
    # then the file is kept in the database under its digest, for this manager
    page = response.get_data(as_text=True)
    assert "Ignored columns: supplier_notes." in page and "csv_text" not in page
    fields = apply_fields(response)
    assert set(fields) == {"csrf_token", "upload", "preview"}
    stored = db.session.get(CsvUpload, (fields["upload"], manager_user.id))
    text = data.decode().replace("\r\n", "\n")  # kept with line ends made plain
    assert stored.text == text and stored.applied_at is None
    assert fields["upload"] == hashlib.sha256(text.encode()).hexdigest()
    # and applying it posts a few hundred bytes and imports every row intact
    assert apply_from(as_manager, response).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Product)) == 122
    assert db.session.scalar(select(Product.name).where(Product.slug == "plate-7")) \
        == "Plate 7 “iron”"


# ---- import: the stored upload ----------------------------------------------------------

def test_applying_an_unknown_upload_gets_400_upload_again(as_manager, catalog):
    # given a preview whose upload digest is swapped for one the server never stored
    response = preview(as_manager, to_csv([row()]))
    before = snapshot()
    # when it is applied
    refused = apply_from(as_manager, response, upload="0" * 64)
    # then 400 says to upload the file again, and nothing changed
    assert refused.status_code == 400
    assert "upload the file again" in refused.get_data(as_text=True)
    assert snapshot() == before


def test_applying_an_upload_older_than_a_day_gets_400_upload_again(as_manager, catalog):
    # given a preview whose upload is a day and a minute old
    response = preview(as_manager, to_csv([row()]))
    upload = db.session.scalar(select(CsvUpload))
    upload.created_at -= timedelta(days=1, minutes=1)
    db.session.commit()
    before = snapshot()
    # when it is applied
    refused = apply_from(as_manager, response)
    # then 400 says to upload the file again, and nothing changed
    assert refused.status_code == 400
    assert "upload the file again" in refused.get_data(as_text=True)
    assert snapshot() == before


def test_uploads_older_than_a_day_are_dropped_on_the_next_upload(as_manager, catalog):
    # given an upload from yesterday
    preview(as_manager, to_csv([row()]))
    old = db.session.scalar(select(CsvUpload))
    old.created_at -= timedelta(days=1, minutes=1)
    old_digest = old.digest
    db.session.commit()
    # when another file is uploaded
    response = preview(as_manager, to_csv([row(sku="STAND-2")]))
    # then only the new one is kept
    db.session.expire_all()
    assert db.session.scalars(select(CsvUpload.digest)).all() == [
        apply_fields(response)["upload"]]
    assert old_digest != apply_fields(response)["upload"]


def test_applying_the_same_preview_twice_imports_once(as_manager, catalog):
    # given a previewed file that matches the catalog already, applied once
    response = preview(as_manager, as_manager.get("/admin/products/export.csv").get_data())
    assert apply_from(as_manager, response).status_code == 303
    # when the same preview is applied again (a second tab, a double click)
    again = apply_from(as_manager, response)
    # then it is refused with 409 and the import is recorded once
    assert again.status_code == 409
    assert "already imported" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "catalog_imported")) == 1


def test_two_applies_of_one_preview_at_once_import_it_once(app, backend, as_manager, catalog,
                                                            manager_user):
    if backend != "postgresql":
        pytest.skip("real concurrency is tested against PostgreSQL")
    # given a previewed file that matches the catalog already
    fields = apply_fields(preview(as_manager,
                                  as_manager.get("/admin/products/export.csv").get_data()))
    uploader_id, email = manager_user.id, manager_user.email

    def apply():
        return catalog_csv.apply_import(fields["upload"], fields["preview"], uploader_id,
                                        email, False)

    # when two workers apply it at the same moment
    outcomes = [outcome(result) for result in run_concurrently(app, [apply, apply])]
    # then one imports it and the other is told it was already imported
    assert sorted(outcomes) == ["UploadApplied", "done"]
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "catalog_imported")) == 1


def test_uploading_the_file_again_lets_it_be_applied_again(as_manager, catalog):
    # given a file imported once
    exported = as_manager.get("/admin/products/export.csv").get_data()
    assert apply_from(as_manager, preview(as_manager, exported)).status_code == 303
    # when it is uploaded and previewed again, then it can be applied again
    assert apply_from(as_manager, preview(as_manager, exported)).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "catalog_imported")) == 2


def test_only_the_manager_who_uploaded_a_file_may_apply_it(app, as_manager, catalog):
    # given a file one manager previewed
    response = preview(as_manager, to_csv([row()]))
    fields = apply_fields(response)
    before = snapshot()
    # when another manager posts its Apply form with a valid CSRF token of their own
    other = sign_in(app.test_client(), create_staff("max.manager@example.com", PASSWORD,
                                                    "manager", "Max"))
    token = csrf_token(other, "/admin/products/import")
    refused = other.post("/admin/products/import/apply",
                         data={**fields, "csrf_token": token})
    # then 403, and nothing changed
    assert refused.status_code == 403
    assert "Only the manager who uploaded this file" in refused.get_data(as_text=True)
    assert snapshot() == before
    assert db.session.scalar(select(CsvUpload.applied_at)) is None


def test_staff_cannot_apply_a_managers_upload(app, as_manager, catalog, staff_user):
    # given a file a manager previewed
    fields = apply_fields(preview(as_manager, to_csv([row()])))
    before = snapshot()
    # when a member of staff posts its Apply form with a valid CSRF token of their own
    staff = sign_in(app.test_client(), staff_user)
    refused = staff.post("/admin/products/import/apply",
                         data={**fields, "csrf_token": csrf_token(staff, "/admin/")})
    # then the manager-only guard refuses it with 403, and nothing changed
    assert refused.status_code == 403
    assert "Only a manager can do that." in refused.get_data(as_text=True)
    assert snapshot() == before
    assert db.session.scalar(select(CsvUpload.applied_at)) is None
