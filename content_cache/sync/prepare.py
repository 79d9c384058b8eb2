"""Reading a feed's batches and preparing their items, over worker processes on a large sync.

Parsing a batch, checking its records, cutting the text for the index and
working out pinyin keys is pure Python work, as costly as SQLite's writing of
the result. On a sync of several batches, worker processes do it while the
syncing process writes: results come back in feed order, at most a few batches
ahead of the writer, so memory stays bounded. The writer still checks every
record (`store.upsert_items`), and an error in a worker (a malformed line) is
raised in the writer as if it had read the batch itself.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from content_cache import store
from content_cache.errors import ContentError
from content_cache.feed import BatchRef, FeedError, FeedOp, FormatError, Limits, Upsert, read_batch

Prepared = tuple[list[FeedOp], dict[str, store.PreparedItem]]
Job = tuple[bytes, BatchRef, Limits, dict[str, str]]


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
HELD_SIGNALS = frozenset({signal.SIGTERM, signal.SIGHUP, signal.SIGINT})


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGTERM, SIGHUP and SIGINT for the moment the pool starts or stops its threads and processes.

    A stopping signal raises its exception in the main thread wherever it
    lands (`kiosk.sync.stopped_by_signals`). Landing inside `Thread.start` it
    leaves the pool's manager thread created but never started, and the
    pool's shutdown then fails with "cannot join thread before it is started"
    instead of stopping the workers. Held, the signal arrives a moment later,
    between two steps the pool can undo.
    """
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def worker_start(parent: int) -> None:
    """First thing in each worker process: die with the parent, and let go of the caller's terminal or pipes.

    A worker must never outlive the sync that started it: killed or not, the
    parent's end takes its workers with it (the kernel sends them SIGKILL), so
    nothing keeps running, and nothing holds the output pipe of whatever ran
    `kiosk sync` (a timer, a shell's $(…)), which would wait for ever.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before the line above: nothing left to work for
        os._exit(0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops the pool
    # A worker starts with the mask of the moment the pool made it (`signals_held`): unblocked, so the SIGTERM
    # by which the pool stops its workers when one of them died does stop them.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD_SIGNALS)
    quiet = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(quiet, fd)
    os.close(quiet)


def default_workers() -> int:
    """One worker per CPU the process may use, capped at two; one CPU means no workers."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cpus, 2) if cpus > 1 else 0


def read_prepared(data: bytes, ref: BatchRef, limits: Limits, publishers: dict[str, str]) -> Prepared:
    """The operations of one verified batch, and its upserted items prepared for writing.

    Whatever a record makes go wrong here (in a worker process too) comes back
    as a FeedError naming the batch: a bad record, never a traceback.
    """
    try:
        ops = list(read_batch(data, ref, limits))
        prepared = {
            op.index_no: store.prepare(op.record, publishers[op.record.publisher_code])
            for op in ops
            if isinstance(op, Upsert) and op.record.publisher_code in publishers
        }
    except FeedError:
        raise
    except (ContentError, RecursionError, ValueError, TypeError, KeyError, IndexError, MemoryError) as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0][:300]
        raise FormatError(f"{ref.path}: a record could not be read ({type(exc).__name__}: {first})") from None
    return ops, prepared


def prepared_batches(jobs: Sequence[Job], workers: int) -> Iterator[Prepared]:
    """Each job's result in order; in this process when there are no workers or one job."""
    if workers < 1 or len(jobs) < 2:
        yield from (read_prepared(*job) for job in jobs)
        return
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"), initializer=worker_start, initargs=(os.getpid(),)
    )
    try:
        waiting = iter(jobs)
        ahead: deque[Future[Prepared]] = deque()
        for job in waiting:
            with signals_held():
                ahead.append(pool.submit(read_prepared, *job))
            if len(ahead) > workers:
                break
        while ahead:
            try:
                result = ahead.popleft().result()
            except BrokenProcessPool:
                raise ContentError(
                    "a worker process preparing the feed's records stopped unexpectedly; "
                    "nothing was changed, and the next sync starts again"
                ) from None
            following = next(waiting, None)
            if following is not None:
                with signals_held():
                    ahead.append(pool.submit(read_prepared, *following))
            yield result
    finally:
        with signals_held():
            pool.shutdown(wait=True, cancel_futures=True)  # at most the batches in hand are finished
