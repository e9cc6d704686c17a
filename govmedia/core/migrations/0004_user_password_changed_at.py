from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0003_jobclaim")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="password_changed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="密码修改时间"),
        ),
    ]
