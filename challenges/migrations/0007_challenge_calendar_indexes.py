from django.db import migrations, models


class Migration(migrations.Migration):
    """The calendar reads a country's challenges starting or ending in a month from these alone."""

    dependencies = [
        ("challenges", "0006_metric_snapshots_partitioned"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="challenge",
            index=models.Index(
                fields=["country", "starts_at"], include=["id", "hashtag", "ends_at"], name="challenge_calendar_starts"
            ),
        ),
        migrations.AddIndex(
            model_name="challenge",
            index=models.Index(
                fields=["country", "ends_at"], include=["id", "hashtag", "starts_at"], name="challenge_calendar_ends"
            ),
        ),
    ]
