"""locales 0009: moments already named alike in one country, whatever the case, keep their
records and get a number, so the case-insensitive constraint can be added (and taken back)."""

import pytest

from tests.migrations import migrate_to

BEFORE = [("locales", "0008_markets_and_team_leave_locales")]
AFTER = [("locales", "0009_moment_names_unique_whatever_their_case")]


@pytest.mark.django_db(transaction=True)
def test_twins_in_another_case_are_numbered_and_nothing_is_lost():
    apps = migrate_to(BEFORE)
    Country = apps.get_model("opsportal", "Country")
    Moment = apps.get_model("locales", "CulturalMoment")
    thailand = Country.objects.create(code="TH", name="Thailand", timezone="Asia/Bangkok")
    vietnam = Country.objects.create(code="VN", name="Vietnam", timezone="Asia/Ho_Chi_Minh")
    for name in ["Songkran", "songkran", "SONGKRAN", "songkran (2)", "Loy Krathong"]:
        Moment.objects.create(country=thailand, name=name)
    Moment.objects.create(country=vietnam, name="songkran")  # another country's is its own
    long = "L" * 120
    Moment.objects.create(country=vietnam, name=long)
    Moment.objects.create(country=vietnam, name=long.lower())

    apps = migrate_to(AFTER)
    Moment = apps.get_model("locales", "CulturalMoment")
    thai = list(Moment.objects.filter(country__code="TH").order_by("pk").values_list("name", flat=True))
    assert thai == ["Songkran", "songkran (3)", "SONGKRAN (4)", "songkran (2)", "Loy Krathong"]
    vietnamese = list(Moment.objects.filter(country__code="VN").order_by("pk").values_list("name", flat=True))
    assert vietnamese == ["songkran", long, "l" * 116 + " (2)"]

    migrate_to(BEFORE)  # and back: the case-sensitive constraint holds the numbered names
    apps = migrate_to(AFTER)
    Moment = apps.get_model("locales", "CulturalMoment")
    Moment.objects.all().delete()
    apps.get_model("opsportal", "Country").objects.filter(code__in=["TH", "VN"]).delete()
