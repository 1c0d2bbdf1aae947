"""pg_array: a bulk column as one array literal must read back exactly what was sent."""

import datetime as dt

import pytest

from opsportal.db import bulk_cursor, pg_array

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgresql(reason="bulk SQL (array literals, binary binding) is PostgreSQL's"),
]


@pytest.mark.parametrize(
    ("values", "sql_type"),
    [
        ([1, -2, 2**63 - 1, 0], "bigint"),
        ([], "bigint"),
        (["plain", 'a "quoted" tag', "back\\slash", "comma, brace {}", "NULL", "", " spaced ", "ไทย", None], "text"),
        ([dt.date(2026, 7, 4), dt.date(1999, 12, 31), None], "date"),
        (
            [
                dt.datetime(2026, 7, 4, 10, tzinfo=dt.UTC),
                dt.datetime(2026, 7, 4, 17, tzinfo=dt.timezone(dt.timedelta(hours=7))),
                dt.datetime(2026, 7, 4, 10, 0, 0, 123456, tzinfo=dt.UTC),
            ],
            "timestamptz",
        ),
        ([True, False, None], "boolean"),
    ],
)
def test_values_survive_the_round_trip(values, sql_type):
    with bulk_cursor() as cursor:
        cursor.execute(f"SELECT %s::{sql_type}[]", [pg_array(values)])
        (back,) = cursor.fetchone()
    assert back == values


def test_equal_moments_in_other_zones_stay_the_same_instant():
    utc = dt.datetime(2026, 7, 4, 3, tzinfo=dt.UTC)
    jakarta = utc.astimezone(dt.timezone(dt.timedelta(hours=7)))
    with bulk_cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz[]", [pg_array([utc, jakarta, utc])])
        (back,) = cursor.fetchone()
    assert back == [utc, utc, utc]
