# Only Django's state changes: the index stays; its refusal now carries a code that the model
# reports on the hashtag field (ConstraintsOnFields).

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("challenges", "0010_challenge_list_order_index"),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name="challenge",
            name="challenge_hashtag_unique_per_country",
            constraint=models.UniqueConstraint(
                models.F("country"),
                django.db.models.functions.text.Lower("hashtag"),
                name="challenge_hashtag_unique_per_country",
                violation_error_code="hashtag_taken",
                violation_error_message="This hashtag is already used by a challenge in this country.",
            ),
        ),
    ]
