"""``Challenge.metrics_since`` (no snapshot of the challenge predates it), filled from the
snapshots, and the (country, status) index widened to (country, status, starts_at).

Why (issue 16, goals at 10x): a quarter's views gained probed the snapshots twice per challenge of
the country (the latest count before the quarter and before its end), 20,000 challenges and about
400 ms at 10x. With the cached totals and this bound, a challenge whose snapshots all fall in the
quarter needs no probe, and (country, metrics_since) finds those that have any snapshot before a
past quarter's end. The wider index serves everything the old one did and counts a quarter's
launches without reading the table. No index names a cached total, and the hourly rewrite leaves
``metrics_since`` as it was, so that rewrite stays HOT.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_metrics_since(apps, schema_editor):
    Challenge = apps.get_model("challenges", "Challenge")
    Snapshot = apps.get_model("challenges", "ChallengeMetricSnapshot")
    earliest = Snapshot.objects.filter(challenge_id=OuterRef("pk")).order_by("captured_at").values("captured_at")[:1]
    Challenge.objects.update(metrics_since=Subquery(earliest))


class Migration(migrations.Migration):
    dependencies = [
        ("challenges", "0007_challenge_calendar_indexes"),
        ("locales", "0008_markets_and_team_leave_locales"),
        ("opsportal", "0007_markets_and_team_move_to_the_floor"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="challenge",
            name="metrics_since",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="metrics since"),
        ),
        migrations.RunPython(fill_metrics_since, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="challenge",
            index=models.Index(fields=["country", "status", "starts_at"], name="challenge_country_status_start"),
        ),
        migrations.RemoveIndex(
            model_name="challenge",
            name="challenges__country_e1a172_idx",
        ),
        migrations.AddIndex(
            model_name="challenge",
            index=models.Index(fields=["country", "metrics_since"], name="challenge_metrics_since"),
        ),
    ]
