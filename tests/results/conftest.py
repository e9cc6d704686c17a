"""Rectification helpers on top of the shared ``world`` and supervision's county-A inspection."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from PIL import Image

from govmedia.registry.models import AssessmentGroup, Unit
from govmedia.supervision.models import Finding, FindingStatus
from govmedia.supervision.services import do_publish_inspection
from tests.supervision.factories import county_a_inspection
from tests.web.test_browser import browser_page  # noqa: F401 - shared Playwright fixture

# Monday 2026-11-16, 10:00 in Beijing; November 2026 has no public holiday.
NOW = dt.datetime(2026, 11, 16, 2, tzinfo=dt.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def inspected(world, frozen):
    """County A inspected and published: 青山民政 (never posted) and others carry open Findings."""
    # ranked as one group so the bulletin has a ranking table
    Unit.objects.filter(pk__in=[world.dept_a.pk, world.dept_a2.pk, world.town_a.pk]).update(
        assessment_group=AssessmentGroup.CITY_DEPARTMENT
    )
    inspection = county_a_inspection(world)
    do_publish_inspection(inspection, acting_user=world.supervisor_a)
    world.inspection = inspection
    world.open_findings = list(
        Finding.objects.filter(
            status=FindingStatus.OPEN, account__owner__region__path__startswith=world.county_a.path
        )
    )
    return world


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


class FakeReceiver:
    """A local HTTP server standing in for a WeCom/DingTalk robot or an SMS gateway."""

    def __init__(self):
        self.received: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                outer.received.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b'{"errcode":0}')

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/robot"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    fake = FakeReceiver()
    yield fake
    fake.close()
