"""The build's local pool: this process works beside the pool's, every task runs once, failures surface."""

from __future__ import annotations

import os
import time

import pytest

from eduanalysis.build import executors


def _pid_after(seconds: float, i: int) -> tuple[int, int]:
    time.sleep(seconds)
    return i, os.getpid()


def _fail_on(i: int) -> int:
    if i == 3:
        raise ValueError(f"task {i} failed")
    return i


def test_a_local_pool_of_two_workers_is_this_process_and_one_more():
    with executors.local_pool(2, warm="eduanalysis.build.store") as pool:
        done = list(executors.run(_pid_after, [(0.05, i) for i in range(40)], workers=2, pool=pool))
    assert sorted(i for i, _ in done) == list(range(40))
    pids = {pid for _, pid in done}
    assert os.getpid() in pids and len(pids) == 2


def test_one_worker_has_no_pool():
    with executors.local_pool(1) as pool:
        assert pool is None


def test_a_failing_task_in_the_pool_or_here_is_raised():
    with executors.local_pool(2) as pool:
        with pytest.raises(ValueError, match="task 3 failed"):
            list(executors.run(_fail_on, [(i,) for i in range(8)], workers=2, pool=pool))
        # the pool is still usable after a failure
        assert sorted(executors.run(_fail_on, [(0,), (1,)], workers=2, pool=pool)) == [0, 1]
