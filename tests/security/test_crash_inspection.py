"""kill -9 in the middle of an inspection: nothing is half-written, and the rerun ends exactly like an
uninterrupted run on a copy of the same database."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.core.test_backup import ROOT, manage, shell

ACCOUNTS = 3000
WEEK = ["--start", "2026-11-16", "--end", "2026-11-22", "--indicator-set", "demo-city-2026"]


def _result(path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: data[k] for k in ("period", "indicator_set", "accounts", "units", "pass_rate")}


@pytest.mark.slow
def test_an_inspection_killed_midway_leaves_nothing_and_the_rerun_equals_an_uninterrupted_run(tmp_path):
    db = tmp_path / "crash.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "GOVMEDIA_DATA_DIR": str(tmp_path / "data"),
        "BENCH_POSTS_PER_ACCOUNT": "60",
        "BENCH_MESSAGES_PER_ACCOUNT": "5",
    }
    manage(env, "migrate", "--noinput", "-v0")
    shell(
        env,
        f"import sys; sys.path.insert(0, 'bench'); from inspection import build_region; build_region({ACCOUNTS})",
    )
    reference_db = tmp_path / "reference.sqlite3"
    shutil.copy(db, reference_db)
    count = "from govmedia.supervision.models import Inspection, Finding; print(Inspection.objects.count(), Finding.objects.count())"

    for delay in (2.0, 1.5, 1.0):
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_inspection", *WEEK],
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
        shutil.copy(reference_db, db)  # finished too soon: start again from the untouched copy
    else:
        pytest.fail("every inspection finished before it could be killed; raise ACCOUNTS")
    assert shell(env, count) == "0 0"

    manage(env, "run_inspection", *WEEK, "--json", str(tmp_path / "rerun.json"))
    reference_env = {**env, "DATABASE_URL": f"sqlite:///{reference_db}"}
    manage(reference_env, "run_inspection", *WEEK, "--json", str(tmp_path / "reference.json"))
    assert _result(tmp_path / "rerun.json") == _result(tmp_path / "reference.json")
    assert shell(env, count) == shell(reference_env, count)
