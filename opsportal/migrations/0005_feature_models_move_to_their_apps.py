from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('opsportal', '0004_milestones_announced_once'),
    ]

    # The weekly report, the inbox entry and the milestone now belong to their feature apps
    # (reports, notifications, milestones): their tables stay, only Django's state moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='notification',
                    name='country',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='recipient',
                ),
                migrations.RemoveField(
                    model_name='weeklyreport',
                    name='country',
                ),
                migrations.DeleteModel(
                    name='Milestone',
                ),
                migrations.DeleteModel(
                    name='Notification',
                ),
                migrations.DeleteModel(
                    name='WeeklyReport',
                ),
            ],
        ),
    ]
