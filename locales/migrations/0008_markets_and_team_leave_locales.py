from django.db import migrations


class Migration(migrations.Migration):

    # After every foreign key that pointed at locales.Country (or the team) points at the
    # floor's models: only then may they leave locales' state.
    dependencies = [
        ('locales', '0007_records_point_at_the_floors_country'),
        ('opsportal', '0007_markets_and_team_move_to_the_floor'),
        ('agreements', '0002_alter_agreement_country_and_more'),
        ('budgets', '0002_alter_budgetline_country_and_more'),
        ('challenges', '0005_alter_challenge_country_and_more'),
        ('events', '0005_alter_event_country_alter_historicalevent_country_and_more'),
        ('feeds', '0003_alter_calendarfeedtoken_country'),
        ('goals', '0002_alter_countrygoal_country_and_more'),
        ('imports', '0002_alter_importjob_country'),
        ('influencers', '0006_alter_historicalinfluencer_country_and_more'),
        ('milestones', '0003_alter_milestone_country'),
        ('notifications', '0003_alter_notification_country'),
        ('reports', '0003_alter_weeklyreport_country'),
        ('webhooks', '0005_country_from_the_floor'),
    ]

    # Country, TeamMembership and StaffProfile (and the two history models) now live in
    # opsportal (0007) with the same tables: they leave locales' state, and no table is touched.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='country',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='teammembership',
                    name='country',
                ),
                migrations.RemoveField(
                    model_name='historicalteammembership',
                    name='country',
                ),
                migrations.RemoveField(
                    model_name='historicalcountry',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='historicalcountry',
                    name='history_token',
                ),
                migrations.RemoveField(
                    model_name='historicalcountry',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalteammembership',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='historicalteammembership',
                    name='history_token',
                ),
                migrations.RemoveField(
                    model_name='historicalteammembership',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalteammembership',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='staffprofile',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='teammembership',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='teammembership',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='Country',
                ),
                migrations.DeleteModel(
                    name='HistoricalCountry',
                ),
                migrations.DeleteModel(
                    name='HistoricalTeamMembership',
                ),
                migrations.DeleteModel(
                    name='StaffProfile',
                ),
                migrations.DeleteModel(
                    name='TeamMembership',
                ),
            ],
        ),
    ]
