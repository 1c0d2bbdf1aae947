"""Weekly reports in the portal: who reads which, the government section, preview and resend for leads."""

import pytest
from django.core import mail as django_mail
from django.urls import reverse

from reports import services
from reports.models import WeeklyReport
from tests import factories as f
from tests.opsportal.test_reports_indonesia import WEEK, build_week


@pytest.fixture
def reports(indonesia, thailand, id_operator, id_lead, th_operator):
    build_week(indonesia, thailand, id_operator)
    ours = services.weekly_report_dispatch(indonesia, WEEK).report
    theirs = services.weekly_report_dispatch(thailand, WEEK).report
    hq = services.hq_report_dispatch(WEEK).report
    return ours, theirs, hq


def page(client, user, name, *args, **kwargs):
    client.force_login(user)
    return client.get(reverse(name, args=args), **kwargs)


def test_list_shows_the_reports_of_ones_countries(client, reports, id_operator, hq_viewer):
    ours, theirs, hq = reports
    listed = page(client, id_operator, "reports:list").context["page"].object_list
    assert list(listed) == [ours]
    listed = page(client, hq_viewer, "reports:list").context["page"].object_list
    assert set(listed) == {ours, theirs, hq}


def test_list_filters_and_rejects_a_bad_week(client, reports, hq_viewer, thailand):
    client.force_login(hq_viewer)
    response = client.get(reverse("reports:list"), {"country": thailand.pk})
    assert [r.country for r in response.context["page"].object_list] == [thailand]
    response = client.get(reverse("reports:list"), {"week": "2026-47"})
    assert response.status_code == 400 and "Write the week as YYYY-Www" in response.content.decode()


def test_list_query_count_does_not_grow(client, indonesia, id_operator, django_assert_max_num_queries):
    WeeklyReport.objects.create(country=indonesia, week="2025-W01", data={})
    client.force_login(id_operator)
    with django_assert_max_num_queries(15) as one:
        client.get(reverse("reports:list"))
    for n in range(2, 51):
        WeeklyReport.objects.create(country=indonesia, week=f"2025-W{n:02d}", data={})
    with django_assert_max_num_queries(len(one)):
        assert len(client.get(reverse("reports:list")).context["page"].object_list) == 50


def test_operator_reads_the_report_without_government_relations(client, reports, id_operator):
    ours, theirs, _hq = reports
    response = page(client, id_operator, "reports:detail", ours.pk)
    html = response.content.decode()
    assert response.status_code == 200
    assert "multiframe" in html and "data:image/png;base64," in html
    assert "Temporary ban" not in html and "Government relations" not in html
    assert "Resend" not in html
    assert page(client, id_operator, "reports:detail", theirs.pk).status_code == 404


def test_lead_reads_government_relations_and_may_resend(client, reports, id_lead):
    ours, _theirs, _hq = reports
    html = page(client, id_lead, "reports:detail", ours.pk).content.decode()
    assert "Temporary ban" in html and "Resend" in html


def test_hq_report_for_hq_viewers_without_government_columns(client, reports, hq_viewer, id_operator):
    _ours, _theirs, hq = reports
    html = page(client, hq_viewer, "reports:detail", hq.pk).content.decode()
    assert "Indonesia" in html and "Thailand" in html and "Open incidents" not in html
    assert page(client, id_operator, "reports:detail", hq.pk).status_code == 404


def test_resend_is_for_leads_only(client, reports, id_operator, id_lead, django_capture_on_commit_callbacks):
    ours, _theirs, _hq = reports
    client.force_login(id_operator)
    assert client.post(reverse("reports:resend", args=[ours.pk])).status_code == 403
    assert client.get(reverse("reports:resend", args=[ours.pk])).status_code == 405
    client.force_login(id_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:resend", args=[ours.pk]))
    assert response.status_code == 302
    assert sorted(m.to[0] for m in django_mail.outbox) == ["id-lead@example.com", "id-operator@example.com"]


def test_hq_resend_only_for_superusers(client, reports, hq_viewer, superuser):
    _ours, _theirs, hq = reports
    client.force_login(hq_viewer)
    assert client.post(reverse("reports:resend", args=[hq.pk])).status_code == 403
    client.force_login(superuser)
    assert client.post(reverse("reports:resend", args=[hq.pk])).status_code == 302


def test_preview_for_leads(client, reports, indonesia, id_lead, id_operator):
    response = page(client, id_lead, "reports:preview", data={"country": indonesia.pk, "week": WEEK})
    html = response.content.decode()
    assert response.status_code == 200
    assert "35,000,000" in html or "35.000.000" in html
    assert "Temporary ban" in html and "id-operator@example.com" in html
    as_member = page(
        client, id_lead, "reports:preview", data={"country": indonesia.pk, "week": WEEK, "as_team_member": "on"}
    )
    assert "Temporary ban" not in as_member.content.decode()
    assert page(client, id_operator, "reports:preview").status_code == 403


def test_preview_rejects_a_bad_week_and_another_country(client, indonesia, thailand, id_lead):
    response = page(client, id_lead, "reports:preview", data={"country": indonesia.pk, "week": "W47"})
    assert response.status_code == 400 and "Write the week as YYYY-Www" in response.content.decode()
    response = page(client, id_lead, "reports:preview", data={"country": thailand.pk})
    assert response.status_code == 400


def test_quiet_country_report_page(client, thailand, th_operator):
    report = services.weekly_report_dispatch(thailand, WEEK).report
    assert "A quiet week" in page(client, th_operator, "reports:detail", report.pk).content.decode()


def test_recipient_without_role_any_more_gets_no_government_section(indonesia, id_lead):
    """The role is checked again when the email is sent, not only when the report was dispatched."""
    from opsportal import mail
    from opsportal.models import ReminderDelivery

    f.IncidentFactory(country=indonesia, title="Temporary ban")
    dispatch = services.weekly_report_dispatch(indonesia, WEEK)
    id_lead.memberships.update(role="operator")
    [row] = ReminderDelivery.objects.filter(pk__in=dispatch.delivery_ids)
    assert row.payload["government"] is True
    mail.deliver(row.pk)
    assert "Temporary ban" not in django_mail.outbox[0].alternatives[0][0]
