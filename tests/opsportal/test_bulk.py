"""insert_objects: plain objects become rows of a model, every column written, each given its id."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from influencers.models import FollowerSnapshot, Influencer, PlatformAccount
from opsportal.bulk import insert_objects, model_defaults
from tests import factories as f

pytestmark = pytest.mark.django_db


class Row:
    pk = None

    def __init__(self, **values):
        self.__dict__.update(values)


def _influencer(country, name, **values):
    now = timezone.now()
    fields = {**model_defaults(Influencer), "country_id": country.pk, "name": name, "created_at": now}
    return Row(**{**fields, "updated_at": now, **values})


def test_every_column_is_written_and_each_row_gets_its_id():
    country = f.CountryFactory(code="ID")
    rows = [
        _influencer(country, 'Rina "Nose" 🌸', local_name="ไข่ไก่", is_core=True, joined_platform_on=dt.date(2018, 7, 4)),
        _influencer(country, "Back\\slash, {brace}", notes="two\nlines", total_followers=2**40),
    ]
    insert_objects(Influencer, rows)
    assert all(row.pk for row in rows)
    stored = {i.pk: i for i in Influencer.objects.all()}
    assert set(stored) == {row.pk for row in rows}
    for row in rows:
        influencer = stored[row.pk]
        for name in ("name", "local_name", "is_core", "joined_platform_on", "notes", "total_followers", "stage"):
            assert getattr(influencer, name) == getattr(row, name), name
    # Rows inserted next can point at the ids just given.
    now = timezone.now()
    account = Row(influencer_id=rows[0].pk, platform="tiktok", handle="rina", url="", followers=5, followers_on=None)
    account.created_by_id, account.created_at, account.updated_at = None, now, now
    insert_objects(PlatformAccount, [account])
    snapshot = Row(account_id=account.pk, date=dt.date(2026, 1, 2), followers=5, source="import", recorded_at=now)
    insert_objects(FollowerSnapshot, [snapshot])
    assert FollowerSnapshot.objects.get(pk=snapshot.pk).account.influencer_id == rows[0].pk


def test_nothing_to_insert_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        insert_objects(Influencer, [])


@pytest.mark.postgresql(reason="SQLite does not enforce a varchar's length")
def test_a_value_too_long_for_its_column_is_refused_not_cut():
    country = f.CountryFactory(code="ID")
    with pytest.raises(DatabaseError), transaction.atomic():
        insert_objects(Influencer, [_influencer(country, "x" * 201)])
    assert not Influencer.objects.exists()
    assert connection.vendor == "postgresql"


def test_among_finds_what_an_in_list_finds():
    from django.db.models.functions import Lower

    from opsportal.bulk import among

    country = f.CountryFactory(code="ID")
    kept = [f.InfluencerFactory(country=country, name=name) for name in ("Rina", 'Back\\slash "quoted"', "ไข่ไก่")]
    f.InfluencerFactory(country=country, name="Other")
    names = Influencer.objects.annotate(name_lower=Lower("name"))
    wanted = ["rina", 'back\\slash "quoted"', "ไข่ไก่", "nobody"]
    assert set(names.filter(among("name_lower", wanted))) == set(kept)
    assert set(Influencer.objects.filter(among("pk", [i.pk for i in kept]))) == set(kept)
    assert not Influencer.objects.filter(among("pk", [])).exists()
