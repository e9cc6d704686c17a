"""Load for bench/pages.py: a supervising office browsing the matrix and the API."""

import os
import random

from locust import HttpUser, between, task

USERNAME = os.environ.get("BENCH_USER", "bench-city")
PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-password-2026")
INSPECTION = os.environ.get("BENCH_INSPECTION", "")
EXTRA = [p for p in os.environ.get("BENCH_EXTRA_PATHS", "").split(",") if p]


#: think time between a user's requests, seconds ("0.1,0.5": a stress test; "2,8": people reading pages)
WAIT = [float(x) for x in os.environ.get("BENCH_WAIT", "0.1,0.5").split(",")]


class Supervisor(HttpUser):
    wait_time = between(*WAIT)

    def on_start(self):
        page = self.client.get("/login/", name="login")
        token = page.cookies.get("csrftoken") or self.client.cookies.get("csrftoken")
        self.client.post(
            "/login/",
            {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/login/"},
            name="login",
        )

    @task(4)
    def matrix(self):
        self.client.get("/", name="矩阵首页")

    @task(2)
    def matrix_filtered(self):
        self.client.get(f"/?platform=weibo&page={random.randint(1, 50)}", name="矩阵筛选翻页")

    @task(2)
    def matrix_search(self):
        self.client.get(f"/?q=县{random.randint(1, 99)}", name="矩阵搜索")

    @task(2)
    def api(self):
        self.client.get(f"/api/accounts/?page={random.randint(1, 100)}", name="API 账号列表")

    @task(2)
    def dashboard(self):
        self.client.get("/results/", name="工作台")

    @task(2)
    def inspection(self):
        if INSPECTION:
            self.client.get(f"/supervision/{INSPECTION}/", name="检查结果")
            self.client.get(f"/supervision/{INSPECTION}/?page={random.randint(2, 100)}", name="检查结果翻页")

    @task(1)
    def extra(self):
        for path in EXTRA:
            self.client.get(path, name=path.split("?")[0])

    @task(2)
    def baseline(self):
        self.client.get("/healthz", name="基线 healthz")
