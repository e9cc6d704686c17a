"""Risk-check hits for posts, tolerant of the text checker not being installed yet.

``CheckProcess`` shares the checks of a big import with a forked second process, so one core
reads and writes while the other checks.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import multiprocessing
import os
import time

logger = logging.getLogger(__name__)


@functools.cache
def _checker():
    try:
        from govmedia.textcheck import Checker
    except Exception:  # the engine may be mid-build in another checkout; posts are re-checked later
        logger.info("govmedia.textcheck unavailable; posts stay unchecked")
        return None
    try:
        return Checker.default()
    except Exception:
        logger.exception("text checker failed to load")
        return None


def reset() -> None:
    """Forget the loaded dictionaries (after they change), so the next check reloads them."""
    _checker.cache_clear()


def check_post_text(title: str, body: str) -> list[dict] | None:
    """The hits as JSON-safe dicts, or None when no checker is available (not the same as no hits)."""
    checker = _checker()
    if checker is None:
        return None
    text = f"{title}\n{body}" if title else body
    try:
        return [hit.to_dict() for hit in checker.check(text)]
    except Exception:
        logger.exception("text check failed")
        return None


SHARE_AFTER_WAITING = 3.0  # seconds: more than loading the dictionaries in the importer costs
SAME_TEXT_CACHE = 4096  # identical posts (one article reposted by many accounts) are checked once


def check_texts(texts: list[tuple[str, str]], cache: dict | None = None) -> list[list[dict] | None]:
    """``check_post_text`` of each (title, body); identical texts are checked once.

    ``cache`` (optional, kept by the caller between batches, cleared when full) remembers the
    hits of recent texts. Equal texts share one hits list: treat them as read-only.
    """
    cache = {} if cache is None else cache
    out = []
    for text in texts:
        hits = cache.get(text)
        if hits is None:
            hits = check_post_text(*text)
            if hits is not None:
                if len(cache) >= SAME_TEXT_CACHE:
                    cache.clear()
                cache[text] = hits
        out.append(hits)
    return out


def _serve(tasks, results, parent_ends) -> None:
    """The checking process: texts in, (their hits, seconds spent) out, until the importer goes away."""
    for end in parent_ends:
        end.close()  # else this process would hold the pipe open and never see the importer die
    cache: dict = {}
    try:
        _checker()  # load the dictionaries now, while the importer reads its first batches
        while True:
            texts = tasks.recv()
            started = time.perf_counter()
            hits = check_texts(texts, cache)
            results.send((hits, time.perf_counter() - started))
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        pass  # the importer finished, failed or was killed: nothing here to clean up


class CheckProcess:
    """Risk checks shared with a second process, one batch in flight: ``submit(texts)`` returns
    at once, ``collect()`` returns their hits. Strictly alternating, so nothing queues up and
    memory stays flat.

    The other process checks the first part of each batch while this one does its other work
    (reading, writing); on ``collect()`` this one checks the rest, then takes the other's hits.
    The split follows measured speeds: with short texts (cheap checks) the other process
    checks everything; with long ones both check, and finish together.

    The process is forked at the first texts to check (the dictionaries are shared if already
    loaded here, else it loads them while the importer reads on). It only computes; all writes
    stay in the importing process and its transaction, so killing either process leaves the
    database as before. If the importer dies, the pipe closes and the checker exits. Where
    fork is unavailable, all checks run here. The hits are the same either way
    (``check_post_text``).
    """

    def __init__(self, *, parallel: bool = True):
        self.pending: tuple | None = None
        self.cache: dict = {}
        self.process = None
        self.busy = 0.0  # seconds this process spends between submit() and collect() (smoothed)
        self.own = 0.0  # seconds per text checked here, and there (0: not measured yet)
        self.theirs = 0.0
        self.waited = 0.0  # seconds collect() waited for the other process, after its first batch
        self.collected = 0
        self.parallel = parallel and "fork" in multiprocessing.get_all_start_methods()
        self.cpus: set[int] = set()  # this thread's CPUs before pinning, to restore

    def _start(self) -> None:
        """At the first texts to check: a re-import with nothing new never forks."""
        self.parallel = False
        context = multiprocessing.get_context("fork")
        child_tasks, self.tasks = context.Pipe(duplex=False)
        self.results, child_results = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_serve,
            args=(child_tasks, child_results, (self.tasks, self.results)),
            name="govmedia-risk-check",
            daemon=True,
        )
        try:
            self.process.start()
        except (AssertionError, OSError):  # e.g. inside a daemonic worker process, which may not fork
            logger.warning("risk check stays in this process: cannot start a checking process", exc_info=True)
            self.process = None
            for end in (self.tasks, self.results):
                end.close()
        finally:
            child_tasks.close()
            child_results.close()
        if self.process is not None:
            self._separate_cpus()

    def _separate_cpus(self) -> None:
        """Give the checking process a CPU of its own, this thread the others (restored on close).

        Woken through a pipe, Linux places the woken process on the waker's CPU ("wake-affine"):
        unpinned, the checker kept landing on the importer's CPU and taking turns with it while
        the other CPU idled (≈ 10 s of a 54 s import). Only where there are 2 CPUs or more."""
        try:
            cpus = os.sched_getaffinity(0)
            if len(cpus) < 2:
                return
            mine = max(cpus)
            os.sched_setaffinity(self.process.pid, {mine})
            os.sched_setaffinity(0, cpus - {mine})
            self.cpus = cpus
        except (AttributeError, OSError):  # not Linux, or not allowed: unpinned, still correct
            pass

    def _their_share(self, n: int) -> int:
        """How many of n texts the other process checks so both finish at once:
        k·theirs = busy + (n − k)·own. This process starts checking (which loads the
        dictionaries here too, ≈ 2 s) only after it has waited longer than that."""
        if self.parallel and n:
            self._start()
        if self.process is None:
            return 0
        if not self.theirs or (not self.own and self.waited < SHARE_AFTER_WAITING):
            return n
        own = self.own or self.theirs
        return max(0, min(n, round((self.busy + n * own) / (self.theirs + own))))

    def submit(self, texts: list[tuple[str, str]]) -> None:
        assert self.pending is None, "collect() the previous batch first"
        k = self._their_share(len(texts))
        if k:
            self.tasks.send(texts[:k])
        self.pending = (texts, k, time.perf_counter())

    def collect(self) -> list[list[dict] | None]:
        if self.pending is None:
            raise RuntimeError("nothing submitted")
        texts, k, submitted = self.pending
        self.pending = None
        started = time.perf_counter()
        mine = check_texts(texts[k:], self.cache)
        checked = time.perf_counter()
        theirs, seconds = [], 0.0
        if k:
            try:
                theirs, seconds = self.results.recv()
            except EOFError:
                raise RuntimeError(f"风险识别进程意外退出（退出码 {self.process.exitcode}）") from None
            if self.collected:  # (the first batch also waits for the dictionaries to load)
                self.waited += time.perf_counter() - checked
            self.theirs = _smooth(self.theirs, seconds / k)
        if len(texts) > k:
            self.own = _smooth(self.own, (checked - started) / (len(texts) - k))
        self.busy = _smooth(self.busy, started - submitted)
        self.collected += 1
        return theirs + mine

    def close(self) -> None:
        if self.cpus:
            with contextlib.suppress(OSError):
                os.sched_setaffinity(0, self.cpus)
            self.cpus = set()
        if self.process is None:
            return
        self.tasks.close()  # the checker sees the end of its input and exits
        self.results.close()
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.process = None

    def __enter__(self) -> CheckProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _smooth(average: float, value: float) -> float:
    return value if not average else 0.7 * average + 0.3 * value
