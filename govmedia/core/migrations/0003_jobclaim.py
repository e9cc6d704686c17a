from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_ip")]

    operations = [
        migrations.CreateModel(
            name="JobClaim",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=200, unique=True)),
                ("owner", models.CharField(max_length=200)),
                ("claimed_at", models.DateTimeField()),
                ("expires_at", models.DateTimeField(db_index=True)),
            ],
            options={"verbose_name": "任务占用", "verbose_name_plural": "任务占用"},
        ),
    ]
