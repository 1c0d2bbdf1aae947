"""The portal's agreement pages: finance viewers only, the status buttons, the signed file's
checks, the challenge page's cost per thousand views, and a list whose queries do not grow."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement, Status
from locales.models import HQAccess
from tests import factories as f

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def signed_in(client, user):
    client.force_login(user)
    return client


def form_data(indonesia, **extra):
    influencer = f.InfluencerFactory(country=indonesia, name="Kaykai Salaider")
    challenge = f.ChallengeFactory(country=indonesia, hashtag="framechallenge")
    return {
        "title": "Seeding the frame challenge",
        "influencer": influencer.pk,
        "challenge": challenge.pk,
        "fee": "15000000",
        "currency": "",
        **extra,
    }


def test_lead_creates_an_agreement_with_a_signed_pdf(client, indonesia, id_lead, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    signed_in(client, id_lead)
    data = form_data(indonesia, signed_file=SimpleUploadedFile("signed.pdf", PDF, content_type="application/pdf"))
    response = client.post(reverse("agreements:create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    agreement = Agreement.objects.get()
    assert agreement.status == Status.DRAFT and agreement.currency == "IDR"
    page = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert "Rp\xa015,000,000" in page  # the locale's number format (English here)
    download = client.get(reverse("agreements:signed_file", args=[agreement.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.txt", b"0" * (50 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("signed.pdf", b"<html><script>alert(1)</script></html>"),  # HTML named .pdf
        ("signed.pdf", _zip_bomb()),  # a zip bomb renamed .pdf
        ("signed.png", PDF),  # named as one kind, another inside
        ("signed.pdf", b""),  # empty
        ("signed.html", b"<html><body>hi</body></html>"),
    ],
    ids=["html-as-pdf", "zip-bomb-as-pdf", "pdf-as-png", "empty", "html"],
)
def test_signed_file_nasty_cases_are_refused(client, indonesia, id_lead, name, content, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    signed_in(client, id_lead)
    response = client.post(
        reverse("agreements:create"), form_data(indonesia, signed_file=SimpleUploadedFile(name, content))
    )
    assert response.status_code == 400
    assert "signed_file" in response.context["form"].errors
    assert not Agreement.objects.exists()
    assert not list(tmp_path.rglob("*.*"))


def test_a_huge_file_is_refused(client, indonesia, id_lead, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    signed_in(client, id_lead)
    huge = SimpleUploadedFile("signed.pdf", PDF + b"0" * (11 * 1024 * 1024))
    response = client.post(reverse("agreements:create"), form_data(indonesia, signed_file=huge))
    assert response.status_code == 400
    assert "limit" in str(response.context["form"].errors["signed_file"])
    assert not Agreement.objects.exists()


def test_status_buttons_walk_the_agreement_and_refuse_a_skip(client, indonesia, id_lead):
    agreement = f.AgreementFactory(country=indonesia, fee=Decimal("100"))
    signed_in(client, id_lead)
    url = reverse("agreements:status", args=[agreement.pk])
    refused = client.post(url, {"status": "paid"})
    assert refused.status_code == 400
    assert Agreement.objects.get(pk=agreement.pk).status == Status.DRAFT
    assert client.post(url, {"status": "signed"}).status_code == 302
    assert Agreement.objects.get(pk=agreement.pk).status == Status.SIGNED


def test_operator_viewer_and_hq_without_the_grant_see_no_agreement(
    client, indonesia, id_operator, id_viewer, hq_viewer
):
    agreement = f.AgreementFactory(country=indonesia, title="Secret seeding deal", fee=Decimal("987654321"))
    f.PaymentFactory(agreement=agreement, amount=Decimal("123456789"), paid_on=dt.date.today())
    for person in (id_operator, id_viewer, hq_viewer):
        signed_in(client, person)
        for url in (
            reverse("agreements:list"),
            reverse("agreements:detail", args=[agreement.pk]),
            reverse("agreements:create"),
            reverse("agreements:signed_file", args=[agreement.pk]),
        ):
            assert client.get(url).status_code == 404, (person, url)
        for url in (
            reverse("challenges:detail", args=[agreement.challenge_id]),
            reverse("influencers:detail", args=[agreement.influencer_id]),
        ):
            page = client.get(url).content.decode()
            assert "Secret seeding deal" not in page
            assert "987,654,321" not in page and "123,456,789" not in page
            assert "Cost per thousand views" not in page
        api = client.get("/api/v1/agreements/")
        assert api.status_code == 403
        assert client.get(f"/api/v1/payments/?agreement={agreement.pk}").status_code == 403
        assert client.get("/api/v1/search/?q=Secret").status_code in (200, 404)
        assert "Secret seeding" not in client.get("/search/?q=Secret").content.decode()


def test_hq_with_the_finance_grant_reads_everywhere_but_writes_nothing(client, indonesia, thailand):
    hq = f.UserFactory(username="hq-finance")
    f.StaffProfileFactory(user=hq, hq_access=HQAccess.VIEWER, hq_finance=True)
    agreement = f.AgreementFactory(country=thailand, title="Thai seeding")
    signed_in(client, hq)
    client.post(reverse("portal:country_switch"), {"country": thailand.pk})
    assert client.get(reverse("agreements:detail", args=[agreement.pk])).status_code == 200
    assert client.post(reverse("agreements:status", args=[agreement.pk]), {"status": "signed"}).status_code == 403
    assert Agreement.objects.get(pk=agreement.pk).status == Status.DRAFT


def test_challenge_page_shows_spend_and_cost_per_thousand_views_to_finance_viewers(client, indonesia, id_lead):
    challenge = f.ChallengeFactory(country=indonesia, views=53_000_000)
    agreement = f.AgreementFactory(
        country=indonesia, challenge=challenge, fee=Decimal("26500000"), status=Status.DELIVERED
    )
    f.PaymentFactory(agreement=agreement, amount=Decimal("26500000"), paid_on=dt.date.today())
    page = signed_in(client, id_lead).get(reverse("challenges:detail", args=[challenge.pk])).content.decode()
    assert "Cost per thousand views" in page
    assert "Rp500" in page.replace("\xa0", "").replace(" ", "")
    assert agreement.title in page


def test_another_countrys_influencer_is_refused_without_saying_it_exists(client, indonesia, thailand, id_lead):
    signed_in(client, id_lead)
    data = form_data(indonesia)
    data["influencer"] = f.InfluencerFactory(country=thailand).pk
    response = client.post(reverse("agreements:create"), data)
    assert response.status_code == 400
    errors = str(response.context["form"].errors["influencer"])
    assert "valid choice" in errors  # the same answer as for an id that does not exist
    data["influencer"] = 999999
    missing = client.post(reverse("agreements:create"), data)
    assert str(missing.context["form"].errors["influencer"]) == errors
    assert not Agreement.objects.exists()


def _rows(country, owner, n):
    for _ in range(n):
        agreement = f.AgreementFactory(country=country, owner=owner)
        f.DeliverableFactory(agreement=agreement)
        f.PaymentFactory(agreement=agreement, paid_on=dt.date.today())
        f.PaymentFactory(agreement=agreement)


def test_list_page_queries_do_not_grow(client, indonesia, id_lead):
    signed_in(client, id_lead)
    url = reverse("agreements:list")
    client.get(url)
    _rows(indonesia, id_lead, 1)
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert response.status_code == 200 and len(response.context["page"].object_list) == 1
    _rows(indonesia, id_lead, 49)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 50
    assert len(fifty.captured_queries) == len(one.captured_queries)
    assert len(one.captured_queries) <= 15


def test_exports_of_agreements_and_payments_are_for_finance_viewers(client, indonesia, id_lead, id_operator):
    agreement = f.AgreementFactory(country=indonesia, title="Exported seeding", fee=Decimal("15000000"))
    f.PaymentFactory(agreement=agreement, amount=Decimal("5000000"), reference="TRX-77")
    signed_in(client, id_lead)
    body = b"".join(client.get(reverse("exports:list", args=["agreements", "csv"])).streaming_content).decode()
    assert "Exported seeding" in body and "15000000" in body
    payments = b"".join(client.get(reverse("exports:list", args=["payments", "csv"])).streaming_content).decode()
    assert "TRX-77" in payments and "Exported seeding" in payments
    signed_in(client, id_operator)
    for name in ("agreements", "payments"):
        response = client.get(reverse("exports:list", args=[name, "csv"]))
        assert response.status_code in (403, 404)


def test_search_finds_agreements_by_hashtag_for_finance_viewers_only(client, indonesia, id_lead, id_operator):
    agreement = f.AgreementFactory(country=indonesia, title="Seeding deal")
    f.DeliverableFactory(agreement=agreement, hashtag="goyangmaut")
    signed_in(client, id_lead)
    listed = client.get(reverse("agreements:list"), {"q": "goyangmaut"})
    assert [a.pk for a in listed.context["page"].object_list] == [agreement.pk]
    found = client.get(reverse("portal:search"), {"q": "goyangmaut"}).content.decode()
    assert "Seeding deal" in found
    signed_in(client, id_operator)
    assert "Seeding deal" not in client.get(reverse("portal:search"), {"q": "goyangmaut"}).content.decode()


def test_api_gives_cost_per_thousand_views_to_finance_tokens_only(indonesia):
    from tests.api.conftest import client_for, make_token

    challenge = f.ChallengeFactory(country=indonesia, views=53_000_000)
    agreement = f.AgreementFactory(country=indonesia, challenge=challenge, fee=Decimal("26500000"))
    f.PaymentFactory(agreement=agreement, amount=Decimal("26500000"), paid_on=dt.date.today())
    finance = client_for(make_token([indonesia], ("read", "finance"))[0])
    response = finance.get("/api/v1/agreements/challenge-spend/", {"challenge": challenge.pk})
    assert response.status_code == 200
    assert response.json() == [{"currency": "IDR", "paid": "26500000.00", "views": 53000000, "cpm": "500.00"}]
    assert finance.get("/api/v1/agreements/challenge-spend/", {"challenge": "x"}).status_code == 400
    plain = client_for(make_token([indonesia], ("read",))[0])
    assert plain.get("/api/v1/agreements/challenge-spend/", {"challenge": challenge.pk}).status_code == 403


def test_a_blocked_deletion_does_not_name_the_agreement_to_an_operator(client, indonesia, id_operator):
    from tests.api.conftest import client_for, make_token

    agreement = f.AgreementFactory(country=indonesia, title="Hidden seeding deal")
    api = client_for(make_token([indonesia], ("read", "write"))[0])
    response = api.delete(f"/api/v1/influencers/{agreement.influencer_id}/")
    assert response.status_code == 409
    assert "Hidden seeding" not in response.content.decode()
    id_operator.is_staff = True
    id_operator.save()
    signed_in(client, id_operator)
    page = client.get(f"/admin/influencers/influencer/{agreement.influencer_id}/delete/")
    assert page.status_code == 200
    assert "Hidden seeding" not in page.content.decode()
    # Django names the blocking record's kind ("creator agreement"), never the record itself.


def test_replacing_the_signed_file_in_the_portal_names_it_by_content_and_removes_the_old(
    client, indonesia, id_lead, settings, tmp_path, django_capture_on_commit_callbacks
):
    """The portal's edit form goes through the same file rule as the API's signed-file/."""
    settings.MEDIA_ROOT = tmp_path
    signed_in(client, id_lead)
    data = form_data(indonesia, signed_file=SimpleUploadedFile("contract.pdf", PDF))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("agreements:create"), data).status_code == 302
    agreement = Agreement.objects.get()
    first = agreement.signed_file.name
    assert first.endswith(".pdf")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    data = {k: v for k, v in data.items() if k != "signed_file"} | {"signed_file": SimpleUploadedFile("scan", png)}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("agreements:edit", args=[agreement.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    agreement.refresh_from_db()
    assert agreement.signed_file.name.endswith(".png") and agreement.signed_file.name != first
    assert [p.name for p in tmp_path.rglob("*.*")] == [agreement.signed_file.name.rsplit("/", 1)[-1]]
