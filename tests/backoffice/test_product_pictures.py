"""Back-office product pictures: a manager uploads real images (checked and resized with
Pillow into WebP and JPEG sizes under UPLOAD_DIR), orders and deletes them; refusals are
clear 4xx answers that write nothing; the product page shows the change at once."""
import io
import os
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from shop.accounts.models import AuditEntry
from shop.backoffice import catalog_media
from shop.catalog.models import Product, ProductImage
from shop.extensions import db
from tests.factories import make_category, make_product
from tests.helpers import csrf_token


@pytest.fixture
def app_settings(tmp_path):
    return {"UPLOAD_DIR": str(tmp_path / "uploads")}


@pytest.fixture
def uploads(app):
    return app.config["UPLOAD_DIR"]


@pytest.fixture
def rack(app):
    category = make_category(name="Racks", slug="racks", warranty_kind="strength_machine")
    return make_product(category, name="Summit Rack", slug="summit-rack", variants=[
        {"sku": "RK-BLK", "option_name": "Colour", "option_value": "Black"},
        {"sku": "RK-RED", "option_name": "Colour", "option_value": "Red"}])


def image_bytes(size=(1200, 900), image_format="JPEG", colour=(200, 80, 20), noise=False):
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)) if noise \
        else Image.new("RGB", size, colour)
    out = io.BytesIO()
    image.save(out, image_format)
    return out.getvalue()


def upload(client, product, data, filename="my holiday.jpg", alt="The rack from the front",
           variant_id=0):
    page = f"/admin/products/{product.id}"
    response = client.post(f"{page}/pictures", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, page), "alt": alt, "variant_id": str(variant_id),
        "picture": (io.BytesIO(data), filename)})
    response.request.environ["wsgi.input"].close()  # large bodies are spooled to a file
    return response


def files_in(folder) -> list[str]:
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def gallery(html: str) -> str:
    return html[html.index('data-testid="gallery"'):html.index("</ul>", html.index(
        'data-testid="gallery"'))]


def stored_pictures(product_id) -> list[ProductImage]:
    db.session.expire_all()
    return catalog_media.pictures(product_id)


def test_a_real_image_is_resized_into_webp_and_jpeg_sizes_under_a_random_name(
        as_manager, rack, uploads):
    # when a manager uploads a 1200 x 900 JPEG
    response = upload(as_manager, rack, image_bytes())
    # then it is stored as WebP and JPEG at 320, 640 and 1024 px and its own 1200 px
    assert response.status_code == 303, response.get_data(as_text=True)
    [picture] = stored_pictures(rack.id)
    assert re.fullmatch(r"products/[0-9a-f]{32}", picture.stem)
    assert picture.widths == [320, 640, 1024, 1200]
    assert (picture.width, picture.height, picture.alt) == (1200, 900, "The rack from the front")
    stem = picture.stem.split("/")[1]
    assert files_in(os.path.join(uploads, "products")) == sorted(
        f"{stem}-{w}.{ext}" for w in (320, 640, 1024, 1200) for ext in ("jpg", "webp"))
    with Image.open(os.path.join(uploads, f"{picture.stem}-640.webp")) as small:
        assert (small.format, small.size) == ("WEBP", (640, 480))
    # and it is the product's card picture, with an audit row
    product = db.session.get(Product, rack.id)
    assert product.image_path == f"uploads/{picture.stem}-640.jpg"
    assert product.image_alt == "The rack from the front"
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "product_picture_added"))
    assert entry.actor == "mia.manager@example.com" and entry.after["stem"] == picture.stem


def test_the_uploaded_picture_is_served_from_upload_dir(as_manager, client, rack):
    upload(as_manager, rack, image_bytes(image_format="PNG"), filename="p.png")
    [picture] = stored_pictures(rack.id)
    response = client.get(f"/uploads/{picture.stem}-320.webp")
    response.close()  # the file it streams
    assert response.status_code == 200 and response.mimetype == "image/webp"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/uploads/../test.db").status_code == 404


@pytest.mark.parametrize("data, filename, message", [
    (b"this is text, not a picture\n" * 20, "photo.jpg", "not a JPEG, PNG or WebP image"),
    (image_bytes()[:200], "photo.jpg", "not a JPEG, PNG or WebP image"),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "photo.gif", "not a JPEG, PNG or WebP image"),
    (image_bytes((120, 90)), "tiny.jpg", "at least 200 pixels on each side"),
    (image_bytes((1400, 1300), "PNG", noise=True), "big.png", "larger than 5 MB"),
], ids=["text", "cut-short", "gif", "tiny", "too-large"])  # ids: the noise differs per process
def test_files_that_are_not_usable_images_are_refused_and_nothing_is_written(
        as_manager, rack, uploads, data, filename, message):
    response = upload(as_manager, rack, data, filename=filename)
    assert response.status_code == 400
    assert re.search(rf'id="picture-error">[^<]*{message}', response.get_data(as_text=True))
    assert stored_pictures(rack.id) == [] and files_in(uploads) == []
    assert db.session.get(Product, rack.id).image_path == "img/demo/racks.svg"


def test_alt_text_with_a_medical_claim_is_refused(as_manager, rack, uploads):
    response = upload(as_manager, rack, image_bytes(), alt="A rack that treats depression")
    assert response.status_code == 400
    assert re.search(r'id="alt-error">[^<]*Not added', response.get_data(as_text=True))
    assert stored_pictures(rack.id) == [] and files_in(os.path.join(uploads, "products")) == []


def test_a_variant_of_another_product_is_refused(as_manager, rack, uploads):
    other = make_product(slug="other")
    response = upload(as_manager, rack, image_bytes(), variant_id=other.variants[0].id)
    assert response.status_code == 400  # not one of the select's choices
    assert stored_pictures(rack.id) == []


def test_files_are_removed_again_when_the_change_fails(app, rack, uploads, monkeypatch):
    def failing_record(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(catalog_media, "record", failing_record)
    with pytest.raises(RuntimeError):
        catalog_media.add_picture(rack.id, Image.new("RGB", (800, 600)), "Front", None,
                                  "mia@example.com", uploads)
    assert files_in(os.path.join(uploads, "products")) == []
    assert db.session.scalar(select(func.count()).select_from(ProductImage)) == 0


def test_pictures_are_moved_and_the_first_one_is_the_card(as_manager, rack):
    upload(as_manager, rack, image_bytes(colour=(10, 10, 10)), alt="Front")
    upload(as_manager, rack, image_bytes(colour=(90, 90, 90)), alt="Side")
    front, side = stored_pictures(rack.id)
    page = f"/admin/products/{rack.id}"
    # when the second picture is moved up
    response = as_manager.post(f"{page}/pictures/{side.id}/move", data={
        "csrf_token": csrf_token(as_manager, page), "direction": "up"})
    # then it comes first and is the product's card picture
    assert response.status_code == 303
    assert [p.alt for p in stored_pictures(rack.id)] == ["Side", "Front"]
    assert db.session.get(Product, rack.id).image_alt == "Side"
    # and the first cannot move further up
    again = as_manager.post(f"{page}/pictures/{side.id}/move", data={
        "csrf_token": csrf_token(as_manager, page), "direction": "up"})
    assert again.status_code == 409


def test_a_deleted_picture_loses_its_row_and_its_files(as_manager, rack, uploads):
    upload(as_manager, rack, image_bytes(), alt="Front")
    [picture] = stored_pictures(rack.id)
    page = f"/admin/products/{rack.id}"
    response = as_manager.post(f"{page}/pictures/{picture.id}/delete",
                               data={"csrf_token": csrf_token(as_manager, page)})
    assert response.status_code == 303
    assert stored_pictures(rack.id) == []
    assert files_in(os.path.join(uploads, "products")) == []
    assert db.session.get(Product, rack.id).image_path == ""


def test_a_picture_of_another_product_is_404(as_manager, rack):
    upload(as_manager, rack, image_bytes())
    [picture] = stored_pictures(rack.id)
    other = make_product(slug="other")
    page = f"/admin/products/{other.id}"
    response = as_manager.post(f"{page}/pictures/{picture.id}/delete",
                               data={"csrf_token": csrf_token(as_manager, page)})
    assert response.status_code == 404
    assert len(stored_pictures(rack.id)) == 1


def test_staff_may_not_change_pictures(as_staff, rack, uploads):
    # given a picture (added by the service directly) and a member of staff with a token
    picture = catalog_media.add_picture(rack.id, Image.new("RGB", (800, 600)), "Front", None,
                                        "mia@example.com", uploads)
    token = csrf_token(as_staff, "/admin/password")
    base = f"/admin/products/{rack.id}/pictures"
    before = files_in(os.path.join(uploads, "products"))
    # when they post to each picture route
    responses = [
        as_staff.post(base, content_type="multipart/form-data", data={
            "csrf_token": token, "alt": "x", "variant_id": "0",
            "picture": (io.BytesIO(image_bytes()), "p.jpg")}),
        as_staff.post(f"{base}/{picture.id}/move", data={"csrf_token": token,
                                                         "direction": "down"}),
        as_staff.post(f"{base}/{picture.id}/delete", data={"csrf_token": token}),
    ]
    # then each is refused and nothing changed
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert [p.id for p in stored_pictures(rack.id)] == [picture.id]
    assert files_in(os.path.join(uploads, "products")) == before


def test_a_post_without_a_csrf_token_is_refused(as_manager, rack):
    response = as_manager.post(f"/admin/products/{rack.id}/pictures",
                               content_type="multipart/form-data", data={
                                   "alt": "x", "picture": (io.BytesIO(image_bytes()), "p.jpg")})
    assert response.status_code == 400
    assert stored_pictures(rack.id) == []


def test_a_new_picture_shows_on_the_cached_product_page_at_once(as_manager, client, rack):
    # given the product page was served (and cached) with the category drawing
    before = client.get("/products/summit-rack?sku=RK-BLK").get_data(as_text=True)
    assert "<picture>" not in before
    # when a manager uploads a picture of the product, then one for the red variant only
    upload(as_manager, rack, image_bytes(), alt="The rack")
    red = rack.variants[1]
    upload(as_manager, rack, image_bytes(colour=(200, 0, 0)), alt="The red rack",
           variant_id=red.id)
    shared, red_picture = stored_pictures(rack.id)
    # then the next requests show them: the red variant's first on its page, and only the
    # product's on the black variant's page
    red_page = gallery(client.get("/products/summit-rack?sku=RK-RED").get_data(as_text=True))
    black_page = gallery(client.get("/products/summit-rack?sku=RK-BLK").get_data(as_text=True))
    assert red_page.index(red_picture.stem) < red_page.index(shared.stem)
    assert f"/uploads/{shared.stem}-640.webp 640w" in black_page
    assert red_picture.stem not in black_page


def test_a_picture_taller_than_webp_allows_is_refused_not_a_server_error(as_manager, rack,
                                                                         uploads):
    # when a manager uploads a 300 x 17,000 PNG (4 megapixels, but too tall for WebP)
    response = upload(as_manager, rack, image_bytes(size=(300, 17_000), image_format="PNG"),
                      filename="strip.png")
    # then it is refused with a message, and nothing is kept
    assert response.status_code == 400
    assert "at most 16383 pixels" in response.get_data(as_text=True)
    assert stored_pictures(rack.id) == []
    assert files_in(os.path.join(uploads, "products")) == []


def test_a_picture_wider_than_the_largest_size_is_stored_once_per_width(as_manager, rack):
    # when a manager uploads a picture wider than the largest rendition
    response = upload(as_manager, rack, image_bytes(size=(2400, 1600)))
    # then each width is stored once
    assert response.status_code == 303
    [picture] = stored_pictures(rack.id)
    assert picture.widths == [320, 640, 1024, 1600]
