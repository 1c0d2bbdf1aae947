import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_labels(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("opsportal", "AuditEntry")
    ContentType.objects.filter(app_label="opsportal", model="notification").update(app_label="notifications")
    AuditEntry.objects.filter(model="opsportal.notification").update(model="notifications.notification")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('opsportal', '0005_feature_models_move_to_their_apps'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('locales', '0004_relationship_health_last_contacted'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # Moved from opsportal: the table exists already (renamed in 0002), so only the state is
    # created here; the content type and the audit trail's record type follow the model.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(db_index=True, max_length=40, verbose_name='kind')),
                        ('title', models.CharField(max_length=300, verbose_name='title')),
                        ('body', models.TextField(blank=True, verbose_name='body')),
                        ('url', models.CharField(blank=True, max_length=500, verbose_name='link')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read at')),
                        ('country', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='locales.country', verbose_name='country')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                    ],
                    options={
                        'db_table': 'opsportal_notification',
                        'verbose_name': 'notification',
                        'verbose_name_plural': 'notifications',
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['recipient', 'read_at'], name='opsportal_n_recipie_8bd62f_idx')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_labels, migrations.RunPython.noop),
    ]
