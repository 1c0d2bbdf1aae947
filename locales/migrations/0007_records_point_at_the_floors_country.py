import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('locales', '0006_regulator_requests'),
        ('opsportal', '0007_markets_and_team_move_to_the_floor'),
    ]

    # The country of every locales record now points at opsportal.Country (the same table,
    # locales_country): only the foreign keys are re-pointed.
    operations = [
        migrations.AlterField(
            model_name='regulatoryincident',
            name='country',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='regulatory_incidents', to='opsportal.country', verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='historicalgovernmentinteraction',
            name='country',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opsportal.country', verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='governmentinteraction',
            name='country',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='government_interactions', to='opsportal.country', verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='historicalculturalmoment',
            name='country',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opsportal.country', verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='historicalregulatoryincident',
            name='country',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opsportal.country', verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='historicalgovernmentcontact',
            name='country',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opsportal.country', verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='historicalregulatorrequest',
            name='country',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opsportal.country', verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='governmentcommitment',
            name='country',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='government_commitments', to='opsportal.country', verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='historicalgovernmentcommitment',
            name='country',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opsportal.country', verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='regulatorrequest',
            name='country',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='regulator_requests', to='opsportal.country', verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='culturalmoment',
            name='country',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cultural_moments', to='opsportal.country', verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='governmentcontact',
            name='country',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='government_contacts', to='opsportal.country', verbose_name='country'),
        ),
    ]
