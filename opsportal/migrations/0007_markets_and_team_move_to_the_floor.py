import django.core.validators
import django.db.models.deletion
import opsportal.db
import simple_history.models
from django.conf import settings
from django.db import migrations, models

# The content types (and with them the permissions) and the audit trail's record type follow
# the models; the history models' too. Reversible: migrating back renames them back.
MOVED = ["country", "teammembership", "staffprofile", "historicalcountry", "historicalteammembership"]


def _move_labels(apps, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("opsportal", "AuditEntry")
    for model in MOVED:
        moved = ContentType.objects.filter(app_label=source, model=model)
        if moved.exists():
            # A row for the new label made in between (by post_migrate) holds nothing yet: the
            # old row, with its permissions and whatever points at it, takes its place.
            ContentType.objects.filter(app_label=target, model=model).delete()
            moved.update(app_label=target)
        AuditEntry.objects.filter(model=f"{source}.{model}").update(model=f"{target}.{model}")


def move_labels(apps, schema_editor):
    _move_labels(apps, "locales", "opsportal")


def move_labels_back(apps, schema_editor):
    _move_labels(apps, "opsportal", "locales")


class Migration(migrations.Migration):

    dependencies = [
        ('opsportal', '0006_outbox_status_length'),
        ('locales', '0006_regulator_requests'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The markets and the team (Country, TeamMembership, StaffProfile and the history of the
    # first two) move from locales to the floor. Their tables keep their names (locales_*), so
    # only Django's state is created here; locales 0008 removes them from locales' state once
    # every foreign key points here.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Country',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='updated at')),
                        ('code', models.CharField(help_text='ISO 3166-1 alpha-2, e.g. ID for Indonesia.', max_length=2, unique=True, validators=[django.core.validators.RegexValidator('^[A-Z]{2}$', 'Use the ISO 3166-1 alpha-2 code, e.g. ID.')], verbose_name='code')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('local_name', models.CharField(blank=True, max_length=100, verbose_name='local name')),
                        ('languages', models.JSONField(blank=True, default=list, help_text='Language codes spoken, e.g. ["id", "en"].', verbose_name='languages')),
                        ('default_language', models.CharField(default='en', max_length=10, verbose_name='team language')),
                        ('timezone', models.CharField(max_length=64, validators=[opsportal.db.validate_timezone], verbose_name='timezone')),
                        ('currency', models.CharField(max_length=3, validators=[opsportal.db.validate_currency], verbose_name='currency')),
                        ('launch_date', models.DateField(blank=True, null=True, verbose_name='launch date')),
                        ('local_office', models.CharField(blank=True, max_length=200, verbose_name='local office')),
                        ('dates_day_first', models.BooleanField(default=True, help_text='How 04/07/2018 is read in imports.', verbose_name='dates are day-first')),
                        ('government_touch_days', models.PositiveSmallIntegerField(default=90, verbose_name='government contact touch threshold (days)')),
                        ('cold_after_days', models.PositiveSmallIntegerField(default=60, help_text='An influencer or partner not contacted for this long is going cold.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='cold relationship threshold (days)')),
                        ('request_deadline_hours', models.PositiveSmallIntegerField(default=48, help_text='A request from a regulator or a court is due this many hours after it came, unless it says otherwise.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='regulator request deadline (hours)')),
                        ('extra_report_recipients', models.JSONField(blank=True, default=list, verbose_name='extra weekly report recipients')),
                        ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                    ],
                    options={
                        'verbose_name': 'country',
                        'verbose_name_plural': 'countries',
                        'db_table': 'locales_country',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalCountry',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(blank=True, db_index=True, editable=False, verbose_name='updated at')),
                        ('history_door', models.CharField(blank=True, choices=[('portal', 'Portal'), ('api', 'API'), ('admin', 'Admin'), ('task', 'Background task'), ('command', 'Command line'), ('import', 'Import')], max_length=8, verbose_name='door')),
                        ('code', models.CharField(db_index=True, help_text='ISO 3166-1 alpha-2, e.g. ID for Indonesia.', max_length=2, validators=[django.core.validators.RegexValidator('^[A-Z]{2}$', 'Use the ISO 3166-1 alpha-2 code, e.g. ID.')], verbose_name='code')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('local_name', models.CharField(blank=True, max_length=100, verbose_name='local name')),
                        ('languages', models.JSONField(blank=True, default=list, help_text='Language codes spoken, e.g. ["id", "en"].', verbose_name='languages')),
                        ('default_language', models.CharField(default='en', max_length=10, verbose_name='team language')),
                        ('timezone', models.CharField(max_length=64, validators=[opsportal.db.validate_timezone], verbose_name='timezone')),
                        ('currency', models.CharField(max_length=3, validators=[opsportal.db.validate_currency], verbose_name='currency')),
                        ('launch_date', models.DateField(blank=True, null=True, verbose_name='launch date')),
                        ('local_office', models.CharField(blank=True, max_length=200, verbose_name='local office')),
                        ('dates_day_first', models.BooleanField(default=True, help_text='How 04/07/2018 is read in imports.', verbose_name='dates are day-first')),
                        ('government_touch_days', models.PositiveSmallIntegerField(default=90, verbose_name='government contact touch threshold (days)')),
                        ('cold_after_days', models.PositiveSmallIntegerField(default=60, help_text='An influencer or partner not contacted for this long is going cold.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='cold relationship threshold (days)')),
                        ('request_deadline_hours', models.PositiveSmallIntegerField(default=48, help_text='A request from a regulator or a court is due this many hours after it came, unless it says otherwise.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='regulator request deadline (hours)')),
                        ('extra_report_recipients', models.JSONField(blank=True, default=list, verbose_name='extra weekly report recipients')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('created_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                        ('history_token', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='opsportal.apitoken', verbose_name='API token')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical country',
                        'verbose_name_plural': 'historical countries',
                        'db_table': 'locales_historicalcountry',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalTeamMembership',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(blank=True, db_index=True, editable=False, verbose_name='updated at')),
                        ('history_door', models.CharField(blank=True, choices=[('portal', 'Portal'), ('api', 'API'), ('admin', 'Admin'), ('task', 'Background task'), ('command', 'Command line'), ('import', 'Import')], max_length=8, verbose_name='door')),
                        ('role', models.CharField(choices=[('lead', 'Country lead'), ('operator', 'Operator'), ('government_relations', 'Government relations'), ('viewer', 'Viewer')], db_index=True, max_length=24, verbose_name='role')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('country', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opsportal.country', verbose_name='country')),
                        ('created_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                        ('history_token', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='opsportal.apitoken', verbose_name='API token')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                    ],
                    options={
                        'verbose_name': 'historical team membership',
                        'verbose_name_plural': 'historical team memberships',
                        'db_table': 'locales_historicalteammembership',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='StaffProfile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('languages', models.JSONField(blank=True, default=list, verbose_name='languages spoken')),
                        ('preferred_language', models.CharField(blank=True, choices=[('en', 'English'), ('id', 'Bahasa Indonesia'), ('th', 'Thai'), ('vi', 'Vietnamese'), ('ja', 'Japanese'), ('ms', 'Malay'), ('km', 'Khmer')], max_length=10, verbose_name='preferred language')),
                        ('timezone', models.CharField(blank=True, max_length=64, verbose_name='personal timezone')),
                        ('background', models.CharField(blank=True, choices=[('local_hire', 'Local hire'), ('global_hire', 'Global hire'), ('intern', 'Intern')], max_length=16, verbose_name='background')),
                        ('hq_access', models.CharField(blank=True, choices=[('', 'None'), ('viewer', 'HQ viewer'), ('viewer_government', 'HQ viewer with government contacts')], default='', max_length=24, verbose_name='HQ access')),
                        ('hq_finance', models.BooleanField(default=False, help_text='Sees creator agreements, fees and payments in every country (read-only).', verbose_name='HQ finance grant')),
                        ('muted_reminders', models.JSONField(blank=True, default=list, verbose_name='muted reminder kinds')),
                        ('buddhist_era', models.BooleanField(default=False, verbose_name='show Buddhist Era years')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='profile', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                    ],
                    options={
                        'verbose_name': 'staff profile',
                        'verbose_name_plural': 'staff profiles',
                        'db_table': 'locales_staffprofile',
                    },
                ),
                migrations.CreateModel(
                    name='TeamMembership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='updated at')),
                        ('role', models.CharField(choices=[('lead', 'Country lead'), ('operator', 'Operator'), ('government_relations', 'Government relations'), ('viewer', 'Viewer')], db_index=True, max_length=24, verbose_name='role')),
                        ('country', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='opsportal.country', verbose_name='country')),
                        ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                    ],
                    options={
                        'verbose_name': 'team membership',
                        'verbose_name_plural': 'team memberships',
                        'db_table': 'locales_teammembership',
                        'ordering': ['country__name', 'user__username'],
                        'constraints': [models.UniqueConstraint(fields=('user', 'country'), name='membership_unique_per_country')],
                    },
                ),
            ],
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='countries',
            field=models.ManyToManyField(related_name='api_tokens', to='opsportal.country', verbose_name='countries'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='country',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='opsportal.country', verbose_name='country'),
        ),
        migrations.RunPython(move_labels, move_labels_back),
    ]
