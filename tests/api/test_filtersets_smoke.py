import pytest
from django.test import RequestFactory

from challenges.filtersets import ChallengeFilterSet
from challenges.models import Challenge
from influencers.filtersets import InfluencerFilterSet
from influencers.models import Influencer
from tests import factories as f


@pytest.mark.django_db
def test_filtersets_work_as_portal_forms(id_operator, indonesia, thailand):
    f.ChallengeFactory(country=indonesia, hashtag="Goyang", status="live", views=10)
    f.ChallengeFactory(country=thailand, hashtag="Songkran")
    request = RequestFactory().get("/")
    request.user = id_operator
    fs = ChallengeFilterSet(
        {"country": "id", "status": "live,planned", "hashtag": "#goyang"}, Challenge.objects.all(), request=request
    )
    assert fs.is_valid(), fs.errors
    assert [c.hashtag for c in fs.qs] == ["Goyang"]
    fs = ChallengeFilterSet({"country": "TH"}, Challenge.objects.all(), request=request)
    assert not fs.is_valid()
    assert "country" in fs.errors
    acc = f.PlatformAccountFactory(influencer__country=indonesia, platform="youtube", handle="kaykai")
    fs = InfluencerFilterSet(
        {"platform": "youtube", "handle": "@KayKai", "owner": "me"}, Influencer.objects.all(), request=request
    )
    assert fs.is_valid(), fs.errors
    assert list(fs.qs) == []
    fs = InfluencerFilterSet(
        {"platform": "youtube", "handle": "@KayKai", "ordering": "-total_followers"},
        Influencer.objects.all(),
        request=request,
    )
    assert list(fs.qs) == [acc.influencer]
    assert "<select" in str(fs.form["status" if False else "stage"])
