import django.db.models.deletion
from django.db import migrations, models


def move_labels(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("opsportal", "AuditEntry")
    ContentType.objects.filter(app_label="opsportal", model="milestone").update(app_label="milestones")
    AuditEntry.objects.filter(model="opsportal.milestone").update(model="milestones.milestone")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('opsportal', '0005_feature_models_move_to_their_apps'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('locales', '0004_relationship_health_last_contacted'),
    ]

    # Moved from opsportal: the table exists already (renamed in 0002), so only the state is
    # created here; the content type and the audit trail's record type follow the model.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Milestone',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=200, unique=True, verbose_name='key')),
                        ('kind', models.CharField(max_length=40, verbose_name='kind')),
                        ('object_id', models.PositiveBigIntegerField(verbose_name='record')),
                        ('reached_on', models.DateField(blank=True, null=True, verbose_name='reached on')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='announced at')),
                        ('country', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='locales.country', verbose_name='country')),
                    ],
                    options={
                        'db_table': 'opsportal_milestone',
                        'verbose_name': 'milestone',
                        'verbose_name_plural': 'milestones',
                        'ordering': ['-created_at'],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_labels, migrations.RunPython.noop),
    ]
