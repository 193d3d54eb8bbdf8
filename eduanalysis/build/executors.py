"""Where a build's per-document work runs: this process, a local process pool, or a Dask cluster.

:func:`run` calls one function on each task and yields the results as they
complete, in any order; the build sorts what it needs. Tasks and results are
small (file names in, summaries out): the documents' tables travel through the
result store on disk, so workers must see the corpus and the store at the same
paths — true on one machine, and on a Dask cluster whose workers share the
file system.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed, wait
from multiprocessing import get_context
from queue import SimpleQueue

from eduanalysis.errors import EduAnalysisError

#: The schedulers ``eduanalysis build --scheduler`` accepts.
SCHEDULERS = ("processes", "dask")

#: Seconds to wait for an existing Dask scheduler to answer.
DASK_CONNECT_TIMEOUT = 30


def default_workers() -> int:
    """The cores this process may use (its CPU affinity where the OS reports it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


#: Seconds between a pool worker's checks that the process that started it is still alive.
PARENT_POLL_SECONDS = 0.5


def die_with_parent(parent: int) -> None:
    """Pool initializer: end this worker as soon as ``parent`` (the build) is gone, even after ``kill -9``.

    On Linux the kernel delivers SIGKILL when the parent dies (``PR_SET_PDEATHSIG``);
    everywhere a daemon thread also checks the parent every
    :data:`PARENT_POLL_SECONDS`. Without this, the workers of a killed build —
    and through them multiprocessing's resource tracker — live on indefinitely.
    """
    import signal
    import threading
    import time

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="eduanalysis-parent-watch", daemon=True).start()


def _pool_executor(workers: int) -> ProcessPoolExecutor:
    # spawn, not fork: the same behaviour on every OS, and no copied locks or threads.
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                               initializer=die_with_parent, initargs=(os.getpid(),))


def preload(module: str) -> None:
    """Import ``module`` (in a pool worker, so that its first task does not wait for the imports)."""
    importlib.import_module(module)


@contextlib.contextmanager
def local_pool(workers: int, warm: str | None = None) -> Iterator[Executor | None]:
    """The ``workers - 1`` spawned processes that, with this one, are the ``workers`` of one build; None for 1.

    This process is a worker too (:func:`run` and :func:`run_alongside` given
    the pool give it tasks of its own), so no core waits while the others start.
    One pool serves reading the documents and merging the tables, so the merge
    does not wait for new processes to start and import the package. Given
    ``warm`` (a module), the processes start and import it at once.
    """
    if workers <= 1:
        yield None
        return
    with _pool_executor(workers - 1) as pool:
        if warm:
            for _ in range(workers - 1):
                pool.submit(preload, warm)
        yield pool


def run(fn: Callable, tasks: Sequence[tuple], scheduler: str = "processes", workers: int | None = None,
        address: str | None = None, pool: Executor | None = None) -> Iterator:
    """Yield ``fn(*task)`` for every task, as each completes.

    ``processes`` runs in this process when there is one worker or one task, else
    in a pool of ``workers`` spawned processes, or, given ``pool`` (a
    :func:`local_pool`, left running), in its ``workers - 1`` processes and this
    one; ``dask`` submits to the
    ``dask.distributed`` scheduler at ``address``, or to a local cluster of
    ``workers`` single-threaded worker processes listening on 127.0.0.1 only.

    >>> sorted(run(pow, [(2, 3), (3, 2)], workers=1))
    [8, 9]
    """
    workers = check(scheduler, workers, address)
    if scheduler == "processes":
        yield from _pool(fn, tasks, workers, pool)
    else:
        yield from _dask(fn, tasks, workers, address)


def run_alongside(fn: Callable, tasks: Sequence[tuple], workers: int, pool: Executor | None = None, **here) -> list:
    """``[fn(*task) for task in tasks]``, the first task here while the others run in up to ``workers - 1`` processes.

    Keyword arguments ``here`` go to the calls made in this process only (a
    progress callback, say): the first task's, or every task's when
    ``workers`` is 1 and all run here, one after the other. The others run in
    ``pool`` when given (a :func:`local_pool` of at least ``workers - 1``).

    >>> run_alongside(divmod, [(7, 2), (9, 4)], workers=1)
    [(3, 1), (2, 1)]
    """
    if workers == 1 or len(tasks) <= 1:
        return [fn(*task, **here) for task in tasks]
    with contextlib.ExitStack() as stack:
        if pool is None:
            pool = stack.enter_context(_pool_executor(min(workers - 1, len(tasks) - 1)))
        futures = [pool.submit(fn, *task) for task in tasks[1:]]
        try:
            first = fn(*tasks[0], **here)
            return [first, *(future.result() for future in futures)]
        finally:
            for future in futures:
                future.cancel()
            wait(futures)  # a shared pool lives on: none of these tasks may still be writing once this returns


def check(scheduler: str, workers: int | None, address: str | None) -> int:
    """Validate the options before any work starts; return the number of workers."""
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise EduAnalysisError(f"--workers {workers}: give at least 1 worker")
    if scheduler not in SCHEDULERS:
        raise EduAnalysisError(f"--scheduler {scheduler!r} is unknown; choose one of {', '.join(SCHEDULERS)}")
    if address and scheduler != "dask":
        raise EduAnalysisError("--address names a Dask scheduler; add --scheduler dask")
    return workers


def _pool(fn: Callable, tasks: Sequence[tuple], workers: int, pool: Executor | None = None) -> Iterator:
    if workers == 1 or len(tasks) <= 1:
        for task in tasks:
            yield fn(*task)
        return
    if pool is not None:
        yield from _here_and_in(pool, fn, tasks, workers - 1)
        return
    with _pool_executor(min(workers, len(tasks))) as pool:
        futures = [pool.submit(fn, *task) for task in tasks]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


def _here_and_in(pool: Executor, fn: Callable, tasks: Sequence[tuple], processes: int) -> Iterator:
    """Run the tasks in this process and in ``pool`` (of ``processes``), in order, each taking the next one free.

    A pool process gets its next task the moment it finishes one (a done
    callback submits it); this process takes the next task after each of its
    own. The tasks should come longest first: each process's last is then short.
    """
    lock = threading.Lock()
    queue, finished = list(reversed(tasks)), SimpleQueue()
    submitted = 0

    def feed(done: Future | None = None) -> None:
        nonlocal submitted
        if done is not None:
            finished.put(done)
        with lock:
            if not queue:
                return
            task = queue.pop()
            submitted += 1
        try:
            pool.submit(fn, *task).add_done_callback(feed)
        except Exception as exc:  # the pool is broken or shut down: the failure is raised below
            failed: Future = Future()
            failed.set_exception(exc)
            finished.put(failed)

    received = 0
    try:
        for _ in range(processes):
            feed()
        while True:
            with lock:
                task = queue.pop() if queue else None
            if task is None:
                break
            yield fn(*task)
            while not finished.empty():
                received += 1
                yield finished.get().result()
        while received < submitted:
            received += 1
            yield finished.get().result()
    finally:
        with lock:
            queue.clear()  # a failure here or in a pool task: no more submissions


def _dask(fn: Callable, tasks: Sequence[tuple], workers: int, address: str | None) -> Iterator:
    try:
        from dask.distributed import Client, LocalCluster
        from dask.distributed import as_completed as dask_completed
    except ImportError as exc:
        raise EduAnalysisError("--scheduler dask needs dask.distributed; install it with "
                               "pip install 'eduanalysis[scale]'") from exc
    cluster = None
    try:
        if address:
            try:
                client = Client(address, timeout=DASK_CONNECT_TIMEOUT)
            except OSError as exc:
                raise EduAnalysisError(f"--address {address}: no Dask scheduler answered ({exc}); start one with "
                                       "`dask scheduler` or drop --address for a local cluster") from exc
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None, silence_logs=logging.WARNING)
            client = Client(cluster)
        with client:
            futures = [client.submit(fn, *task, pure=False) for task in tasks]
            for future in dask_completed(futures):
                yield future.result()
                future.release()
    finally:
        if cluster is not None:
            cluster.close()
