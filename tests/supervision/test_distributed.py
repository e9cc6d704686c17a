"""The same inspection through two real Celery workers (Redis + PostgreSQL) and in-process."""

from govmedia.celery import app
from govmedia.supervision.services import run_inspection
from govmedia.supervision.tasks import inspect, wait_for
from tests.distributed import test_celery as distributed
from tests.supervision.conftest import END, START
from tests.supervision.test_inspection import _results

broker = distributed.broker  # the module-scoped fixture pointing Celery at Redis
pytestmark = distributed.pytestmark  # skipped without GOVMEDIA_TEST_BROKER_URL and PostgreSQL
start_worker, stop = distributed.start_worker, distributed.stop


def test_an_inspection_fanned_out_to_two_workers_equals_the_in_process_one(
    transactional_db, region, test_set, broker
):
    app.conf.task_always_eager = True
    in_process = run_inspection(start=START, end=END, indicator_set=test_set)
    app.conf.task_always_eager = False
    worker = start_worker(concurrency=2)
    try:
        fanned = wait_for(inspect(start=START, end=END, indicator_set=test_set, chunk_size=2), timeout=120)
    finally:
        stop(worker)
    assert fanned.pk != in_process.pk and fanned.result == in_process.result
    assert _results(fanned) == _results(in_process)
