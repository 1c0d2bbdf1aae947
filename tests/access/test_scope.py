"""The country scope fails closed: a query on a country-scoped model needs an active scope."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from events.models import Event
from influencers.models import Influencer
from locales.models import GovernmentContact
from notifications.models import Notification
from opsportal.access import COUNTRY_PATHS, access_for_user
from opsportal.celery import app
from opsportal.models import SavedView
from opsportal.scope import ScopeError, scope_of, system_scope, unscoped
from reports.models import WeeklyReport
from tests import factories as f


@pytest.fixture
def two_countries(indonesia, thailand):
    with unscoped():
        return {
            "id": f.InfluencerFactory(country=indonesia, name="Ayu"),
            "th": f.InfluencerFactory(country=thailand, name="Somchai"),
            "id_contact": f.GovernmentContactFactory(country=indonesia),
        }


@pytest.mark.real_scope
@pytest.mark.parametrize(
    "query",
    [
        lambda: list(Influencer.objects.all()),
        lambda: Influencer.objects.count(),
        lambda: Influencer.objects.filter(name="Ayu").exists(),
        lambda: Influencer.objects.get(name="Ayu"),
        lambda: Event.objects.update(name="x"),
        lambda: list(Event.objects.values_list("pk", flat=True)),
        lambda: list(Influencer.objects.filter(pk__in=Event.objects.values("owner_id"))),
    ],
)
def test_a_query_outside_any_scope_raises(db, two_countries, query):
    with pytest.raises(ScopeError):
        query()


@pytest.mark.real_scope
def test_every_model_with_a_country_path_refuses_to_run_unscoped(db):
    from django.apps import apps

    for label in COUNTRY_PATHS:
        model = apps.get_model(label)
        with pytest.raises(ScopeError):
            model.objects.exists()


@pytest.mark.real_scope
def test_the_scope_keeps_the_persons_countries_even_without_access_scope(db, two_countries, id_operator, hq_viewer):
    with scope_of(access_for_user(id_operator)):
        assert list(Influencer.objects.values_list("name", flat=True)) == ["Ayu"]
        assert two_countries["id"].country.influencers.count() == 1
        # Government records need the government permission, which an operator lacks.
        assert not GovernmentContact.objects.exists()
    with scope_of(access_for_user(hq_viewer)):
        assert Influencer.objects.count() == 2


@pytest.mark.real_scope
def test_a_template_built_outside_a_scope_takes_the_scope_of_its_copy(db, two_countries, th_operator):
    template = Influencer.objects.order_by("name")  # as a viewset's or a form field's queryset
    with pytest.raises(ScopeError):
        list(template)
    with scope_of(access_for_user(th_operator)):
        assert [i.name for i in template.all()] == ["Somchai"]
        assert [i.name for i in template.filter(name__startswith="S")] == ["Somchai"]
    with pytest.raises(ScopeError):
        list(template.all())


@pytest.mark.real_scope
def test_a_request_runs_in_the_scope_of_whoever_it_turns_out_to_be(db, two_countries, id_operator, th_operator):
    request = RequestFactory().get("/")
    request.user = id_operator
    with scope_of(request):
        assert list(Influencer.objects.values_list("name", flat=True)) == ["Ayu"]
        request.user = th_operator  # as DRF's token authentication does, inside the view
        assert list(Influencer.objects.values_list("name", flat=True)) == ["Somchai"]


@pytest.mark.real_scope
def test_tasks_run_in_the_system_scope(db, two_countries):
    @app.task(name="tests.access.count_influencers")
    def count_influencers():
        return Influencer.objects.count()

    assert count_influencers.apply().get() == 2


@pytest.mark.real_scope
def test_reports_notifications_and_saved_views_are_scoped(db, indonesia, thailand, id_operator, th_operator):
    with unscoped():
        WeeklyReport.objects.create(country=indonesia, week="2026-W01")
        WeeklyReport.objects.create(country=thailand, week="2026-W01")
        WeeklyReport.objects.create(country=None, week="2026-W01")  # HQ's
        Notification.objects.create(recipient=id_operator, country=indonesia, kind="x", title="mine")
        Notification.objects.create(recipient=id_operator, kind="x", title="mine, no country")
        Notification.objects.create(recipient=th_operator, country=thailand, kind="x", title="theirs")
        SavedView.objects.create(user=id_operator, list_name="influencers", name="mine")
        SavedView.objects.create(user=th_operator, list_name="influencers", name="theirs")
    with scope_of(access_for_user(id_operator)):
        assert list(WeeklyReport.objects.values_list("country__code", flat=True)) == ["ID"]
        assert sorted(Notification.objects.values_list("title", flat=True)) == ["mine", "mine, no country"]
        assert list(SavedView.objects.values_list("name", flat=True)) == ["mine"]
    with system_scope():
        assert WeeklyReport.objects.count() == 3 and Notification.objects.count() == 3


def test_test_code_runs_unscoped(db, two_countries):
    """The suite's own setup reads everything; requests still enter their real scope."""
    assert Influencer.objects.count() == 2
