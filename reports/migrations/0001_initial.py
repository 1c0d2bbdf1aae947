import django.db.models.deletion
from django.db import migrations, models


def move_labels(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("opsportal", "AuditEntry")
    ContentType.objects.filter(app_label="opsportal", model="weeklyreport").update(app_label="reports")
    AuditEntry.objects.filter(model="opsportal.weeklyreport").update(model="reports.weeklyreport")


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
                    name='WeeklyReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('week', models.CharField(help_text='e.g. 2026-W47', max_length=8, verbose_name='ISO week')),
                        ('data', models.JSONField(default=dict, verbose_name='figures')),
                        ('recipients', models.JSONField(blank=True, default=list, verbose_name='recipients')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                        ('country', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='weekly_reports', to='locales.country', verbose_name='country')),
                    ],
                    options={
                        'db_table': 'opsportal_weeklyreport',
                        'verbose_name': 'weekly report',
                        'verbose_name_plural': 'weekly reports',
                        'ordering': ['-week', 'country__name'],
                        'constraints': [models.UniqueConstraint(fields=('country', 'week'), name='weekly_report_once_per_week'), models.UniqueConstraint(condition=models.Q(('country__isnull', True)), fields=('week',), name='hq_report_once_per_week')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_labels, migrations.RunPython.noop),
    ]
