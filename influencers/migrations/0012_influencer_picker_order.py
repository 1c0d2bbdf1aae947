from django.db import migrations, models


class Migration(migrations.Migration):
    """The event pages' influencer pickers read a country's first 50 creators in this order."""

    dependencies = [
        ("influencers", "0011_follower_refresh_queue"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="influencer",
            index=models.Index(
                condition=models.Q(("erased_at", None)),
                fields=["country", "-is_core", "-total_followers", "name"],
                name="influencer_picker_order",
            ),
        ),
    ]
