import pytest
from django.core.management import CommandError, call_command

from govmedia.registry.models import MediaAccount

from .sheets import account_row, accounts_file


def test_import_accounts_command_imports_and_dry_run_does_not(world, tmp_path, capsys):
    path = tmp_path / "accounts.xlsx"
    path.write_bytes(accounts_file(account_row()))
    call_command("import_accounts", str(path), "--dry-run")
    assert not MediaAccount.objects.filter(platform_uid="gh_qs_rs").exists()
    call_command("import_accounts", str(path))
    assert MediaAccount.objects.filter(platform_uid="gh_qs_rs").exists()
    assert "已新增 1 条" in capsys.readouterr().out


def test_import_command_lists_every_error_and_fails(world, tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(accounts_file(account_row(平台="推特")))
    with pytest.raises(CommandError, match="整个文件未导入"):
        call_command("import_accounts", str(path))
    assert "第 2 行 [平台]" in capsys.readouterr().err
