# Only Django's state changes: the index stays; its refusal now carries a code that the model
# reports on the handle field (ConstraintsOnFields).

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0013_influencer_dashboard_count_indexes"),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name="platformaccount",
            name="account_handle_unique_per_platform",
            constraint=models.UniqueConstraint(
                models.F("platform"),
                django.db.models.functions.text.Lower("handle"),
                name="account_handle_unique_per_platform",
                violation_error_code="handle_taken",
                violation_error_message="This handle is already registered on this platform.",
            ),
        ),
    ]
