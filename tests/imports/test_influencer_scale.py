"""The influencer import at size: a batch asks the same number of queries whatever its rows, and
what the set-based writes store is what the row said."""

import io

import pytest
from django.db import connection

from imports.kinds.influencers import InfluencerKind
from imports.models import ImportStatus
from imports.services import job_create, job_run
from influencers.models import FollowerSnapshot, Influencer, PlatformAccount

from .helpers import confirm, counts, errors_by_row


def _file(rows: int) -> bytes:
    lines = ["name,country,tiktok,tiktok_followers,youtube,youtube_followers,categories,stage"]
    for i in range(rows):
        lines.append(f"Creator {i},ID,@creator_{i},{i + 1}K,https://www.youtube.com/@Creator{i},{i + 2},Dance,active")
    return ("\n".join(lines) + "\n").encode()


def _run(importer, data: bytes, *, dry_run: bool):
    upload = io.BytesIO(data)
    upload.name = "creators.csv"
    job = job_create(user=importer, kind="influencers", country=None, upload=upload)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # Counted as they run: the import empties Django's query log after each batch.
    with connection.execute_wrapper(count):
        job = job_run(job, dry_run=True) if dry_run else confirm(job_run(job, dry_run=True))
    return job, len(queries)


def test_a_batch_asks_the_same_queries_for_3_rows_as_for_30(importer, indonesia):
    # 30: SQLite's inserts are cut at 999 parameters (about 40 influencers); PostgreSQL's never.
    _run(importer, _file(1), dry_run=True)  # the connection's first queries (time zone, types) out of the way
    _job, few = _run(importer, _file(3), dry_run=True)
    job, many = _run(importer, _file(30), dry_run=True)
    assert counts(job) == {"create": 30}
    assert many == few


def test_new_influencers_accounts_counts_and_categories_are_stored_as_the_rows_say(importer, indonesia):
    job, _queries = _run(importer, _file(3), dry_run=False)
    assert job.status == ImportStatus.DONE, job.errors
    assert counts(job) == {"create": 3}
    assert job.result["records"] == {
        "influencer.create": 3,
        "platform_account.create": 6,
        "follower_snapshot.create": 6,
        "category.create": 1,
        "category_link.create": 3,
    }
    creator = Influencer.objects.get(name="Creator 2")
    assert (creator.country, creator.stage, creator.created_by) == (indonesia, "active", importer)
    assert creator.stage_changed_at is not None and creator.created_at is not None
    assert creator.total_followers == 3_000 + 4
    assert [c.name for c in creator.categories.all()] == ["Dance"]
    accounts = {a.platform: a for a in creator.accounts.all()}
    assert accounts["youtube"].url == "https://www.youtube.com/@Creator2"
    assert accounts["tiktok"].url == "https://www.tiktok.com/@creator_2"
    assert (accounts["tiktok"].followers, accounts["tiktok"].created_by) == (3_000, importer)
    snapshot = FollowerSnapshot.objects.get(account=accounts["tiktok"])
    assert (snapshot.followers, snapshot.source, snapshot.date) == (3_000, "import", accounts["tiktok"].followers_on)
    # The same file again: every row found by its handles, nothing written.
    again, _queries = _run(importer, _file(3), dry_run=False)
    assert counts(again) == {"unchanged": 3}
    assert PlatformAccount.objects.count() == 6


@pytest.mark.postgresql(reason="SQLite does not enforce a varchar's length")
def test_a_profile_url_too_long_for_its_column_fails_the_import_with_the_databases_reason(importer, indonesia):
    data = b"name,country,youtube\nLong,ID,https://www.youtube.com/@long/" + b"x" * 200 + b"\n"
    job, _queries = _run(importer, data, dry_run=True)
    assert job.status == ImportStatus.FAILED
    assert job.result["fatal"].startswith("The database refused the import")
    assert not Influencer.objects.exists()


def test_a_repeated_influencer_names_its_first_row_from_a_later_batch(importer, existing_influencers, monkeypatch):
    # Two rows a batch: each repeat below is read batches after the row it repeats, once that
    # row's influencer is written (new) or matched (stored).
    monkeypatch.setattr(InfluencerKind, "batch_size", 2)
    data = (
        b"name,country,tiktok,tiktok_followers,tier\n"
        b"Kaykai,ID,@kaykai,3.2M,mega\n"  # 2: new
        b"Dewi Existing,ID,@dewi_dance,12K,\n"  # 3: stored
        b"Budi,ID,@budi,,\n"  # 4
        b"Kaykai,ID,@KAYKAI,3.2M,macro\n"  # 5: contradicts row 2
        b"Kaykai,ID,@kaykai,3.2M,\n"  # 6: repeats row 2
        b"Dewi Existing,ID,@dewi_dance,13K,\n"  # 7: contradicts row 3
    )
    job, _queries = _run(importer, data, dry_run=True)
    assert errors_by_row(job) == {
        (5, "tier"): "Row 2 has the same influencer with another value (mega, here macro).",
        (7, "tiktok_followers"): "Row 3 has the same influencer with another value (12,000, here 13,000).",
    }
    assert job.result["samples"]["skip"] == [{"row": 6, "text": "Same influencer as row 2: Kaykai · tiktok @kaykai"}]
    assert counts(job) == {"create": 2, "update": 1, "skip": 1, "error": 2}
