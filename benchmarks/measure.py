"""Running a benchmark's child process and measuring it: wall time and peak memory.

Shared by the benchmarks (run as scripts, so ``from measure import run`` finds
this file beside them).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass


@dataclass
class Measured:
    """What :func:`run` saw of a child process."""

    returncode: int
    seconds: float
    max_rss_gb: float  # the largest single process: the child or one of its reaped descendants (os.wait4)
    tree_rss_gb: float  # the whole process tree, summed, sampled
    stdout: str
    stderr: str


def run(cmd: list[str], cwd, env: dict | None = None, interval: float = 0.1) -> Measured:
    """Run ``cmd`` to its end; its wall time, its peak RSS (largest process; whole tree, sampled), its output."""
    import psutil

    out_f, err_f = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out_f, stderr=err_f, text=True, cwd=cwd, env=env)
    peak_tree = [0]
    done = threading.Event()

    def sample():
        try:
            parent = psutil.Process(proc.pid)
            while not done.is_set():
                total = 0
                for p in [parent, *parent.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:  # a worker ended between listing and reading
                        pass
                peak_tree[0] = max(peak_tree[0], total)
                done.wait(interval)
        except psutil.Error:  # the child ended between two samples
            pass

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)  # not proc.wait(): wait4 also returns the resource usage
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    out_f.seek(0)
    err_f.seek(0)
    return Measured(proc.returncode, seconds, usage.ru_maxrss * 1024 / 1e9, peak_tree[0] / 1e9, out_f.read(),
                    err_f.read())
