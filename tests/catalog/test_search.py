"""Search by words: stems, category names, every word, synonyms staff edit, typos, empty pages."""
import re

import pytest
from sqlalchemy import func, select

from shop.accounts.models import AuditEntry
from shop.catalog import search
from shop.catalog.models import SearchSynonym
from shop.catalog.service import ListingFilters
from shop.extensions import db
from shop.web_cache import versions
from tests.backoffice.conftest import manager_user, sign_in, staff_user  # noqa: F401
from tests.factories import make_category, make_product
from tests.helpers import csrf_token, flashes, run_concurrently


def names_on(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r"<h3>([^<]+)</h3>", response.get_data(as_text=True))


@pytest.fixture
def shop_floor(app):
    strength = make_category(name="Strength", slug="strength")
    racks = make_category(name="Power Racks & Rigs", slug="racks", parent=strength)
    benches = make_category(name="Benches", slug="benches", parent=strength)
    make_product(racks, name="Summit Cage", brand="Ironforge", slug="summit")
    make_product(racks, name="Open Stand", brand="Northline", slug="open")
    make_product(benches, name="Flat Bench", brand="Oakridge", slug="flat",
                 long_description="Pairs with any power rack.")
    make_product(benches, name="Curl Attachment", brand="Oakridge", slug="curl",
                 short_description="Clips onto benches.")
    return racks


def test_plurals_find_their_stem_and_the_category_name_finds_its_products(client, shop_floor):
    # when a shopper types plurals and the category's words
    # then the products of "Power Racks & Rigs" are listed, though their names say nothing
    assert sorted(names_on(client.get("/search?q=power+racks"))) == ["Flat Bench", "Open Stand",
                                                                      "Summit Cage"]
    # and a name match ranks above a description or category-only match
    assert names_on(client.get("/search?q=benches"))[0] == "Flat Bench"


def test_every_word_must_match_and_the_brand_counts(client, shop_floor):
    assert names_on(client.get("/search?q=ironforge+racks")) == ["Summit Cage"]
    assert names_on(client.get("/search?q=ironforge+bench")) == []


def test_renaming_a_category_reindexes_its_products(client, shop_floor):
    # given products found by their category's name
    assert "Open Stand" in names_on(client.get("/search?q=rigs"))
    # when the category is renamed
    shop_floor.name = "Squat Cages"
    db.session.commit()
    versions.catalog_changed()
    # then the new name finds them and the old one does not
    assert sorted(names_on(client.get("/search?q=squat"))) == ["Open Stand", "Summit Cage"]
    assert names_on(client.get("/search?q=rigs")) == []


def test_a_typo_is_corrected_and_the_page_says_so(client, shop_floor):
    response = client.get("/search?q=sumit")
    assert names_on(response) == ["Summit Cage"]
    assert "Showing results for &ldquo;<strong>summit</strong>&rdquo;" in \
        response.get_data(as_text=True)


def test_known_words_that_match_nothing_together_are_checked_in_one_statement(
        app, shop_floor, count_statements):
    # when a shopper types two words the catalog holds, but never on one product
    with count_statements() as statements:
        result = search.search_products("ironforge bench", ListingFilters(), 24, synonyms=[])
    # then nothing is listed or "corrected", and the words cost one look-up together
    assert result.listing.total == 0 and not result.corrected
    assert len(statements) == 2  # the matches per brand; which of the words the index holds


def test_no_result_shows_the_categories_and_a_hint(client, shop_floor):
    html = client.get("/search?q=zzzzqqq").get_data(as_text=True)
    assert "Nothing matches" in html and 'href="/categories/racks"' in html.replace(
        "http://shop.test", "")


def test_the_categories_shown_when_nothing_matches_follow_a_rename(client, shop_floor):
    # given an empty result page listed the categories
    assert "Power Racks &amp; Rigs" in client.get("/search?q=zzzzqqq").get_data(as_text=True)
    # when a category is renamed (the catalog version moves)
    shop_floor.name = "Squat Cages"
    db.session.commit()
    versions.catalog_changed()
    # then the next empty result page, whatever its words, lists the new name
    html = client.get("/search?q=qqqqzzz").get_data(as_text=True)
    assert "Squat Cages" in html and "Power Racks" not in html


@pytest.mark.parametrize("query", ["%", "_", '"', "AND OR NOT", "rack*", "(", "a:b", "the"])
def test_operators_and_punctuation_are_just_text(client, shop_floor, query):
    assert client.get("/search", query_string={"q": query}).status_code == 200


def test_overlong_search_is_400(client, shop_floor):
    assert client.get("/search?q=" + "a" * 101).status_code == 400


def test_a_synonym_staff_add_changes_what_search_finds(client, shop_floor, staff_user):
    # given nothing is called a "cage rack" yet
    assert names_on(client.get("/search?q=squat+cage")) == []
    # when a member of staff adds a synonym with a valid CSRF token
    sign_in(client, staff_user)
    token = csrf_token(client, "/admin/search-synonyms")
    response = client.post("/admin/search-synonyms", data={
        "term": "Squat Cage", "replacement": "summit, stand", "csrf_token": token})
    # then it is stored, and search finds what its alternatives find
    assert response.status_code == 303
    assert db.session.scalar(select(SearchSynonym.replacement).where(
        SearchSynonym.term == "squat cage")) == "summit, stand"
    assert sorted(names_on(client.get("/search?q=squat+cage"))) == ["Open Stand", "Summit Cage"]


def test_a_synonym_can_be_deleted_and_a_taken_term_is_refused(client, shop_floor, manager_user):
    sign_in(client, manager_user)
    token = csrf_token(client, "/admin/search-synonyms")
    client.post("/admin/search-synonyms", data={"term": "cage", "replacement": "stand",
                                                "csrf_token": token})
    again = client.post("/admin/search-synonyms", data={"term": "cage", "replacement": "x",
                                                        "csrf_token": token})
    assert again.status_code == 400
    synonym = db.session.scalar(select(SearchSynonym))
    assert synonym.replacement == "stand"
    assert "Open Stand" in names_on(client.get("/search?q=cage"))
    response = client.post("/admin/search-synonyms/delete", data={
        "synonym_id": synonym.id, "csrf_token": token})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(SearchSynonym)) is None
    assert "Open Stand" not in names_on(client.get("/search?q=cage"))


def test_a_synonym_id_beyond_a_database_integer_is_refused_not_crashed(client, shop_floor,
                                                                       manager_user):
    # given a synonym, when a manager's form posts an id no PostgreSQL integer holds
    sign_in(client, manager_user)
    token = csrf_token(client, "/admin/search-synonyms")
    client.post("/admin/search-synonyms", data={"term": "cage", "replacement": "stand",
                                                "csrf_token": token})
    response = client.post("/admin/search-synonyms/delete", data={
        "synonym_id": "99999999999", "csrf_token": token})
    # then a clear 400 (not the database's error as a 500), and nothing was deleted
    assert response.status_code == 400
    assert "Pick a synonym to delete." in flashes(response)
    assert db.session.scalar(select(func.count()).select_from(SearchSynonym)) == 1


def test_anonymous_visitors_cannot_add_synonyms(client, shop_floor):
    token = csrf_token(client, "/admin/login")
    response = client.post("/admin/search-synonyms", data={
        "term": "cage", "replacement": "stand", "csrf_token": token})
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    assert db.session.scalar(select(SearchSynonym)) is None


def test_a_synonym_without_words_is_a_clear_400(client, shop_floor, staff_user):
    sign_in(client, staff_user)
    token = csrf_token(client, "/admin/search-synonyms")
    response = client.post("/admin/search-synonyms", data={
        "term": "!!", "replacement": "stand", "csrf_token": token})
    assert response.status_code == 400 and "letters or digits" in response.get_data(as_text=True)
    assert db.session.scalar(select(SearchSynonym)) is None


def test_staff_adding_and_deleting_a_synonym_is_audited(client, shop_floor, staff_user):
    # given a member of staff signed in
    sign_in(client, staff_user)
    token = csrf_token(client, "/admin/search-synonyms")
    # when they add a synonym with a valid CSRF token
    added = client.post("/admin/search-synonyms", data={
        "term": "Squat Cage", "replacement": "summit", "csrf_token": token})
    # then the synonym and an audit row naming them were committed together
    assert added.status_code == 303
    synonym_id = db.session.scalar(select(SearchSynonym.id)
                                   .where(SearchSynonym.term == "squat cage"))
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "search_synonym_added"))
    assert (entry.actor, entry.entity, entry.entity_id) == (
        "sam.staff@example.com", "search_synonym", str(synonym_id))
    assert entry.after == {"term": "squat cage", "replacement": "summit"}
    # when they delete it
    deleted = client.post("/admin/search-synonyms/delete", data={
        "synonym_id": synonym_id, "csrf_token": token})
    # then it is gone and the audit log says who deleted what
    assert deleted.status_code == 303
    assert db.session.get(SearchSynonym, synonym_id) is None
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "search_synonym_deleted"))
    assert (entry.actor, entry.entity_id) == ("sam.staff@example.com", str(synonym_id))
    assert entry.before == {"term": "squat cage", "replacement": "summit"}


def test_a_refused_synonym_writes_no_audit_row(client, shop_floor, staff_user):
    # given a term that already has a synonym
    sign_in(client, staff_user)
    token = csrf_token(client, "/admin/search-synonyms")
    client.post("/admin/search-synonyms", data={"term": "cage", "replacement": "stand",
                                                "csrf_token": token})
    # when it is added again
    again = client.post("/admin/search-synonyms", data={"term": "cage", "replacement": "x",
                                                        "csrf_token": token})
    # then it is refused and only the first addition is in the audit log
    assert again.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "search_synonym_added")) == 1


def test_two_staff_adding_one_term_at_once_get_one_synonym_and_a_clear_refusal(app, backend):
    if backend != "postgresql":
        pytest.skip("real concurrency is tested against PostgreSQL")
    terms = [f"cage {n}" for n in range(8)]
    for term in terms:
        # when two members of staff add the same term at the same instant
        results = run_concurrently(app, [
            lambda term=term: search.add_synonym(term, "stand", "sam.staff@example.com"),
            lambda term=term: search.add_synonym(term, "rack", "mia.manager@example.com")])
        # then one is added and the other is told the term is taken (no error raised)
        assert not any(isinstance(result, Exception) for result in results), results
        assert sorted(added for added, _ in results) == [False, True], results
        refusal = next(message for added, message in results if not added)
        assert "already has a synonym" in refusal
    # and each term has one synonym and one audit row
    assert db.session.scalar(select(func.count()).select_from(SearchSynonym)
                             .where(SearchSynonym.term.in_(terms))) == len(terms)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "search_synonym_added")) == len(terms)
