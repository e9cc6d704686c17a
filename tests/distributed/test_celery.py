"""The distributed mode for real: Celery workers on Redis and PostgreSQL, as CI runs them.

Needs ``GOVMEDIA_TEST_BROKER_URL`` (e.g. redis://127.0.0.1:6379/15) and a PostgreSQL
``DATABASE_URL``; `.ci/run` provides both. Elsewhere these tests are skipped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from govmedia.celery import app
from govmedia.content.models import Post
from govmedia.core.jobs import claimed, try_claim

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("GOVMEDIA_TEST_BROKER_URL", "")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not BROKER, reason="需要 GOVMEDIA_TEST_BROKER_URL（Redis）"),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="需要 PostgreSQL"
    ),
]


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def broker():
    """Point the in-test Celery app at Redis (tasks are sent, not run in-process).

    Module-scoped: connections made for Redis stay; afterwards the app is only put back to
    in-process mode, which never touches them.
    """
    saved = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=BROKER, result_backend=BROKER, task_always_eager=False)
    app._pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    yield app
    app.conf.update(task_always_eager=saved["task_always_eager"])


def start_worker(concurrency: int = 2, name: str = "w1") -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": BROKER,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "govmedia",
            "worker",
            "-l",
            "warning",
            "-c",
            str(concurrency),
            "-n",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        if any(name in next(iter(r)) for r in replies):
            return process
        if process.poll() is not None:
            raise RuntimeError("worker exited at start")
    raise RuntimeError("worker did not answer in 60 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _posts(world, n: int = 120) -> None:
    import datetime as dt

    from django.utils import timezone

    texts = [
        "国家总理李强主持召开会议",
        "县国土资源局发布通知",
        "咨询电话13800138000",
        "今天天气晴朗，欢迎来青山",
    ]
    accounts = [world.account_a, world.account_a2, world.town_account, world.account_b, world.city_account]
    Post.objects.bulk_create(
        [
            Post(
                account=accounts[i % len(accounts)],
                platform_post_id=f"p{i}",
                title=f"第{i}条",
                body=texts[i % 4],
                published_at=timezone.now() - dt.timedelta(hours=i),
                content_hash=f"h{i}",
                fetched_at=timezone.now(),
            )
            for i in range(n)
        ]
    )


def _hits() -> list:
    return list(Post.objects.order_by("platform_post_id").values_list("platform_post_id", "risk_hits"))


def _wait_for_summary(summary_task: str, timeout: float = 120) -> dict:
    return app.AsyncResult(summary_task).get(timeout=timeout)


def test_a_recheck_fanned_out_to_workers_equals_the_same_run_in_process(transactional_db, world, broker):
    broker.conf.task_always_eager = False
    from govmedia.content.tasks import recheck_all

    _posts(world)
    app.conf.task_always_eager = True
    in_process = recheck_all()
    expected = _hits()
    Post.objects.update(risk_hits=[], risk_checked_at=None)
    app.conf.task_always_eager = False
    worker = start_worker()
    try:
        queued = recheck_all.delay().get(timeout=60)
        summary = _wait_for_summary(queued["summary_task"])
    finally:
        stop(worker)
    assert summary == in_process and summary["checked"] == 120
    assert _hits() == expected


def test_a_worker_killed_mid_task_leaves_the_task_to_another_and_the_end_state_is_complete(
    transactional_db, world, broker
):
    from govmedia.content.tasks import recheck_accounts

    _posts(world, 3000)
    app.conf.task_always_eager = True
    recheck_accounts(
        [
            a.pk
            for a in (
                world.account_a,
                world.account_a2,
                world.town_account,
                world.account_b,
                world.city_account,
            )
        ]
    )
    expected = _hits()
    Post.objects.update(risk_hits=[], risk_checked_at=None)
    app.conf.task_always_eager = False

    first = start_worker(concurrency=1, name="doomed")
    ids = [
        world.account_a.pk,
        world.account_a2.pk,
        world.town_account.pk,
        world.account_b.pk,
        world.city_account.pk,
    ]
    result = recheck_accounts.delay(ids)
    deadline = time.time() + 30
    while result.state != "STARTED" and time.time() < deadline:
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)  # the whole worker dies: its unacked task goes back to the queue
    first.wait()
    done_before_kill = Post.objects.filter(risk_checked_at__isnull=False).count()
    assert done_before_kill < 3000, "the task finished before the kill; the test would prove nothing"
    # Redis redelivers unacknowledged tasks after the visibility timeout; restore them at once
    # the way a restarted worker would after that timeout.
    _restore_unacked()
    second = start_worker(concurrency=1, name="survivor")
    try:
        summaries = result.get(timeout=120)
    finally:
        stop(second)
    assert sum(s.get("checked", 0) for s in summaries) == 3000
    assert _hits() == expected


def _restore_unacked() -> None:
    """Put back the dead worker's unacknowledged task, as Redis does after the visibility timeout."""
    from kombu import Connection

    time.sleep(2)
    with Connection(BROKER, transport_options={"visibility_timeout": 1}) as conn:
        conn.default_channel.qos.restore_visible(num=100)


def test_two_claims_on_the_same_key_never_both_win(transactional_db):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def attempt(owner: str) -> bool:
        try:
            return try_claim("collect:1", owner=owner)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(8) as pool:
        wins = list(pool.map(attempt, [f"w{i}" for i in range(8)]))
    assert wins.count(True) == 1
    with claimed("collect:2", owner="a") as mine, claimed("collect:2", owner="b") as theirs:
        assert mine and not theirs
