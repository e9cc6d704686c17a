"""schemathesis against the running server over the OpenAPI schema, as an authenticated persona:
no server error, and every response matches the schema."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.core.test_backup import ROOT, manage, scratch_database, shell


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_the_api_survives_schema_driven_fuzzing_with_zero_server_errors(tmp_path):
    with scratch_database(tmp_path) as url:
        env = {**os.environ, "DATABASE_URL": url, "GOVMEDIA_DATA_DIR": str(tmp_path / "data")}
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "demo")
        token = shell(
            env,
            "from rest_framework.authtoken.models import Token; from govmedia.core.models import User; "
            "print(Token.objects.get_or_create(user=User.objects.get(username='qingshan'))[0].key)",
        )
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            result = subprocess.run(
                [
                    str(ROOT / ".venv/bin/schemathesis"),
                    "run",
                    f"{base}/api/schema/",
                    "--url",
                    base,
                    "-H",
                    f"Authorization: Token {token}",
                    "--checks",
                    "not_a_server_error,response_schema_conformance",
                    "--max-examples",
                    os.environ.get("FUZZ_EXAMPLES", "25"),
                    "--phases",
                    "examples,fuzzing",
                    "--no-color",
                ],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=600,
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
