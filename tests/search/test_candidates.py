"""``opsportal.search.candidates``, which the search page ranks: on PostgreSQL its UNION is written
as SQL text (the ORM's expressions cost more CPU than the database's time, issue 16). Each side
(the row's own fields, each relation, a typo) finds its rows, and only inside the scope given."""

import pytest

from agreements.models import Agreement
from influencers.models import Influencer, PlatformAccount
from locales.models import RegulatorRequest
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
    from challenges.models import Challenge
    from opsportal import search

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
