"""The portal's challenge list reads a page's ids in its default order from an index.

Why (issue 16, the challenge list at 10x): the list pages by (start descending, hashtag, id); the
country's 20,000 challenges were sorted to keep fifty. None of these columns is a total the metric
feed rewrites, so that rewrite stays HOT.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('challenges', '0009_calendar_indexes_ordered_by_id'),
        ('locales', '0008_markets_and_team_leave_locales'),
        ('opsportal', '0007_markets_and_team_move_to_the_floor'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='challenge',
            index=models.Index(fields=['country', '-starts_at', 'hashtag', 'id'], name='challenge_list_order'),
        ),
    ]
