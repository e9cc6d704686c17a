"""kill -9 in the middle of an import: nothing half-written, and the rerun ends like an uninterrupted run."""

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.core.test_backup import ROOT, manage, scratch_database, shell
from tests.registry.sheets import account_row, accounts_file, unit_row, units_file

ROWS = 6000


@pytest.mark.slow
def test_an_import_killed_midway_leaves_nothing_and_the_rerun_completes(tmp_path):
    with scratch_database(tmp_path) as url:
        env = {**os.environ, "DATABASE_URL": url, "GOVMEDIA_DATA_DIR": str(tmp_path / "data")}
        manage(env, "migrate", "--noinput", "-v0")
        units = tmp_path / "units.xlsx"
        units.write_bytes(
            units_file(
                unit_row(单位名称="青山县人民政府", 上级单位="", 单位类型="人民政府", 行政区划="青山县"),
                unit_row(单位名称="青山县教育局"),
            )
        )
        manage(env, "import_units", str(units))
        accounts = tmp_path / "accounts.xlsx"
        accounts.write_bytes(
            accounts_file(
                *[
                    account_row(账号ID=f"uid{i}", 账号名称=f"青山教育{i}", 负责人手机=f"139{i:08d}")
                    for i in range(ROWS)
                ]
            )
        )
        count = "from govmedia.registry.models import MediaAccount as M, Contact as C; print(M.objects.count(), C.objects.count())"

        for delay in (2.0, 1.5, 1.0, 0.6):  # kill as late as possible, while the import still runs
            process = subprocess.Popen(
                [sys.executable, "manage.py", "import_accounts", str(accounts)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(delay)
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
                break
            assert shell(env, count) == f"{ROWS} {ROWS}"
            shell(env, "from govmedia.registry.models import MediaAccount as M; M.objects.all().delete()")
        else:
            pytest.fail("every import finished before it could be killed; raise ROWS")
        assert shell(env, count) == "0 0"

        manage(env, "import_accounts", str(accounts))
        assert shell(env, count) == f"{ROWS} {ROWS}"
        assert f"已新增 0 条、更新 0 条，{ROWS} 条无变化" in manage(env, "import_accounts", str(accounts))
        assert shell(env, count) == f"{ROWS} {ROWS}"
