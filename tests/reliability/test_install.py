"""Promise: a build installs its table set as a unit under an OUT lock, fails with a clear message (never a
traceback) when OUT cannot be written, re-reads a corrupt cache entry, and leaves no staging folder or worker
process behind (issue 13, cases 7, 12, 15)."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from reliability_helpers import GOOD, write_corpus

from eduanalysis.build import pipeline, store
from eduanalysis.build.pipeline import CORE_TABLES, STAMP_NAME, build, load
from eduanalysis.cli import main
from eduanalysis.errors import EduAnalysisError

ROOT = Path(__file__).resolve().parents[2]
TABLE_FILES = [f"{n}.{ext}" for n in CORE_TABLES for ext in ("parquet", "csv")]


def _snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in TABLE_FILES}


@pytest.fixture()
def two_corpora(tmp_path):
    first = write_corpus(tmp_path / "corpus", {"a.txt": GOOD})
    return first, {"a.txt": GOOD.replace("95%", "97%"), "b.txt": GOOD.replace("某市", "某县")}


def _run(code: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


# --- case 7: the table set is one unit; OUT is locked -----------------------------------------------


def test_a_build_killed_between_two_table_renames_leaves_the_previous_set_and_the_next_build_is_consistent(
        two_corpora, tmp_path):
    corpus, changed = two_corpora
    out = tmp_path / "out"
    build(corpus, out, workers=1)
    previous = _snapshot(out)
    write_corpus(corpus, changed)
    killed = _run(f"""
        import os, signal
        from eduanalysis.build import store
        real, moved = os.replace, []
        def replace(src, dst, *a, **k):
            real(src, dst, *a, **k)
            if str(dst).endswith((".parquet", ".csv")) and os.path.dirname(str(dst)) == {str(out)!r}:
                moved.append(dst)
                if len(moved) == 3:  # between the third and the fourth table file
                    os.kill(os.getpid(), signal.SIGKILL)
        store.os.replace = replace
        from eduanalysis.build.pipeline import build
        build({str(corpus)!r}, {str(out)!r}, workers=1)
    """)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert (out / store.JOURNAL_NAME).exists()  # the install was caught half-way …
    with pytest.raises(EduAnalysisError, match="interrupted while installing"):
        load(out)  # … so readers refuse the mix instead of serving it
    store.recover(out)  # what the next build does first
    assert _snapshot(out) == previous  # the previous table set, byte for byte
    result = build(corpus, out, workers=1)
    assert sorted(load(out).documents.source_file) == ["a.txt", "b.txt"] == sorted(result.tables["documents"].source_file)
    fresh = tmp_path / "fresh"
    build(corpus, fresh, workers=1, use_cache=False)
    assert _snapshot(out) == _snapshot(fresh)  # consistent: the same as a clean build
    assert not (out / store.JOURNAL_NAME).exists() and not (out / store.BACKUP_DIRNAME).exists()


def test_the_next_build_restores_an_interrupted_install_itself(two_corpora, tmp_path, monkeypatch):
    corpus, changed = two_corpora
    out = tmp_path / "out"
    build(corpus, out, workers=1)
    write_corpus(corpus, changed)
    real, calls = os.replace, []

    def replace(src, dst, *a, **k):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C between two renames
        return real(src, dst, *a, **k)

    monkeypatch.setattr(store.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        build(corpus, out, workers=1)
    monkeypatch.setattr(store.os, "replace", real)
    build(corpus, out, workers=1)
    assert sorted(load(out).documents.source_file) == ["a.txt", "b.txt"]


def test_tables_from_two_builds_are_refused_on_load(two_corpora, tmp_path):
    corpus, changed = two_corpora
    old, new = tmp_path / "old", tmp_path / "new"
    build(corpus, old, workers=1)
    write_corpus(corpus, changed)
    build(corpus, new, workers=1)
    os.replace(new / "measures.csv", old / "measures.csv")  # new measures.csv beside old measures.parquet
    with pytest.raises(EduAnalysisError, match="measures.csv differ from the table set the last build installed"):
        load(old)


def test_a_second_build_into_the_same_out_stops_at_once(two_corpora, tmp_path):
    corpus, _ = two_corpora
    out = tmp_path / "out"
    out.mkdir()
    with store.locked(out, "build"):
        start = time.monotonic()
        with pytest.raises(EduAnalysisError, match="another eduanalysis run .*build, pid .* is writing to this folder"):
            build(corpus, out, workers=1)
        assert time.monotonic() - start < 10
    build(corpus, out, workers=1)  # the lock is released with its holder
    assert not (out / store.LOCK_NAME).exists()


def test_the_lock_dies_with_a_killed_holder(two_corpora, tmp_path):
    corpus, _ = two_corpora
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from eduanalysis.build import store
        with store.locked({str(out)!r}):
            print("locked", flush=True)
            time.sleep(60)
    """)], env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    with pytest.raises(EduAnalysisError, match="another eduanalysis run"):
        build(corpus, out, workers=1)
    holder.kill()
    holder.wait()
    build(corpus, out, workers=1)


# --- case 12: clear errors -------------------------------------------------------------------


def test_out_naming_a_file_is_a_clear_error(two_corpora, tmp_path, capsys):
    corpus, _ = two_corpora
    (tmp_path / "out.txt").write_text("mine", encoding="utf-8")
    assert main(["build", "--corpus", str(corpus), "--out", str(tmp_path / "out.txt"), "--quiet"]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize(("err", "advice"), [
    pytest.param(errno.EROFS, "not writable: fix its permissions or choose another --out", id="read-only"),
    pytest.param(errno.EACCES, "not writable", id="permission"),
    pytest.param(errno.ENOSPC, "the disk is full: free some space", id="disk-full"),
])
def test_write_failures_are_one_line_naming_the_path_and_the_fix(two_corpora, tmp_path, monkeypatch, capsys, err,
                                                                 advice):
    corpus, changed = two_corpora
    out = tmp_path / "out"
    build(corpus, out, workers=1)
    previous = _snapshot(out)
    write_corpus(corpus, changed)

    def fail(self, df):  # root ignores chmod, and a full disk cannot be arranged in a test: fail the write
        raise OSError(err, os.strerror(err), str(self.folder / f"{self.name}.parquet"))

    monkeypatch.setattr(store.TableWriter, "write", fail)
    assert main(["build", "--corpus", str(corpus), "--out", str(out), "--workers", "1", "--quiet"]) == 2
    message = capsys.readouterr().err
    assert message.count("\n") == 1 and "Traceback" not in message
    assert "cannot write" in message and advice in message and "previous tables are unchanged" in message
    assert _snapshot(out) == previous
    assert not list(out.glob(".staging-*"))


def test_a_corrupt_cache_entry_is_dropped_and_read_again(two_corpora, tmp_path, capsys):
    corpus, _ = two_corpora
    out = tmp_path / "out"
    build(corpus, out, workers=1)
    reference = _snapshot(out)
    entry = next((out / ".cache").glob("v-*/*/*.pkl"))
    entry.write_bytes(b"garbage, not a pickle")
    (out / STAMP_NAME).unlink()
    assert main(["build", "--corpus", str(corpus), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    assert "cannot read the cached result" in capsys.readouterr().err
    assert _snapshot(out) == reference
    (out / STAMP_NAME).unlink()
    assert build(corpus, out, workers=1).processed == 0  # the entry was rewritten: later builds hit it


# --- case 15: no leftovers ----------------------------------------------------------------------


def test_staging_folders_of_killed_builds_are_cleaned(two_corpora, tmp_path):
    corpus, _ = two_corpora
    out = tmp_path / "out"
    (out / ".staging-killed" / "tables").mkdir(parents=True)
    (out / ".staging-killed" / "tables" / "measures.csv").write_text("half", encoding="utf-8")
    build(corpus, out, workers=1)
    assert not list(out.glob(".staging-*"))


def test_pool_workers_and_the_resource_tracker_die_with_a_killed_build():
    import psutil

    parent = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import time
        from eduanalysis.build import executors
        for _ in executors.run(time.sleep, [(60,), (60,)], workers=2):
            pass
    """)], env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        proc = psutil.Process(parent.pid)
        deadline = time.monotonic() + 60
        while len(children := proc.children(recursive=True)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(children) >= 2, "the pool did not start"
        time.sleep(1.0)  # let the workers run their initializer
        children = proc.children(recursive=True)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    gone, alive = psutil.wait_procs(children, timeout=10)
    for p in alive:
        p.kill()
    assert not alive, f"{len(alive)} worker processes outlived the build"


def test_the_stamp_records_the_corpus(two_corpora, tmp_path):
    corpus, _ = two_corpora
    build(corpus, tmp_path / "out", workers=1)
    record = json.loads((tmp_path / "out" / STAMP_NAME).read_text(encoding="utf-8"))
    assert record["corpus"] == str(corpus.resolve()) and len(record["fingerprint"]) == 64
    assert pipeline.STAMP_NAME == STAMP_NAME


def test_rewriting_a_core_table_by_hand_drops_the_stamp_so_the_next_build_rewrites_it(two_corpora, tmp_path):
    corpus, _ = two_corpora
    out = tmp_path / "out"
    build(corpus, out, workers=1)
    reference = _snapshot(out)
    docs = load(out).documents
    pipeline.write_table(docs.assign(title_zh="edited"), "documents", out)
    assert not (out / STAMP_NAME).exists() and load(out).documents.title_zh.tolist() == ["edited"]
    build(corpus, out, workers=1)
    assert _snapshot(out) == reference
