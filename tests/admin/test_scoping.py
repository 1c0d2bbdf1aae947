"""Non-superusers see only their own countries in the admin, and government records only with that role."""

import pytest
from django.contrib import admin
from django.urls import reverse

from challenges.models import Challenge
from events.models import Event, EventTask, Partner
from influencers.models import Influencer
from locales.models import Country, GovernmentContact, RegulatoryIncident, TeamMembership
from opsportal.access import FINANCE_MODELS, GOVERNMENT_MODELS, Access
from tests.security.world import RECORD_PATHS

pytestmark = pytest.mark.django_db

SCOPED = [m for m in admin.site._registry if m._meta.label_lower in RECORD_PATHS]
PLAIN = [m for m in SCOPED if m._meta.label_lower not in GOVERNMENT_MODELS | FINANCE_MODELS]
GOVERNMENT = [m for m in SCOPED if m._meta.label_lower in GOVERNMENT_MODELS]
FINANCE = [m for m in SCOPED if m._meta.label_lower in FINANCE_MODELS]


def reader(model) -> str:
    """Who in Indonesia may read and change ``model``: the operator, or the role its records need."""
    if model in GOVERNMENT:
        return "id-gr"
    return "id-lead" if model in FINANCE else "id-operator"


def label(model):
    return model._meta.label_lower


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def in_country(model, code):
    """The records of ``model`` placed in country ``code``."""
    path = RECORD_PATHS[label(model)]
    lookup = "code" if not path else f"{path}__code"
    return model._default_manager.filter(**{lookup: code})


def listed(client, model, **params):
    response = client.get(url(model, "changelist"), {"all": "", **params})
    assert response.status_code == 200, label(model)
    return response.context["cl"]


@pytest.mark.parametrize("model", PLAIN, ids=label)
def test_an_operator_lists_only_their_country(model, login, demo_data):
    indonesia = Country.objects.get(code="ID")
    cl = listed(login("id-operator"), model)
    assert cl.result_count == in_country(model, "ID").count()
    assert all(Access.country_id_of(obj) == indonesia.pk for obj in cl.result_list)


@pytest.mark.parametrize("model", SCOPED, ids=label)
def test_their_own_countrys_pages_open(model, login, demo_data):
    client = login(reader(model))
    own = in_country(model, "ID").order_by("pk").first()
    response = client.get(url(model, "change", own.pk))
    assert response.status_code == 200
    assert client.get(url(model, "history", own.pk)).status_code == 200
    writable = label(model) not in {"opsportal.country", "opsportal.teammembership"} and "snapshot" not in label(model)
    assert response.context["has_change_permission"] == writable
    assert client.get(url(model, "add")).status_code == (200 if writable else 403)


@pytest.mark.parametrize("model", SCOPED, ids=label)
def test_another_countrys_record_is_not_found(model, login, demo_data):
    other = in_country(model, "TH").first()
    if other is None:
        pytest.fail(f"the demo must hold a Thai {model._meta.verbose_name} for this check to mean something")
    client = login(reader(model))
    for view in ("change", "delete", "history"):
        assert client.get(url(model, view, other.pk)).status_code == 404, view
    assert client.post(url(model, "change", other.pk), {}).status_code == 404


def test_government_records_are_invisible_to_operators(login, demo_data):
    client = login("id-operator")
    index = client.get(reverse("admin:index")).content.decode()
    for model in GOVERNMENT:
        assert url(model, "changelist") not in index
        assert client.get(url(model, "changelist")).status_code == 404
        assert client.get(url(model, "add")).status_code == 404
        own = in_country(model, "ID").first()
        assert client.get(url(model, "change", own.pk)).status_code == 404
    app = client.get(reverse("admin:app_list", args=["locales"])).content.decode()
    assert "/admin/locales/government" not in app and "/admin/locales/regulatoryincident" not in app


def test_finance_records_are_invisible_to_operators_and_viewers(login, demo_data):
    for person in ("id-operator", "id-viewer", "hq-viewer"):
        client = login(person)
        index = client.get(reverse("admin:index")).content.decode()
        for model in FINANCE:
            assert url(model, "changelist") not in index
            assert client.get(url(model, "changelist")).status_code == 404
            own = in_country(model, "ID").first()
            assert client.get(url(model, "change", own.pk)).status_code == 404
    lead = login("id-lead")
    for model in FINANCE:
        assert listed(lead, model).result_count == in_country(model, "ID").count() > 0


def test_government_relations_officers_see_their_countrys_government_records(login, demo_data):
    client = login("id-gr")
    for model in GOVERNMENT:
        cl = listed(client, model)
        assert cl.result_count == in_country(model, "ID").count() > 0
    other = RegulatoryIncident.objects.get(country__code="TH")
    assert client.get(url(RegulatoryIncident, "change", other.pk)).status_code == 404
    own = RegulatoryIncident.objects.get(country__code="ID")
    response = client.get(url(RegulatoryIncident, "change", own.pk))
    assert response.status_code == 200 and response.context["has_change_permission"]


def test_hq_viewers_read_every_country_but_no_government_records(login, demo_data):
    client = login("hq-viewer")
    cl = listed(client, Challenge)
    assert cl.result_count == Challenge.objects.count()
    frame = Challenge.objects.get(hashtag="SatuFrameRame")
    response = client.get(url(Challenge, "change", frame.pk))
    assert response.status_code == 200 and not response.context["has_change_permission"]
    assert client.get(url(Challenge, "add")).status_code == 403
    assert client.get(url(GovernmentContact, "changelist")).status_code == 404


def test_viewers_cannot_change_anything(login, demo_data):
    client = login("id-viewer")
    partner = Partner.objects.get(name="Ismaya Live")
    response = client.get(url(Partner, "change", partner.pk))
    assert response.status_code == 200
    assert not response.context["has_change_permission"] and not response.context["has_delete_permission"]
    assert client.post(url(Partner, "change", partner.pk), {"name": "Renamed"}).status_code == 403
    assert client.post(url(Partner, "delete", partner.pk), {"post": "yes"}).status_code == 403
    assert client.get(url(Partner, "add")).status_code == 403
    partner.refresh_from_db()
    assert partner.name == "Ismaya Live"


def partner_form(country, name="Kopi Lokal Jakarta"):
    return {"country": country.pk, "name": name, "kind": "brand", "website": "", "contact_name": "", "notes": ""}


def test_an_operator_writes_in_their_country_only(login, demo_data):
    client = login("id-operator")
    indonesia, thailand = Country.objects.get(code="ID"), Country.objects.get(code="TH")
    form = client.get(url(Partner, "add")).context["adminform"].form
    assert list(form.fields["country"].queryset) == [indonesia]

    response = client.post(url(Partner, "add"), partner_form(thailand))
    assert response.status_code == 200 and "country" in response.context["adminform"].form.errors
    assert not Partner.objects.filter(name="Kopi Lokal Jakarta").exists()

    assert client.post(url(Partner, "add"), partner_form(indonesia)).status_code == 302
    created = Partner.objects.get(name="Kopi Lokal Jakarta")
    assert created.country == indonesia and created.created_by.username == "id-operator"
    assert created.history.first().history_door == "admin"


def test_a_task_cannot_be_added_to_another_countrys_event(login, demo_data):
    client = login("id-operator")
    bangkok = Event.objects.get(name="Bangkok talent exchange")
    response = client.post(url(EventTask, "add"), {"event": bangkok.pk, "title": "Sneak in", "due_on": ""})
    assert response.status_code == 200 and "event" in response.context["adminform"].form.errors
    assert not EventTask.objects.filter(title="Sneak in").exists()


def test_autocomplete_offers_only_what_they_may_use(login, demo_data):
    client = login("id-operator")
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "challenges", "model_name": "challengeparticipation", "field_name": "influencer", "term": "a"},
    )
    assert response.status_code == 200
    names = {row["text"] for row in response.json()["results"]}
    assert names and not names & {str(i) for i in Influencer.objects.filter(country__code="TH")}
    # People offered as owners are colleagues, not the whole company.
    form = client.get(url(Challenge, "add")).context["adminform"].form
    assert {u.username for u in form.fields["owner"].queryset} == {"id-lead", "id-operator", "id-gr", "id-viewer"}


def test_memberships_are_read_only_except_for_administrators(login, demo_data):
    client = login("id-lead")
    cl = listed(client, TeamMembership)
    assert {m.user.username for m in cl.result_list} == {"id-lead", "id-operator", "id-gr", "id-viewer"}
    assert client.get(url(TeamMembership, "add")).status_code == 403
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_a_lead_keeps_their_countrys_settings(login, demo_data):
    client = login("th-lead")
    thailand = Country.objects.get(code="TH")
    response = client.get(url(Country, "change", thailand.pk))
    assert response.status_code == 200 and response.context["has_change_permission"]
    assert client.get(url(Country, "change", Country.objects.get(code="ID").pk)).status_code == 404
    assert client.get(url(Country, "add")).status_code == 403
    operator = login("th-operator").get(url(Country, "change", thailand.pk))
    assert operator.status_code == 200 and not operator.context["has_change_permission"]


def test_leads_read_their_countrys_audit_trail(login, demo_data):
    from opsportal.models import AuditEntry

    cl = listed(login("id-lead"), AuditEntry)
    assert cl.result_count > 0 and {e.country.code for e in cl.result_list} == {"ID"}
    assert login("id-operator").get(url(AuditEntry, "changelist")).status_code == 403


def test_times_are_typed_in_the_records_country_clock(login, demo_data):
    event = Event.objects.get(name__startswith="DWP 2017")
    response = login("admin").get(url(Event, "change", event.pk))
    page = response.content.decode()
    assert "Dates and times on this page are in Asia/Jakarta." in page
    assert 'value="2017-12-08"' in page and 'value="16:00:00"' in page
