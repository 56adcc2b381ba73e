"""Back-office catalog (managers only): products, variants, categories and the CSV files."""
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from shop import clock
from shop.backoffice import actor, bp, manager_required
from shop.backoffice import catalog_csv, catalog_media, csv_format, csv_uploads
from shop.backoffice import catalog_service as service
from shop.backoffice import product_list
from shop.backoffice.catalog_forms import (CategoryForm, ImportApplyForm, ImportUploadForm,
                                           PictureDeleteForm, PictureMoveForm,
                                           PictureUploadForm, ProductFilterForm, ProductForm,
                                           SpecsForm, VariantForm)
from shop.catalog import specs
from shop.catalog.media import image_url, upload_path
from shop.catalog.service import all_categories
from shop.forms import error_messages
from shop.rules.units import format_box
from shop.rules.warranty import DEFAULT_WARRANTY_BY_KIND, WARRANTY_KIND_LABELS, warranty_table


def _field_error(form, error: service.CatalogError) -> None:
    """Show a service's refusal next to the field it is about, else at the top."""
    field = getattr(form, error.field or "", None)
    if field is not None:
        field.errors.append(str(error))
    else:
        flash(str(error), "error")


def _by_field(findings) -> dict:
    """Claims-checker findings grouped by form field; features[2] becomes "Bullet 3"."""
    grouped = {}
    for finding in findings:
        name, _, index = finding.field.partition("[")
        where = f"Bullet {int(index.rstrip(']')) + 1}: " if index else ""
        grouped.setdefault(name, []).append((where, finding))
    return grouped


@bp.get("/products")
@manager_required
def products():
    form = ProductFilterForm(request.args)
    if not form.validate():
        abort(400, description=" ".join(error_messages(form)))
    categories = all_categories()
    listing = product_list.product_page(product_list.ProductFilters(
        q=form.q.data or "", status=form.status.data or "", brand=form.brand.data or "",
        category_ids=product_list.category_and_children(form.category.data, categories)
        if form.category.data else None, page=form.page.data or 1))
    if listing.page > 1 and not listing.rows:
        abort(404, description="That page is past the end of the list.")
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/catalog/products.html", form=form, listing=listing, args=args,
                           category_options=product_list.category_options(categories))


def _units() -> str:
    return specs.unit_system(current_app.config)


def _picture_form(product) -> PictureUploadForm:
    form = PictureUploadForm()
    form.variant_id.choices = [(0, "All variants")] + [
        (v.id, f"{v.sku}: {v.label}") for v in product.variants]
    return form


def _specs_form(product) -> SpecsForm:
    return SpecsForm(specs.attributes_for(product.category.spec_keys), _units(), product.specs)


def _media_context(product, picture_form=None, specs_form=None) -> dict:
    """The product page's gallery and specification sections (existing products only)."""
    if product is None:
        return {}
    rows = [{"picture": p, "thumb": image_url(upload_path(p.stem, p.widths[0], "jpg")),
             "variant": next((v for v in product.variants if v.id == p.variant_id), None)}
            for p in catalog_media.pictures(product.id)]
    return {"pictures": rows, "picture_form": picture_form or _picture_form(product),
            "specs_form": specs_form or _specs_form(product), "units": _units(),
            "box_line": lambda v: format_box(v.weight_g, (v.length_cm, v.width_cm,
                                                           v.height_cm), _units())}


def _product_form_page(form, product, refusal=None, status=None, **media):
    findings = service.review_product_copy(form.copy_values())
    if status is None:
        status = 400 if form.is_submitted() else 200
    return render_template(
        "admin/catalog/product_form.html", form=form, product=product, refusal=refusal,
        findings=_by_field(findings), to_review=any(f.severity == "review" for f in findings),
        warranty_defaults=[(WARRANTY_KIND_LABELS.get(kind, kind), warranty_table(terms))
                           for kind, terms in DEFAULT_WARRANTY_BY_KIND.items()],
        **_media_context(product, **media),
    ), status


def _product_form(product=None, stored: bool = False) -> ProductForm:
    """The product form, from the request, or (`stored`, or a GET) from the product."""
    form = ProductForm(formdata=None) if stored else ProductForm()
    form.category_id.choices = [(0, "Choose a category")] + product_list.category_options(
        all_categories())
    if product is not None and (stored or not form.is_submitted()):
        form.fill(product)
    return form


@bp.route("/products/new", methods=["GET", "POST"])
@manager_required
def product_new():
    form = _product_form()
    if form.validate_on_submit():
        try:
            product = service.create_product(form.values(), actor())
        except service.CatalogError as error:
            _field_error(form, error)
        else:
            flash(f"Draft saved: {product.name}. Add its variants, then publish it.", "success")
            return redirect(url_for("admin.product_edit", product_id=product.id), code=303)
    return _product_form_page(form, None)


SAVED = {
    "publish": "Published: {name} is live in the shop.",
    "unpublish": "Unpublished: {name} is a draft again, hidden from the shop.",
    "save": "Saved: {name}.",
}


@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
@manager_required
def product_edit(product_id):
    product = service.get_product(product_id) or abort(404)
    form = _product_form(product)
    if form.validate_on_submit():
        action = request.form.get("action", "save")
        try:
            service.update_product(product.id, form.values(), actor(), action,
                                   form.reviewed.data)
        except service.CopyRefused as refused:
            return _product_form_page(form, product, refusal=str(refused))
        except service.CatalogError as error:
            _field_error(form, error)
        else:
            flash(SAVED.get(action, SAVED["save"]).format(name=product.name), "success")
            return redirect(url_for("admin.product_edit", product_id=product.id), code=303)
    return _product_form_page(form, product)


def _back_to_pictures(product_id: int):
    return redirect(url_for("admin.product_edit", product_id=product_id) + "#pictures",
                    code=303)


@bp.post("/products/<int:product_id>/pictures")
@manager_required
def picture_add(product_id):
    """Upload a picture: checked to be a real image, resized, added last to the gallery."""
    product = service.get_product(product_id) or abort(404)
    form = _picture_form(product)
    if form.validate_on_submit():
        try:
            catalog_media.add_picture(product.id, form.image, form.alt.data,
                                      form.variant_id.data, actor(),
                                      current_app.config["UPLOAD_DIR"])
        except service.CatalogError as error:
            _field_error(form, error)
        else:
            flash("Picture added.", "success")
            return _back_to_pictures(product.id)
    if "csrf_token" in form.errors:
        abort(400, description=" ".join(error_messages(form)))
    return _product_form_page(_product_form(product, stored=True), product, status=400,
                              picture_form=form)


@bp.post("/products/<int:product_id>/pictures/<int:picture_id>/move")
@manager_required
def picture_move(product_id, picture_id):
    form = PictureMoveForm()
    if not form.validate():
        abort(400, description=" ".join(error_messages(form)))
    try:
        catalog_media.move_picture(product_id, picture_id, form.direction.data, actor())
    except LookupError:
        abort(404)
    except service.CatalogError as error:
        abort(409, description=str(error))
    return _back_to_pictures(product_id)


@bp.post("/products/<int:product_id>/pictures/<int:picture_id>/delete")
@manager_required
def picture_delete(product_id, picture_id):
    form = PictureDeleteForm()
    if not form.validate():
        abort(400, description=" ".join(error_messages(form)))
    try:
        catalog_media.delete_picture(product_id, picture_id, actor(),
                                     current_app.config["UPLOAD_DIR"])
    except LookupError:
        abort(404)
    flash("Picture deleted.", "success")
    return _back_to_pictures(product_id)


@bp.post("/products/<int:product_id>/specs")
@manager_required
def product_specs(product_id):
    """Save a product's specification values, typed in the shop's units."""
    product = service.get_product(product_id) or abort(404)
    form = _specs_form(product)
    if not form.validate():
        abort(400, description=" ".join(error_messages(form)))
    if not form.read(request.form):
        return _product_form_page(_product_form(product, stored=True), product, status=400,
                                  specs_form=form)
    catalog_media.update_specs(product.id, form.values(), actor())
    flash("Specifications saved.", "success")
    return redirect(url_for("admin.product_edit", product_id=product.id) + "#specs", code=303)


def _variant_page(form, product, variant=None):
    status = 400 if form.is_submitted() else 200
    return render_template("admin/catalog/variant_form.html", form=form, product=product,
                           variant=variant), status


@bp.route("/products/<int:product_id>/variants/new", methods=["GET", "POST"])
@manager_required
def variant_new(product_id):
    product = service.get_product(product_id) or abort(404)
    form = VariantForm(system=_units())
    if form.validate_on_submit():
        try:
            variant = service.create_variant(product.id, form.values(), actor())
        except service.CatalogError as error:
            _field_error(form, error)
        else:
            flash(f"Variant {variant.sku} added, with no stock yet.", "success")
            return redirect(url_for("admin.product_edit", product_id=product.id), code=303)
    return _variant_page(form, product)


@bp.route("/products/<int:product_id>/variants/<int:variant_id>", methods=["GET", "POST"])
@manager_required
def variant_edit(product_id, variant_id):
    variant = service.get_variant(product_id, variant_id) or abort(404)
    form = VariantForm(system=_units(), stored=variant)
    if not form.is_submitted():
        form.fill(variant)
    if form.validate_on_submit():
        try:
            service.update_variant(product_id, variant.id, form.values(), actor())
        except service.CatalogError as error:
            _field_error(form, error)
        else:
            flash(f"Variant {variant.sku} saved.", "success")
            return redirect(url_for("admin.product_edit", product_id=product_id), code=303)
    return _variant_page(form, variant.product, variant)


@bp.get("/categories")
@manager_required
def categories():
    rows = service.category_rows()
    names = {row.id: row.name for row in rows}
    return render_template("admin/catalog/categories.html", rows=rows, names=names,
                           kind_labels=WARRANTY_KIND_LABELS)


def _category_page(form, category, findings=(), refusal=None):
    findings = findings or service.review_category_copy(
        {"name": form.name.data or "", "description": form.description.data or ""})
    return render_template(
        "admin/catalog/category_form.html", form=form, category=category, refusal=refusal,
        findings=_by_field(findings), to_review=any(f.severity == "review" for f in findings),
    ), 400 if form.is_submitted() else 200


def _save_category(form, category):
    """Create or change a category from a valid form; a redirect, or the form with errors."""
    try:
        if category is None:
            category = service.create_category(form.values(), actor(), form.reviewed.data)
        else:
            service.update_category(category.id, form.values(), actor(), form.reviewed.data)
    except service.CopyRefused as refused:
        return _category_page(form, category, refused.findings, str(refused))
    except service.CatalogError as error:
        _field_error(form, error)
        return _category_page(form, category)
    flash(f"Category saved: {category.name}.", "success")
    return redirect(url_for("admin.categories"), code=303)


@bp.route("/categories/new", methods=["GET", "POST"])
@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@manager_required
def category_edit(category_id=None):
    category = None
    if category_id is not None:
        category = service.get_category(category_id) or abort(404)
    form = CategoryForm(obj=category)
    form.parent_id.choices = [(0, "None (top level)")] + [
        (c.id, c.name) for c in all_categories() if c.parent_id is None and c.id != category_id]
    if form.validate_on_submit():
        return _save_category(form, category)
    return _category_page(form, category)


@bp.get("/products/export.csv")
@manager_required
def products_export():
    filename = f"products-{clock.shop_today():%Y-%m-%d}.csv"
    return Response(catalog_csv.export_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _import_page(upload_form, plan=None, refusal=None, status=200):
    apply_form = ImportApplyForm(formdata=None, upload=plan.upload, preview=plan.digest) \
        if plan is not None else None
    return render_template("admin/catalog/import.html", form=upload_form, plan=plan,
                           apply_form=apply_form, refusal=refusal, columns=csv_format.COLUMNS,
                           ), status


@bp.route("/products/import", methods=["GET", "POST"])
@manager_required
def products_import():
    """Upload a CSV: a dry run that shows every row's errors and changes."""
    form = ImportUploadForm()
    if form.validate_on_submit():
        try:
            plan = catalog_csv.preview_import(
                form.file.data.stream.read(csv_format.MAX_CSV_BYTES + 1), current_user.id)
        except csv_format.CsvError as error:
            form.file.errors.append(str(error))
        else:
            return _import_page(form, plan)
    return _import_page(form, status=400 if form.is_submitted() else 200)


@bp.post("/products/import/apply")
@manager_required
def products_import_apply():
    """Apply a previewed CSV, kept since its upload, in one transaction, or change nothing."""
    form = ImportApplyForm()
    if not form.validate():
        abort(400, description=" ".join(error_messages(form)))
    try:
        plan = catalog_csv.apply_import(form.upload.data, form.preview.data, current_user.id,
                                        actor(), form.reviewed.data)
    except csv_format.CsvError as error:
        abort(400, description=str(error))
    except csv_uploads.UploadRefused as refused:
        abort(refused.status, description=str(refused))
    except catalog_csv.ImportRefused as refused:
        return _import_page(ImportUploadForm(formdata=None), refused.plan, str(refused),
                            409 if refused.stale else 400)
    flash(f"Import applied. Products: {plan.count('product', 'create')} created, "
          f"{plan.count('product', 'update')} updated. Variants: "
          f"{plan.count('variant', 'create')} created, {plan.count('variant', 'update')} "
          "updated.", "success")
    return redirect(url_for("admin.products"), code=303)
