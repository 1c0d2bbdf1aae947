"""The calendar's covering indexes on challenges take the id as their last key column.

Why (issue 16, the month calendar at 10x): the month reads each local day's first four challenges
starting (ending) by (moment, id) and the day's count. With the id only included, a day on which
20,000 challenges start was sorted whole to find its first four (about 20 ms); with it as a key the
four are read in order. The columns are those of 0007: none is a total the metric feed rewrites,
so that rewrite stays HOT.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('challenges', '0008_challenge_metrics_since_and_status_start_index'),
        ('locales', '0008_markets_and_team_leave_locales'),
        ('opsportal', '0007_markets_and_team_move_to_the_floor'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='challenge',
            name='challenge_calendar_starts',
        ),
        migrations.RemoveIndex(
            model_name='challenge',
            name='challenge_calendar_ends',
        ),
        migrations.AddIndex(
            model_name='challenge',
            index=models.Index(fields=['country', 'starts_at', 'id'], include=('hashtag', 'ends_at'), name='challenge_calendar_starts'),
        ),
        migrations.AddIndex(
            model_name='challenge',
            index=models.Index(fields=['country', 'ends_at', 'id'], include=('hashtag', 'starts_at'), name='challenge_calendar_ends'),
        ),
    ]
