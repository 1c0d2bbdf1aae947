"""Goals: the portal's quarter form, the API and the admin set the same goal under the same
rules (a positive target, a chart rank of 1 or more, one goal per quarter and metric), and an
operator may not set one through any of them. External figures: a rank of 1 or more, not in the
country's future, through each door."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from goals.models import CountryGoal, ExternalFigure, Metric
from tests.api.conftest import client_for

from .forms import admin_post, portal_post

pytestmark = pytest.mark.django_db


def _portal(doors, **targets):
    fields = {f"target_{m.value}": "" for m in Metric}
    fields.update({f"target_{k}": str(v) for k, v in targets.items()})
    return portal_post(doors.portal, "/goals/edit/?year=2018&quarter=3", **fields)


def _api(doors, metric, target):
    api = client_for(user=doors.lead)  # goals are a lead's: no integration token may set them
    body = {"country": "ID", "year": 2018, "quarter": 3, "metric": metric, "target": target}
    return api.post("/api/v1/goals/", body, format="json")


def _admin(doors, metric, target):
    return admin_post(
        doors.admin,
        "/admin/goals/countrygoal/add/",
        country=str(doors.country.pk),
        year="2018",
        quarter="3",
        metric=metric,
        target=str(target),
    )


def _goals():
    return sorted(CountryGoal.objects.values_list("metric", "year", "quarter", "target"))


@pytest.mark.parametrize("door", ["portal", "api", "admin"])
def test_each_door_sets_the_same_goal(doors, door):
    if door == "portal":
        assert _portal(doors, chart_rank=1).status_code == 302
    elif door == "api":
        assert _api(doors, "chart_rank", 1).status_code == 201
    else:
        assert _admin(doors, "chart_rank", 1).status_code == 302
    assert _goals() == [("chart_rank", 2018, 3, 1)]
    goal = CountryGoal.objects.get()
    assert goal.history.first().history_user == doors.lead


@pytest.mark.parametrize("door", ["portal", "api", "admin"])
def test_each_door_refuses_a_rank_of_zero_and_writes_nothing(doors, door):
    if door == "portal":
        response = _portal(doors, chart_rank=0, events_held=3)
        assert response.status_code == 400
    elif door == "api":
        response = _api(doors, "chart_rank", 0)
        assert response.status_code == 400 and "target" in response.json()["errors"]
    else:
        response = _admin(doors, "chart_rank", 0)
        assert response.status_code == 200
    assert "1 or more" in response.content.decode()
    assert _goals() == []


@pytest.mark.parametrize("door", ["api", "admin"])
def test_one_goal_per_quarter_and_metric(doors, door):
    assert _portal(doors, events_held=3).status_code == 302
    response = _api(doors, "events_held", 4) if door == "api" else _admin(doors, "events_held", 4)
    assert response.status_code in (200, 400) and "already exists" in response.content.decode()
    assert _goals() == [("events_held", 2018, 3, 3)]


def test_an_operator_sets_no_goal_through_any_door(id_operator, indonesia):
    id_operator.is_staff = True
    id_operator.save(update_fields=["is_staff"])
    portal, admin_client = Client(), Client()
    portal.force_login(id_operator)
    admin_client.force_login(id_operator)
    assert portal.post("/goals/edit/", {"year": 2018, "quarter": 3, "target_core_active": 5}).status_code == 403
    body = {"country": "ID", "year": 2018, "quarter": 3, "metric": "core_active", "target": 5}
    assert client_for(user=id_operator).post("/api/v1/goals/", body, format="json").status_code == 403
    assert admin_client.get("/admin/goals/countrygoal/add/").status_code == 403
    assert admin_client.post("/admin/goals/countrygoal/add/", {**body, "country": indonesia.pk}).status_code == 403
    assert not CountryGoal.objects.exists()


@pytest.mark.parametrize("door", ["portal", "api", "admin"])
def test_external_figure_rules_agree(doors, door):
    tomorrow = timezone.localdate(timezone=doors.country.zone) + dt.timedelta(days=1)
    fields = {"metric": "chart_rank", "measured_on": tomorrow.isoformat(), "value": "1", "source": "App store chart"}

    def send(**changes):
        data = {**fields, **changes}
        if door == "portal":
            return portal_post(doors.portal, "/goals/figures/new/", **data)
        if door == "api":
            return doors.api.post("/api/v1/external-figures/", {**data, "country": "ID"}, format="json")
        return admin_post(doors.admin, "/admin/goals/externalfigure/add/", country=str(doors.country.pk), **data)

    refused = send()
    assert refused.status_code in (200, 400) and "a day that has come" in refused.content.decode()
    refused = send(measured_on="2018-08-01", value="0")
    assert refused.status_code in (200, 400) and "1 or more" in refused.content.decode()
    assert not ExternalFigure.objects.exists()
    assert send(measured_on="2018-08-01").status_code in (201, 302)
    assert ExternalFigure.objects.get().value == 1


@pytest.mark.parametrize("door", ["portal", "api", "admin"])
def test_a_goal_set_is_announced_whichever_door(doors, door, django_capture_on_commit_callbacks):
    from .conftest import announced

    with django_capture_on_commit_callbacks() as callbacks:
        if door == "portal":
            assert _portal(doors, chart_rank=1).status_code == 302
        elif door == "api":
            assert _api(doors, "chart_rank", 1).status_code == 201
        else:
            assert _admin(doors, "chart_rank", 1).status_code == 302
    assert announced(callbacks) == ["goal.set"], f"the {door} set a goal without the webhook event"
