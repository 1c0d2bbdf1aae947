from django.db import migrations, models


def set_fillfactor(apps, schema_editor, value="80"):
    # Leave room on each page so the hourly rewrite of the totals stays on the same page (HOT).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE challenges_challenge SET (fillfactor = {int(value)})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE challenges_challenge RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("challenges", "0002_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="challenge",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated at"),
        ),
        migrations.AlterField(
            model_name="challenge",
            name="views",
            field=models.PositiveBigIntegerField(default=0, verbose_name="views"),
        ),
        migrations.RunPython(set_fillfactor, reset_fillfactor),
    ]
