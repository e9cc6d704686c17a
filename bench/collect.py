"""Benchmark: collection (fetch, parse, ingest with the risk check) through Celery vs in-process.

Needs PostgreSQL and Redis (`.ci/start-services` starts both). Builds a database of its own
with N feed accounts (头条号/百家号 collected through RSS, Atom or JSON Feed documents served
from memory by a ThreadingHTTPServer in this process), then times
`govmedia.content.tasks.collect_platform` in-process (`task_always_eager`), with 1 and with
2 `celery -A govmedia worker -c 1` processes. Between runs the posts are deleted and the
connections reset, so every run ingests the same N×M rows; each run is checked to have
stored exactly that many. The text checker (≈ 1.5 s to load) is loaded before timing, in
this process and in each worker (`--include collect` imports this file there), so the
figures are the steady collection rate, not start-up.

    .venv/bin/python bench/collect.py                       # 400 accounts × 50 items = 20,000 posts
    BENCH_COLLECT_ACCOUNTS=2000 BENCH_COLLECT_ITEMS=100 .venv/bin/python bench/collect.py
    BENCH_COLLECT_ROUNDS=3 .venv/bin/python bench/collect.py   # fastest of 3 runs per mode (busy machine)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = int(os.environ.get("BENCH_COLLECT_ACCOUNTS", "400"))
ITEMS = int(os.environ.get("BENCH_COLLECT_ITEMS", "50"))
ROUNDS = max(1, int(os.environ.get("BENCH_COLLECT_ROUNDS", "1")))  # timed runs per mode, fastest kept
PG = os.environ.get("BENCH_PG", "postgres://govmedia:govmedia@127.0.0.1:5432")
# not distributed.py's database 13: both benchmarks may run at once and each flushes its own
BROKER = os.environ.get("BENCH_COLLECT_BROKER_URL", "redis://127.0.0.1:6379/12")
DB = os.environ.get("BENCH_COLLECT_DB", "govmedia_bench_collect")
FORMATS = ("rss", "atom", "json")  # account i is served as FORMATS[i % 3]


# ---------------------------------------------------------------- in a worker: load the checker

if __name__ != "__main__" and os.environ.get("BENCH_COLLECT_WORKER") == "1":
    # Imported by `celery worker --include collect` after django.setup(), in the main worker
    # process before the pool forks: the child inherits the loaded dictionaries.
    from govmedia.textcheck import Checker

    Checker.default()


# ---------------------------------------------------------------- feed documents

PLACES = ["青山", "临河", "东湖", "南岭", "西江", "北塘", "云溪", "石桥", "柳林", "安平", "永宁", "长乐"]
LEVELS = ["县", "区", "市"]
OFFICES = [
    "人民政府",
    "公安局",
    "教育局",
    "卫生健康委员会",
    "市场监督管理局",
    "应急管理局",
    "人力资源和社会保障局",
    "住房和城乡建设局",
    "农业农村局",
    "生态环境局",
    "融媒体中心",
    "政务服务中心",
]
TOPICS = [
    "防汛抗旱",
    "安全生产",
    "优化营商环境",
    "乡村振兴",
    "医保参保",
    "义务教育招生",
    "城乡环境整治",
    "森林防火",
    "食品安全",
    "稳就业",
    "老旧小区改造",
    "文明城市创建",
    "冬季供暖",
    "养老服务",
]
SERVICES = ["社保卡申领", "不动产登记", "个体工商户开办", "居住证办理", "公积金提取", "新生儿落户"]
TITLES = [
    "{place}召开{topic}工作会议",
    "政务动态｜{unit}部署{topic}重点工作",
    "{unit}开展{topic}专项行动",
    "关于做好{topic}工作的通知",
    "政策解读：《{place}{topic}实施办法》问答",
    "图解：{service}办事指南",
    "{place}{n}个重点项目集中开工 总投资{m}亿元",
    "权威发布｜{place}{topic}最新进展",
    "便民服务：{service}可以“掌上办”了",
    "{unit}召开{month}月份党组（扩大）会议",
]
SENTENCES = [
    "{day}，{unit}召开{topic}工作推进会，总结前一阶段工作，部署下一步重点任务。",
    "会议指出，做好{topic}工作事关人民群众切身利益，各级各部门要提高政治站位，压实工作责任。",
    "会议要求，要坚持问题导向，聚焦群众急难愁盼问题，建立工作台账，逐项明确责任单位和完成时限。",
    "截至目前，全{level}已累计排查隐患{n}处，完成整改{m}处，整改率{p}%。",
    "{place}坚持以人民为中心的发展思想，扎实推进{topic}各项措施落地见效。",
    "即日起，市民可通过政务服务网或“{place}政务”小程序在线办理{service}，全程无需跑腿。",
    "下一步，{office}将持续加大工作力度，强化部门协同，确保各项任务按期完成。",
    "据了解，今年以来{place}共投入专项资金{m}亿元，惠及群众{n}万余人。",
    "如有疑问，可拨打政务服务便民热线12345咨询，工作时间为工作日上午9:00至下午5:00。",
    "各乡镇（街道）要结合实际，制定具体实施方案，于{month}月底前报送{office}。",
    "活动现场，工作人员通过发放宣传资料、现场讲解等方式，向群众普及{topic}相关知识。",
    "此次检查共出动执法人员{n}人次，检查经营主体{m}家，责令整改{p}家。",
]


def _account_identity(i: int) -> dict:
    place = PLACES[i % len(PLACES)] + LEVELS[(i // len(PLACES)) % len(LEVELS)]
    office = OFFICES[(i // 3) % len(OFFICES)]
    return {"place": place, "office": office, "level": place[-1], "name": f"{place}{office}（{i}）"}


def _item(rng: random.Random, who: dict) -> tuple[str, str]:
    def fill(template: str) -> str:
        return template.format(
            place=who["place"],
            office=who["office"],
            unit=who["place"] + who["office"],
            level=who["level"],
            topic=rng.choice(TOPICS),
            service=rng.choice(SERVICES),
            n=rng.randint(3, 980),
            m=rng.randint(2, 95),
            p=rng.randint(60, 100),
            month=rng.randint(1, 12),
            day=f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
        )

    title = fill(rng.choice(TITLES))
    paragraphs = [
        "".join(fill(rng.choice(SENTENCES)) for _ in range(rng.randint(2, 4)))
        for _ in range(rng.randint(2, 6))
    ]
    if rng.random() < 0.05:
        paragraphs.insert(0, f"转发 @{who['place']}发布：")
    return title, "".join(f"<p>{p}</p>" for p in paragraphs)


def feed_document(i: int, items: int, now: dt.datetime) -> tuple[bytes, str]:
    """Account i's feed: `items` entries, newest first, spaced so all fall in the first collection."""
    rng = random.Random(i)
    who = _account_identity(i)
    step = min(dt.timedelta(days=1), dt.timedelta(days=300) / max(items, 1))
    entries = []
    for j in range(items):
        title, html = _item(rng, who)
        published = (now - dt.timedelta(hours=1) - j * step - dt.timedelta(minutes=i % 60)).replace(
            microsecond=0
        )
        link = f"https://www.toutiao.com/article/7{i:07d}{j:05d}/"
        entries.append((link, title, html, published))
    kind = FORMATS[i % len(FORMATS)]
    if kind == "json":
        doc = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": who["name"],
            "home_page_url": f"https://www.toutiao.com/c/user/{i}/",
            "items": [
                {"id": link, "url": link, "title": t, "content_html": h, "date_published": p.isoformat()}
                for link, t, h, p in entries
            ],
        }
        return json.dumps(doc, ensure_ascii=False).encode(), "application/feed+json; charset=utf-8"
    if kind == "atom":
        body = "".join(
            f'<entry><title>{escape(t)}</title><id>{link}</id><link href="{link}"/>'
            f"<published>{p.isoformat()}</published><updated>{p.isoformat()}</updated>"
            f'<content type="html">{escape(h)}</content></entry>'
            for link, t, h, p in entries
        )
        doc = (
            '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(who['name'])}</title><id>https://www.toutiao.com/c/user/{i}/</id>"
            f"<updated>{now.replace(microsecond=0).isoformat()}</updated>{body}</feed>"
        )
        return doc.encode(), "application/atom+xml; charset=utf-8"
    body = "".join(
        f"<item><title>{escape(t)}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>{format_datetime(p, usegmt=True)}</pubDate><description><![CDATA[{h}]]></description></item>"
        for link, t, h, p in entries
    )
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(who['name'])}</title><link>https://www.toutiao.com/c/user/{i}/</link>"
        f"<description>{escape(who['name'])}的头条号</description>{body}</channel></rss>"
    )
    return doc.encode(), "application/rss+xml; charset=utf-8"


def serve(documents: dict[str, tuple[bytes, str]]) -> ThreadingHTTPServer:
    """Serve the prepared documents on 127.0.0.1 (a free port) from a daemon thread."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            found = documents.get(self.path)
            if found is None:
                self.send_error(404)
                return
            body, content_type = found
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 64

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# ---------------------------------------------------------------- the database


def setup_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DB}"')
    os.environ.update(
        {
            "DATABASE_URL": f"{PG}/{DB}",
            "CELERY_BROKER_URL": BROKER,
            "CELERY_RESULT_BACKEND": BROKER,
            "DJANGO_SETTINGS_MODULE": "govmedia.settings",
            "GOVMEDIA_DATA_DIR": f"/tmp/{DB}",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def drop_database() -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


def build_accounts(accounts: int, base_url: str) -> None:
    """N feed accounts under a city's units, each with a feed connection to its own document."""
    from govmedia.content.models import Connection
    from govmedia.registry.models import MediaAccount, Platform, Region, Unit

    city = Region.objects.create(name="基准市", level="city")
    gov = Unit.objects.create(name="基准市人民政府", kind="government", region=city)
    units = [
        Unit.objects.create(name=f"基准市第{u}局", kind="department", region=city, parent=gov)
        for u in range(max(1, accounts // 10))
    ]
    platforms = [Platform.TOUTIAO, Platform.BAIJIAHAO]
    MediaAccount.objects.bulk_create(
        [
            MediaAccount(
                owner=units[i % len(units)],
                platform=platforms[i % 2],
                name=_account_identity(i)["name"],
                platform_uid=f"feed-{i}",
            )
            for i in range(accounts)
        ],
        batch_size=2000,
    )
    ids = list(MediaAccount.objects.order_by("pk").values_list("pk", flat=True))
    Connection.objects.bulk_create(
        [
            Connection(account_id=pk, method=Connection.Method.FEED, feed_url=f"{base_url}/feed/{i}")
            for i, pk in enumerate(ids)
        ],
        batch_size=2000,
    )


def reset() -> None:
    """No posts, connections as never collected (no validators, no cursor), no claims."""
    from django.db import connection

    from govmedia.content.models import Connection, Health
    from govmedia.core.models import JobClaim

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE content_post CASCADE")
    Connection.objects.update(
        health=Health.NEVER,
        last_attempt_at=None,
        last_success_at=None,
        last_error="",
        last_error_kind="",
        last_error_at=None,
        failures=0,
        cursor={},
        credentials_encrypted="",
    )
    JobClaim.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def check(label: str, summary: dict, expected: int) -> bool:
    from govmedia.content.models import Connection, Health, Post

    stored = Post.objects.count()
    ok_connections = Connection.objects.filter(health=Health.OK).count()
    if stored == expected and summary.get("created") == expected and ok_connections == ACCOUNTS:
        return True
    broken = list(Connection.objects.exclude(health=Health.OK).values_list("last_error", flat=True)[:3])
    print(
        f"失败（{label}）：应存 {expected} 条，实存 {stored} 条；汇总 {summary}；"
        f"正常连接 {ok_connections}/{ACCOUNTS}；错误示例 {broken}",
        flush=True,
    )
    return False


# ---------------------------------------------------------------- runs


def cpu_times() -> tuple[int, int]:
    """(idle, total) jiffies of the whole machine, from /proc/stat; (0, 0) elsewhere."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except OSError:
        return 0, 0
    return fields[3] + fields[4], sum(fields[:8])  # idle + iowait; without guest time (in user)


def idle_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    total = after[1] - before[1]
    return (after[0] - before[0]) / total if total > 0 else 0.0


def start_workers(count: int, log_dir: str) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "BENCH_COLLECT_WORKER": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "bench"), os.environ.get("PYTHONPATH")])),
    }
    procs = []
    for i in range(count):
        with open(Path(log_dir) / f"worker{count}-{i}.log", "wb") as log:
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "govmedia",
                        "worker",
                        "-c",
                        "1",
                        "-l",
                        "warning",
                        "-n",
                        f"collect{i}@%h",
                        "--without-gossip",
                        "--without-mingle",
                        "--include",
                        "collect",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
    return procs


def main() -> None:
    expected = ACCOUNTS * ITEMS
    t0 = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    documents = {}
    for i in range(ACCOUNTS):
        documents[f"/feed/{i}"] = feed_document(i, ITEMS, now)
    feed_bytes = sum(len(body) for body, _ in documents.values())
    server = serve(documents)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"

    setup_database()
    import redis

    from govmedia.celery import app
    from govmedia.content.risk import check_post_text
    from govmedia.content.tasks import collect_platform

    build_accounts(ACCOUNTS, base_url)
    built = time.perf_counter() - t0
    print(
        f"{ACCOUNTS} 个订阅源账号 × {ITEMS} 条 = {expected} 条内容"
        f"（订阅源共 {feed_bytes / 1e6:.1f} MB，RSS/Atom/JSON Feed 各三分之一；准备 {built:.1f} 秒）",
        flush=True,
    )
    broker = redis.Redis.from_url(BROKER)
    failures: list[str] = []
    seconds: dict[str | int, float] = {}

    def rounds(label: str, key: str | int, run) -> None:
        """ROUNDS timed runs from the same empty state; the fastest counts (the machine is shared).
        Each run also reports how idle the whole machine was: near 0 % means no spare core."""
        runs = []
        for _ in range(ROUNDS):
            reset()
            cpu = cpu_times()
            started = time.perf_counter()
            summary = run()
            runs.append((time.perf_counter() - started, idle_share(cpu, cpu_times())))
            if not check(label, summary, expected):
                failures.append(label)
        seconds[key] = min(t for t, _ in runs)
        each = "、".join(f"{t:.2f} 秒（整机空闲 {idle:.0%}）" for t, idle in runs)
        print(f"{label}：{seconds[key]:.2f} 秒，{expected / seconds[key]:.0f} 条/秒；各轮 {each}", flush=True)

    check_post_text("预热", "加载审校词库")
    broker.flushdb()
    app.conf.task_always_eager = True
    rounds("进程内", "in", collect_platform)
    app.conf.task_always_eager = False

    def through_workers() -> dict:
        sent = collect_platform()
        return app.AsyncResult(sent["summary_task"]).get(timeout=3600)

    log_dir = tempfile.mkdtemp(prefix="bench_collect_")
    for workers in (1, 2):
        broker.flushdb()  # only while no worker is connected: it also drops the queue bindings
        procs = start_workers(workers, log_dir)
        try:
            deadline = time.time() + 120
            while len(app.control.ping(timeout=1.0) or []) < workers:
                if time.time() > deadline:
                    raise SystemExit(f"{workers} 个 worker 120 秒内没有就绪，日志见 {log_dir}")
            rounds(f"{workers} 个 worker", workers, through_workers)
        finally:
            for p in procs:
                os.killpg(p.pid, signal.SIGTERM)
                p.wait(timeout=60)

    rate = {k: expected / v for k, v in seconds.items()}
    print(
        f"速率比：2 个 worker ÷ 1 个 worker = {rate[2] / rate[1]:.2f}（本机 2 核）；"
        f"1 个 worker ÷ 进程内 = {rate[1] / rate['in']:.2f}",
        flush=True,
    )
    server.shutdown()
    drop_database()
    if failures:
        print(f"失败：{'、'.join(failures)} 未存入全部 {expected} 条内容（见上方）；worker 日志见 {log_dir}")
        sys.exit(1)
    shutil.rmtree(log_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
