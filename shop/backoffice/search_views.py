"""Search synonyms for staff: the list, adding one, deleting one (staff role is enough:
synonyms change what search finds, never prices, stock or orders)."""
from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from shop.backoffice import actor, bp
from shop.catalog import search
from shop.forms import NO_NUL, first_error, strip
from shop.security import MAX_DATABASE_INT


class SynonymForm(FlaskForm):
    term = StringField("Shoppers type", filters=[strip],
                       validators=[DataRequired(), Length(max=80), NO_NUL])
    replacement = StringField("Also search for", filters=[strip],
                              validators=[DataRequired(), Length(max=200), NO_NUL])


class DeleteSynonymForm(FlaskForm):
    synonym_id = IntegerField("Synonym", validators=[DataRequired(),
                                                     NumberRange(min=1, max=MAX_DATABASE_INT)])


@bp.get("/search-synonyms")
def search_synonyms(form=None, status=200):
    return render_template("admin/search_synonyms.html", synonyms=search.synonym_rows(),
                           form=form or SynonymForm(formdata=None),
                           delete_form=DeleteSynonymForm(formdata=None)), status


@bp.post("/search-synonyms")
def search_synonym_add():
    form = SynonymForm()
    if not form.validate():
        flash(first_error(form), "error")
        return search_synonyms(form, 400)
    added, message = search.add_synonym(form.term.data, form.replacement.data, actor())
    flash(message, "success" if added else "error")
    if not added:
        return search_synonyms(form, 400)
    return redirect(url_for("admin.search_synonyms"), 303)


@bp.post("/search-synonyms/delete")
def search_synonym_delete():
    form = DeleteSynonymForm()
    if not form.validate():
        flash("Pick a synonym to delete.", "error")
        return search_synonyms(status=400)
    if not search.delete_synonym(form.synonym_id.data, actor()):
        flash("That synonym was already gone.", "error")
        return search_synonyms(status=404)
    flash("Synonym deleted.", "success")
    return redirect(url_for("admin.search_synonyms"), 303)
