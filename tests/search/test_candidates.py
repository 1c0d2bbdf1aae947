"""``opsportal.search.candidates``, which the search page ranks: on PostgreSQL its UNION is written
as SQL text (the ORM's expressions cost more CPU than the database's time, issue 16). Each side
(the row's own fields, each relation, a typo) finds its rows, and only inside the scope given."""

import json

import pytest
from django.db import connection

from agreements.models import Agreement
from challenges.models import Challenge
from influencers.models import Influencer, PlatformAccount
from locales.models import RegulatorRequest
from opsportal import search
from opsportal.access import access_for_user, in_country
from opsportal.search import candidates
from tests import factories as f

pytestmark = pytest.mark.django_db


def _found(model, access, country, q):
    scoped = in_country(access.scope(model.objects.all()), country.pk)
    return set(model.objects.filter(pk__in=candidates(scoped, q, 200)).values_list("pk", flat=True))


def test_each_side_of_an_influencer(indonesia, thailand, id_lead):
    home = f.InfluencerFactory(country=thailand, name="Kaykai Salaider", local_name="ไข่ไก่")
    f.PlatformAccountFactory(influencer=home, handle="kaykai_official")
    shared = f.InfluencerFactory(country=indonesia, name="Kaykai (ID)", profile=home)
    named = f.InfluencerFactory(country=indonesia, name="Nate Kirana", local_name="นาเต")
    handled = f.InfluencerFactory(country=indonesia, name="Bayu")
    f.PlatformAccountFactory(influencer=handled, handle="bayu_100%_real")
    access = access_for_user(id_lead)
    assert _found(Influencer, access, indonesia, "kirana") == {named.pk}  # own field
    assert _found(Influencer, access, indonesia, "นาเต") == {named.pk}  # own local name
    assert _found(Influencer, access, indonesia, "@bayu_100%") == {handled.pk}  # its handle, % and _ literal
    assert _found(Influencer, access, indonesia, "kaykai_official") == {shared.pk}  # its profile's handle
    assert _found(Influencer, access, indonesia, "kiranna") == {named.pk}  # a typo
    assert _found(Influencer, access, indonesia, "k") == {shared.pk, named.pk}  # a word's start
    assert _found(Influencer, access, indonesia, "salaider") == set()  # Thailand's row


def test_each_side_of_an_agreement(indonesia, thailand, id_lead, th_lead):
    creator = f.InfluencerFactory(country=indonesia, name="Kaykai Salaider")
    by_creator = f.AgreementFactory(country=indonesia, influencer=creator, title="Ramadan seeding")
    by_hashtag = f.AgreementFactory(country=indonesia, challenge=f.ChallengeFactory(country=indonesia, hashtag="Mudik"))
    by_deliverable = f.AgreementFactory(country=indonesia, challenge=None)
    f.DeliverableFactory(agreement=by_deliverable, hashtag="LebaranVibes")
    f.AgreementFactory(country=thailand, title="Kaykai Songkran")
    access = access_for_user(id_lead)
    assert _found(Agreement, access, indonesia, "kaykai") == {by_creator.pk}
    assert _found(Agreement, access, indonesia, "ramadan") == {by_creator.pk}
    assert _found(Agreement, access, indonesia, "#mudik") == {by_hashtag.pk}
    assert _found(Agreement, access, indonesia, "lebaranvibes") == {by_deliverable.pk}
    assert _found(Agreement, access_for_user(th_lead), thailand, "kaykai songkran") != set()


def test_a_scope_through_a_join(indonesia, thailand, id_lead):
    """An account reaches its country through its influencer: the scope is then a join."""
    mine = f.PlatformAccountFactory(influencer=f.InfluencerFactory(country=indonesia, name="Bayu"), handle="bayu")
    f.PlatformAccountFactory(influencer=f.InfluencerFactory(country=thailand, name="Bayu TH"), handle="bayu_th")
    access = access_for_user(id_lead)
    assert _found(PlatformAccount, access, indonesia, "bayu") == {mine.pk}


def test_a_request_by_its_items(indonesia, id_gr):
    request = f.RegulatorRequestFactory(country=indonesia, authority="Kominfo")
    f.RequestItemFactory(request=request, target="https://tiktok.com/@kaykai/video/1")
    f.RegulatorRequestFactory(country=indonesia, authority="Kominfo")
    access = access_for_user(id_gr)
    assert _found(RegulatorRequest, access, indonesia, "tiktok.com/@kaykai/video") == {request.pk}
    assert len(_found(RegulatorRequest, access, indonesia, "kominfo")) == 2


def test_a_scope_with_no_country_finds_nothing(indonesia, id_lead):
    f.InfluencerFactory(country=indonesia, name="Bayu")
    access = access_for_user(id_lead)
    scoped = access.scope(Influencer.objects.all()).filter(country__in=[])
    assert not Influencer.objects.filter(pk__in=candidates(scoped, "bayu", 200)).exists()


@pytest.mark.parametrize("window", [0, 1000])  # 0: every match through the indexes
def test_a_letter_no_row_of_the_country_starts_with_is_asked_of_the_indexes(
    indonesia, thailand, id_lead, window, monkeypatch
):
    """The first rows are read first; past them the indexes answer (PostgreSQL), so a match after
    the window is found and a word common elsewhere finds nothing here."""
    monkeypatch.setattr(search, "SHORT_WORD_WINDOW", window)
    for n in range(6):
        f.ChallengeFactory(country=indonesia, hashtag=f"tari{n}", title=f"Tantangan {n}")
        f.ChallengeFactory(country=thailand, hashtag=f"ten{n}", title=f"Challenge {n}")
    access = access_for_user(id_lead)
    assert _found(Challenge, access, indonesia, "c") == set()
    late = f.ChallengeFactory(country=indonesia, hashtag="cepat", title="Lomba")
    assert _found(Challenge, access, indonesia, "c") == {late.pk}
    more = {f.ChallengeFactory(country=indonesia, hashtag=f"cerita{n}", title="Lomba").pk for n in range(4)}
    scoped = in_country(access.scope(Challenge.objects.all()), indonesia.pk)
    found = set(Challenge.objects.filter(pk__in=candidates(scoped, "c", 2)).values_list("pk", flat=True))
    assert 2 <= len(found) <= 4 and found <= more | {late.pk}  # a few of the matches, only matches


def _cte_loops(plan: dict, name: str) -> list[int]:
    found = [plan["Actual Loops"]] if plan.get("Subplan Name") == f"CTE {name}" else []
    for child in plan.get("Plans", []):
        found += _cte_loops(child, name)
    return found


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize("window, asks_the_indexes", [(3, False), (1, True)])
def test_the_indexes_are_asked_only_when_the_first_rows_fall_short(
    indonesia, id_lead, monkeypatch, window, asks_the_indexes
):
    """Two candidates wanted: three rows all starting with "c" fill them from a window of three;
    a window of one leaves them short, and only then is the indexes' side run."""
    monkeypatch.setattr(search, "SHORT_WORD_WINDOW", window)
    for n in range(3):
        f.ChallengeFactory(country=indonesia, hashtag=f"cerita{n}", title="Cerita")
    scoped = in_country(access_for_user(id_lead).scope(Challenge.objects.all()), indonesia.pk)
    sql, params = Challenge.objects.filter(pk__in=candidates(scoped, "c", 2)).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        raw = cursor.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    loops = _cte_loops(plan, "search_far")
    assert loops, "the indexes' side is in the plan"
    assert all((n > 0) == asks_the_indexes for n in loops)
