"""The messy influencer file: preview, refusal, skip-errors, exact records, idempotent re-import."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from imports.models import ImportStatus
from imports.services import job_create, job_run
from influencers.models import Category, FollowerSnapshot, Influencer, PlatformAccount
from opsportal.models import AuditEntry

from .conftest import FIXTURES
from .helpers import confirm, counts, errors_by_row, preview

EXPECTED_COUNTS = {"create": 5, "update": 1, "unchanged": 1, "skip": 1, "error": 5}
EXPECTED_ERRORS = {
    (7, "TikTok followers"): "Not a number: banyak.",
    (8, "Country"): "You may not import into Japan.",
    (11, "Joined"): "Not a valid date: 31/02/2018.",
    (12, "YouTube URL"): "This link is for Instagram, not YouTube.",
    (13, "Instagram followers"): "Row 4 has the same influencer with another value (1,200,000, here 1,300,000).",
}


def snapshot_of_database():
    """Everything an import may touch, to compare before and after."""
    return (
        sorted(
            Influencer.objects.values_list(
                "name",
                "local_name",
                "country__code",
                "kind",
                "is_core",
                "joined_platform_on",
                "total_followers",
                "crossed_over_on",
                "notes",
            )
        ),
        sorted(PlatformAccount.objects.values_list("platform", "handle", "url", "followers", "followers_on")),
        sorted(FollowerSnapshot.objects.values_list("account__handle", "date", "followers")),
        sorted(Category.objects.values_list("slug", flat=True)),
    )


@pytest.fixture
def messy_preview(importer, existing_influencers):
    return preview(importer, "influencers_messy.csv")


def test_preview_counts_every_row_and_lists_every_error_with_row_and_column(messy_preview):
    job = messy_preview
    assert job.status == ImportStatus.PREVIEWED
    assert job.mapping["Nama"] == "name" and job.mapping["IG"] == "instagram"
    assert counts(job) == EXPECTED_COUNTS
    assert errors_by_row(job) == EXPECTED_ERRORS
    samples = job.result["samples"]
    assert [s["row"] for s in samples["create"]] == [2, 3, 4, 5, 14]
    assert [s["row"] for s in samples["update"]] == [9]
    assert [s["row"] for s in samples["unchanged"]] == [10]
    assert samples["skip"] == [{"row": 6, "text": "Same influencer as row 2: Kaykai Salaider · tiktok @kaykaisalaider"}]


def test_the_preview_writes_nothing(importer, existing_influencers):
    before = snapshot_of_database()
    preview(importer, "influencers_messy.csv")
    assert snapshot_of_database() == before
    assert not AuditEntry.objects.filter(action="import").exists()


def test_confirming_a_file_with_errors_imports_nothing(messy_preview):
    before = snapshot_of_database()
    job = confirm(messy_preview)
    assert job.status == ImportStatus.REFUSED
    assert counts(job) == EXPECTED_COUNTS
    assert snapshot_of_database() == before
    assert not AuditEntry.objects.filter(action="import").exists()


def test_skip_errors_imports_exactly_the_good_rows(messy_preview, indonesia, thailand):
    job = confirm(messy_preview, skip_errors=True)
    assert job.status == ImportStatus.DONE
    assert counts(job) == EXPECTED_COUNTS
    assert job.result["records"]["influencer.create"] == 5

    names = set(Influencer.objects.values_list("name", flat=True))
    assert names == {
        "Kaykai Salaider",
        "Nate & Mee",
        "Rina Nose 🌸",
        "Sakura Tanaka",
        "Siti Rahma",
        "Dewi Existing",
        "Agus Existing",
    }
    jakarta_today = timezone.now().astimezone(indonesia.zone).date()
    bangkok_today = timezone.now().astimezone(thailand.zone).date()

    kaykai = Influencer.objects.get(name="Kaykai Salaider")
    assert (kaykai.country, kaykai.local_name, kaykai.kind, kaykai.is_core) == (
        thailand,
        "ไข่ไก่ ซาลาเดอร์",
        "creator",
        True,
    )
    assert kaykai.joined_platform_on == dt.date(2018, 3, 1)
    assert sorted(c.name for c in kaykai.categories.all()) == ["Comedy", "Dance"]
    accounts = {(a.platform, a.handle): a for a in kaykai.accounts.all()}
    assert set(accounts) == {("tiktok", "KaykaiSalaider"), ("youtube", "KaykaiSalaider")}
    assert accounts["youtube", "KaykaiSalaider"].url == "https://www.youtube.com/@KaykaiSalaider"
    assert accounts["youtube", "KaykaiSalaider"].followers == 5_700_000
    assert accounts["tiktok", "KaykaiSalaider"].followers == 3_200_000
    assert accounts["tiktok", "KaykaiSalaider"].followers_on == bangkok_today
    assert kaykai.total_followers == 8_900_000
    assert kaykai.crossed_over_on is None  # YouTube is still ahead

    nate = Influencer.objects.get(name="Nate & Mee")
    assert nate.joined_platform_on == dt.date(2018, 7, 4)  # 04/07/2018, day first in Thailand
    assert nate.notes == "Couple 💑 comedy"
    assert {a.platform: a.followers for a in nate.accounts.all()} == {
        "tiktok": 570_000,
        "youtube": 1_500_000,
        "instagram": 120_000,
    }
    assert nate.accounts.get(platform="instagram").url == "https://www.instagram.com/natemee"

    rina = Influencer.objects.get(name="Rina Nose 🌸")
    assert (rina.country, rina.kind, rina.joined_platform_on) == (indonesia, "celebrity", dt.date(2018, 7, 4))
    assert {a.platform: a.followers for a in rina.accounts.all()} == {"tiktok": 5_700_000, "instagram": 1_200_000}
    assert rina.total_followers == 6_900_000
    assert rina.crossed_over_on == jakarta_today  # our platform leads: the crossover is recorded

    sakura = Influencer.objects.get(name="Sakura Tanaka")
    assert (sakura.local_name, sakura.kind, sakura.is_core) == ("田中さくら", "musician", False)
    assert sakura.accounts.get().handle == "sakura_tanaka" and sakura.total_followers == 570_000

    siti = Influencer.objects.get(name="Siti Rahma")
    assert {a.platform: a.followers for a in siti.accounts.all()} == {"tiktok": 1_234_567, "youtube": 0}
    assert sorted(siti.categories.values_list("name", flat=True)) == ["Cooking", "Food"]

    dewi = Influencer.objects.get(name="Dewi Existing")
    assert dewi.accounts.get().followers == 15_000 and dewi.total_followers == 15_000
    assert FollowerSnapshot.objects.filter(account__influencer=dewi).count() == 2  # history kept
    assert Influencer.objects.get(name="Agus Existing").total_followers == 2_000

    # Never doubled: one account per natural key, whatever the case or @ in the file.
    assert PlatformAccount.objects.filter(handle__iexact="kaykaisalaider", platform="tiktok").count() == 1
    entry = AuditEntry.objects.get(action="import")
    assert entry.door == "import" and entry.user == job.user and entry.model == "influencers.influencer"
    assert "5 created" in entry.summary


def test_reimporting_the_same_file_changes_nothing(messy_preview):
    confirm(messy_preview, skip_errors=True)
    before = snapshot_of_database()
    again = preview(messy_preview.user, "influencers_messy.csv")
    assert counts(again) == {"unchanged": 7, "skip": 1, "error": 5}
    again = confirm(again, skip_errors=True)
    assert counts(again) == {"unchanged": 7, "skip": 1, "error": 5}
    assert again.result["records"] == {}
    assert snapshot_of_database() == before


def test_one_bad_row_stops_everything_until_the_person_chooses_to_skip_it(importer):
    job = preview(importer, "influencers_one_bad_row.csv")
    assert counts(job) == {"create": 3, "error": 1}
    assert errors_by_row(job) == {(4, "tiktok_followers"): "Cannot be negative."}
    job = confirm(job)
    assert job.status == ImportStatus.REFUSED
    assert not Influencer.objects.exists()
    job = job_run(job, dry_run=True)
    job = confirm(job, skip_errors=True)
    assert job.status == ImportStatus.DONE
    assert dict(PlatformAccount.objects.values_list("handle", "followers")) == {
        "good.one": 1000,
        "good.two": 2000,
        "good.four": 4500,
    }


def test_the_same_rows_as_xlsx_give_the_same_result(importer, existing_influencers):
    """Typed cells: real dates, real numbers, the serial as a number."""
    import csv

    with open(FIXTURES / "influencers_messy.csv", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(rows[0])
    for row in rows[1:]:
        typed = list(row)
        if typed[11] == "2018-03-01":
            typed[11] = dt.datetime(2018, 3, 1)
        elif typed[11] == "43285":
            typed[11] = 43285
        if typed[4] == "3.2M":
            typed[4] = 3_200_000
        sheet.append([v if v != "" else None for v in typed])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "influencers.xlsx"
    job = job_run(job_create(user=importer, kind="influencers", country=None, upload=buffer), dry_run=True)
    assert job.file_format == "xlsx"
    assert counts(job) == EXPECTED_COUNTS
    job = confirm(job, skip_errors=True)
    assert Influencer.objects.get(name="Kaykai Salaider").accounts.get(platform="tiktok").followers == 3_200_000
    assert Influencer.objects.get(name="Rina Nose 🌸").joined_platform_on == dt.date(2018, 7, 4)


def test_month_first_countries_read_dates_month_first(importer, indonesia):
    indonesia.dates_day_first = False
    indonesia.save()
    data = b"name,country,tiktok,joined\nBudi,ID,@budi,07/04/2018\n"
    upload = io.BytesIO(data)
    upload.name = "us-dates.csv"
    job = confirm(job_run(job_create(user=importer, kind="influencers", country=None, upload=upload), dry_run=True))
    assert job.status == ImportStatus.DONE
    assert Influencer.objects.get(name="Budi").joined_platform_on == dt.date(2018, 7, 4)


def test_a_chosen_country_refuses_rows_naming_another(importer, indonesia):
    job = preview(importer, "influencers_messy.csv", country=indonesia)
    errors = errors_by_row(job)
    assert errors[(2, "Country")] == "This import is for Indonesia; the row names Thailand."


def _import(importer, data: bytes, *, dry_run=False):
    upload = io.BytesIO(data)
    upload.name = "x.csv"
    job = job_run(job_create(user=importer, kind="influencers", country=None, upload=upload), dry_run=True)
    return job if dry_run else confirm(job)


def test_a_handle_of_another_country_starts_this_countrys_own_relationship(importer, thailand, indonesia):
    from tests import factories as f

    home = f.InfluencerFactory(country=thailand, name="Thai", notes="Thai team only", stage="active")
    account = f.PlatformAccountFactory(influencer=home, handle="budi", followers=1000)
    f.FollowerSnapshotFactory(account=account, date=dt.date(2026, 10, 1), followers=1000)
    Influencer.objects.filter(pk=home.pk).update(total_followers=1000)
    job = _import(importer, b"name,country,tiktok,tiktok_followers,stage,notes\nBudi,ID,@budi,2000,contacted,Ours\n")
    assert job.status == ImportStatus.DONE, job.errors
    assert counts(job) == {"create": 1}
    shared = Influencer.objects.get(country=indonesia)
    assert (shared.profile_id, shared.name, shared.stage, shared.notes) == (home.pk, "Budi", "contacted", "Ours")
    assert shared.total_followers == 1000 and not shared.accounts.exists()
    # The account stays with the Thai team, its follower history theirs to keep.
    account.refresh_from_db()
    assert account.influencer_id == home.pk and account.snapshots.count() == 1
    home.refresh_from_db()
    assert (home.name, home.notes, home.stage) == ("Thai", "Thai team only", "active")
    # Once per country: the same file again finds the relationship and changes nothing.
    again = _import(importer, b"name,country,tiktok,tiktok_followers,stage,notes\nBudi,ID,@budi,2000,contacted,Ours\n")
    assert counts(again) == {"unchanged": 1}
    assert Influencer.objects.filter(country=indonesia).count() == 1


def test_a_shared_relationship_found_by_name_takes_no_accounts_and_follows_its_home(importer, thailand, indonesia):
    from influencers.services import influencer_share
    from tests import factories as f

    home = f.InfluencerFactory(country=thailand, name="Thai", home_platform="youtube")
    f.PlatformAccountFactory(influencer=home, handle="budi")
    influencer_share(home, indonesia)
    job = _import(importer, b"name,country,instagram\nThai,ID,@thai.ig\n", dry_run=True)
    assert "kept by the team of the shared profile" in errors_by_row(job)[(2, "instagram")]
    job = _import(importer, b"name,country,home_platform,city\nThai,ID,instagram,Jakarta\n")
    assert job.status == ImportStatus.DONE, job.errors
    shared = Influencer.objects.get(country=indonesia)
    assert (shared.city, shared.home_platform) == ("Jakarta", "youtube")
    # The home team's import of its own record reaches the sharing team.
    job = _import(importer, b"name,country,tiktok,home_platform\nThai,TH,@budi,instagram\n")
    assert job.status == ImportStatus.DONE, job.errors
    shared.refresh_from_db()
    assert shared.home_platform == "instagram"


def test_a_new_account_cannot_join_a_shared_relationship(importer, thailand, indonesia):
    from tests import factories as f

    f.PlatformAccountFactory(influencer=f.InfluencerFactory(country=thailand, name="Thai"), handle="budi")
    job = _import(importer, b"name,country,tiktok,instagram\nBudi,ID,@budi,@budi.ig\n", dry_run=True)
    assert list(errors_by_row(job)) == [(2, "instagram")]
    assert "kept by the team of the shared profile" in errors_by_row(job)[(2, "instagram")]


def test_one_row_per_account_builds_one_influencer(importer):
    data = (
        b"name,country,platform,handle,followers,tier\n"
        b"Kaykai,TH,youtube,KaykaiSalaider,5.7M,\n"
        b"Kaykai,TH,,https://www.tiktok.com/@kaykai,3.2M,mega\n"
        b"Kaykai,TH,,https://www.tiktok.com/@kaykai,3.2M,macro\n"
    )
    upload = io.BytesIO(data)
    upload.name = "long.csv"
    job = confirm(job_run(job_create(user=importer, kind="influencers", country=None, upload=upload), dry_run=True))
    # Row 3 fills the blank tier; row 4 contradicts it and is refused.
    assert counts(job) == {"create": 1, "update": 1, "error": 1}
    assert errors_by_row(job) == {(4, "tier"): "Row 2 has the same influencer with another value (mega, here macro)."}
    job = confirm(job_run(job, dry_run=True), skip_errors=True)
    kaykai = Influencer.objects.get()
    assert kaykai.tier == "mega"
    assert sorted(kaykai.accounts.values_list("platform", "followers")) == [
        ("tiktok", 3_200_000),
        ("youtube", 5_700_000),
    ]
    assert kaykai.total_followers == 8_900_000


def test_the_country_column_takes_the_countrys_name_in_any_of_the_portals_languages(importer, indonesia):
    job = _import(importer, "name,country,tiktok\nBudi,インドネシア,@budi\nSari,อินโดนีเซีย,@sari\n".encode())
    assert job.status == ImportStatus.DONE and job.errors == []
    assert Influencer.objects.get(name="Budi").country == indonesia
    refused = _import(importer, b"name,country,tiktok\nRina,Narnia,@rina\n", dry_run=True)
    assert errors_by_row(refused) == {(2, "country"): "Unknown country: Narnia."}
