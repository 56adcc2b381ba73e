"""Back-office catalog (managers only): products, variants, categories and the CSV files."""
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from shop import clock
from shop.backoffice import actor, bp, manager_required
from shop.backoffice import catalog_csv, csv_format, csv_uploads
from shop.backoffice import catalog_service as service
from shop.backoffice import product_list
from shop.backoffice.catalog_forms import (CategoryForm, ImportApplyForm, ImportUploadForm,
                                           ProductFilterForm, ProductForm, VariantForm)
from shop.catalog.service import all_categories
from shop.forms import error_messages
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


def _product_form_page(form, product, refusal=None):
    findings = service.review_product_copy(form.copy_values())
    status = 400 if form.is_submitted() else 200
    return render_template(
        "admin/catalog/product_form.html", form=form, product=product, refusal=refusal,
        findings=_by_field(findings), to_review=any(f.severity == "review" for f in findings),
        warranty_defaults=[(WARRANTY_KIND_LABELS.get(kind, kind), warranty_table(terms))
                           for kind, terms in DEFAULT_WARRANTY_BY_KIND.items()],
    ), status


def _product_form(product=None) -> ProductForm:
    form = ProductForm()
    form.category_id.choices = [(0, "Choose a category")] + product_list.category_options(
        all_categories())
    if product is not None and not form.is_submitted():
        form.fill(product)
    return form


@bp.route("/products/new", methods=["GET", "POST"])
@manager_required
def product_new():
    form = _product_form()
    if form.validate_on_submit():
        try:
            product = service.create_product(form.values(), actor(), form.image_upload,
                                             current_app.static_folder)
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
                                   form.reviewed.data, form.image_upload,
                                   current_app.static_folder)
        except service.CopyRefused as refused:
            return _product_form_page(form, product, refusal=str(refused))
        except service.CatalogError as error:
            _field_error(form, error)
        else:
            flash(SAVED.get(action, SAVED["save"]).format(name=product.name), "success")
            return redirect(url_for("admin.product_edit", product_id=product.id), code=303)
    return _product_form_page(form, product)


def _variant_page(form, product, variant=None):
    status = 400 if form.is_submitted() else 200
    return render_template("admin/catalog/variant_form.html", form=form, product=product,
                           variant=variant), status


@bp.route("/products/<int:product_id>/variants/new", methods=["GET", "POST"])
@manager_required
def variant_new(product_id):
    product = service.get_product(product_id) or abort(404)
    form = VariantForm()
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
    form = VariantForm()
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
