"""Backup and restore round-trip a populated database through the real commands (subprocesses)."""

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def scratch_database(tmp_path):
    """A database of its own: an SQLite file, or a fresh PostgreSQL database when the suite runs on one."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    import psycopg

    name = f"govmedia_scratch_{uuid.uuid4().hex[:8]}"
    base = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def shell(env, code: str) -> str:
    return manage(env, "shell", "-v", "0", "-c", code).strip()


@pytest.mark.slow
def test_a_backup_restores_every_row_and_uploaded_file_exactly(tmp_path):
    with scratch_database(tmp_path) as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "GOVMEDIA_DATA_DIR": str(tmp_path / "data"),
            "GOVMEDIA_MEDIA_ROOT": str(tmp_path / "media"),
        }
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "demo")
        (tmp_path / "media" / "qr").mkdir(parents=True)
        (tmp_path / "media" / "qr" / "a.png").write_bytes(b"\x89PNG fake")
        count = "from govmedia.registry.models import MediaAccount as M; print(M.objects.count())"
        before = shell(env, count)
        output = manage(env, "backup", "--output", str(tmp_path / "backups"))
        archive = output.strip().split("：", 1)[1]

        shell(env, "from govmedia.registry.models import Contact; Contact.objects.all().delete()")
        shell(
            env,
            "from govmedia.registry.models import MediaAccount as M; M.objects.filter(pk__gt=10).update(name='x')",
        )
        (tmp_path / "media" / "qr" / "a.png").unlink()

        result = subprocess.run(
            [sys.executable, "manage.py", "restore", archive],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode != 0 and "--yes" in result.stderr  # refuses without confirmation
        assert "已校验" in manage(env, "restore", archive, "--yes")
        assert shell(env, count) == before
        assert (
            shell(
                env,
                "from govmedia.registry.models import MediaAccount as M; print(M.objects.filter(name='x').count())",
            )
            == "0"
        )
        assert (tmp_path / "media" / "qr" / "a.png").read_bytes() == b"\x89PNG fake"
