from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0009_influencer_country_name_lower"),
        ("opsportal", "0007_markets_and_team_move_to_the_floor"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="influencer",
            name="week_gain",
            field=models.BigIntegerField(
                blank=True, editable=False, null=True, verbose_name="followers gained this week"
            ),
        ),
        migrations.AddField(
            model_name="influencer",
            name="week_gain_since",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="week's gain counted since"),
        ),
        migrations.AlterField(
            model_name="historicalinfluencer",
            name="is_core",
            field=models.BooleanField(default=False, verbose_name="core influencer"),
        ),
        migrations.AlterField(
            model_name="influencer",
            name="is_core",
            field=models.BooleanField(default=False, verbose_name="core influencer"),
        ),
        migrations.AddIndex(
            model_name="influencer",
            index=models.Index(
                condition=models.Q(("is_core", True)),
                fields=["country", "week_gain_since", "-week_gain"],
                name="influencer_core_week_gain",
            ),
        ),
    ]
