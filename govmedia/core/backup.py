"""Backup and recovery of the database and uploaded files (等保 2.0 备份与恢复).

A backup is one ``.tar.gz`` holding the database (an SQLite online backup, or ``pg_dump``'s
custom format), the uploaded files and a manifest of row counts and checksums per table.
Restoring puts both back and verifies the manifest, so a bad copy is noticed at once.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone


class BackupError(RuntimeError):
    pass


def table_fingerprints() -> dict[str, dict]:
    """Row count and a checksum of every row, per model, in primary-key order."""
    result = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        digest = hashlib.sha256()
        fields = [f.attname for f in model._meta.concrete_fields]
        count = 0
        for row in model._base_manager.order_by("pk").values_list(*fields).iterator(chunk_size=5000):
            digest.update(repr(row).encode())
            count += 1
        result[model._meta.label_lower] = {"rows": count, "sha256": digest.hexdigest()}
    return result


def _pg_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "PGDATABASE": db["NAME"],
        "PGUSER": db.get("USER") or "",
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, env=_pg_env(), check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"找不到 {command[0]}，请安装 PostgreSQL 客户端") from None
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} 失败：{exc.stderr.strip()[:300]}") from None


def _dump_database(target: Path) -> str:
    if connection.vendor == "sqlite":
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        try:
            copy = sqlite3.connect(target)
            with copy:
                source.backup(copy)
            copy.close()
        finally:
            source.close()
        return "sqlite"
    if connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}"])
        return "postgresql"
    raise BackupError(f"不支持的数据库：{connection.vendor}")


def create_backup(output_dir: Path) -> Path:
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive = output_dir / f"govmedia-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "database.dump"
        vendor = _dump_database(dump)
        manifest = {
            "created_at": timezone.now().isoformat(),
            "vendor": vendor,
            "tables": table_fingerprints(),
        }
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(dump, arcname="database.dump")
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                tar.add(media, arcname="media")
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return archive


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        path = Path(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"备份文件包含不安全的路径：{member.name}")
        members.append(member)
    return members


def restore_backup(archive: Path) -> dict:
    """Replace the database and uploaded files with the backup's; returns the verification."""
    if not archive.is_file():
        raise BackupError(f"备份文件不存在：{archive}")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r:gz") as tar:
        tar.extractall(tmp, members=_safe_members(tar))
        manifest = json.loads((Path(tmp) / "manifest.json").read_text(encoding="utf-8"))
        if manifest["vendor"] != connection.vendor:
            raise BackupError(f"备份来自 {manifest['vendor']}，当前数据库是 {connection.vendor}")
        dump = Path(tmp) / "database.dump"
        connections.close_all()
        if connection.vendor == "sqlite":
            source = sqlite3.connect(dump)
            target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
            try:
                with target:
                    source.backup(target)
            finally:
                source.close()
                target.close()
        else:
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    f"--dbname={_pg_env()['PGDATABASE']}",
                    str(dump),
                ]
            )
        media_src, media_dst = Path(tmp) / "media", Path(settings.MEDIA_ROOT)
        if media_src.exists():
            if media_dst.exists():
                shutil.rmtree(media_dst)
            shutil.copytree(media_src, media_dst)
    restored = table_fingerprints()
    mismatched = sorted(k for k, v in manifest["tables"].items() if restored.get(k) != v)
    if mismatched:
        raise BackupError(f"恢复后校验不一致：{'、'.join(mismatched[:10])}")
    return {"tables": len(restored), "rows": sum(t["rows"] for t in restored.values())}
