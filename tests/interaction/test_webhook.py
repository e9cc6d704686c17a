"""The webhook notification channel, tested against a local fake receiver (no network)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from govmedia.interaction import services

from .conftest import make_case


@pytest.fixture
def receiver():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body))
            self.send_response(204 if self.path == "/ok" else 500)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()


def test_an_assignment_is_posted_to_the_webhook_after_commit(
    world, settings, receiver, django_capture_on_commit_callbacks
):
    base, received = receiver
    settings.GOVMEDIA_NOTIFY_CHANNELS = ["govmedia.interaction.notify.WebhookChannel"]
    settings.GOVMEDIA_NOTIFY_WEBHOOK = f"{base}/ok"
    case = make_case(world.account_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.do_assign(case, acting_user=world.supervisor_a, assignee=world.editor_a)
    assert (
        received == [{"user": "editor_a", "text": received[0]["text"], "url": f"/interaction/{case.pk}/"}]
        and "待答复" in received[0]["text"]
    )


def test_a_failing_receiver_does_not_undo_the_assignment(
    world, settings, receiver, django_capture_on_commit_callbacks
):
    base, received = receiver
    settings.GOVMEDIA_NOTIFY_CHANNELS = ["govmedia.interaction.notify.WebhookChannel"]
    settings.GOVMEDIA_NOTIFY_WEBHOOK = "http://127.0.0.1:9/unreachable"
    case = make_case(world.account_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.do_assign(case, acting_user=world.supervisor_a, assignee=world.editor_a)
    case.refresh_from_db()
    assert case.status == "assigned"
