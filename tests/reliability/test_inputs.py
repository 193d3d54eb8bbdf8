"""Promise: every path under the corpus is a document or a reject with a reason, nothing outside it is opened,
no single file stops the build, and ``--strict`` fails on any of them (issue 13, cases 1-5, 10, 14)."""

from __future__ import annotations

import errno
import os
import threading

import pytest
from reliability_helpers import (
    ENTITY_BOMB,
    GOOD,
    docx_bytes,
    docx_with_part,
    encrypted_pdf,
    pdf_bytes,
    rejects,
    whitespace_bomb,
    write_corpus,
)

from eduanalysis.build.pipeline import build, build_tables
from eduanalysis.cli import main
from eduanalysis.read import files

SECRET = "root:x:0:0:root:/root:/bin/bash 机密\n"


@pytest.fixture()
def outside(tmp_path):
    secret = tmp_path / "outside" / "passwd.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET, encoding="utf-8")
    return secret


def _texts(result) -> str:
    return "\n".join(result.tables["documents"].raw_text)


# --- case 1: symbolic links ------------------------------------------------------------


def test_links_are_rejects_and_never_followed(tmp_path, outside):
    corpus = write_corpus(tmp_path / "c", {"good.txt": GOOD})
    os.symlink(outside, corpus / "p.txt")
    os.symlink(corpus / "good.txt", corpus / "inside.txt")
    os.symlink(corpus / "nowhere.txt", corpus / "dangling.txt")
    os.symlink("loop.txt", corpus / "loop.txt")
    os.symlink(outside.parent, corpus / "dirlink")
    result = build_tables(corpus)
    reasons = rejects(result)
    assert "points outside the corpus" in reasons["p.txt"] and "links are not followed" in reasons["p.txt"]
    assert "points outside the corpus" in reasons["dirlink"]
    assert "links are not followed" in reasons["inside.txt"]
    assert "dangling" in reasons["dangling.txt"] and "dangling" in reasons["loop.txt"]
    assert "机密" not in _texts(result) and result.tables["documents"].source_file.tolist() == ["good.txt"]


def test_a_linked_manifest_is_not_applied(tmp_path, outside):
    corpus = write_corpus(tmp_path / "c", {"good.txt": GOOD})
    fake = outside.parent / "manifest.csv"
    fake.write_text("file,region_zh\ngood.txt,伪造市\n", encoding="utf-8")
    os.symlink(fake, corpus / "manifest.csv")
    result = build_tables(corpus)
    assert result.tables["documents"].region_zh.tolist() != ["伪造市"]
    assert any("manifest.csv" in w and "link" in w for w in result.warnings)


def test_a_folder_swapped_for_a_link_is_not_followed_when_opening(tmp_path, outside):
    """The walk saw a folder; by the time the file is opened it is a link: the open still refuses."""
    corpus = write_corpus(tmp_path / "c", {"sub/passwd.txt": GOOD})
    (corpus / "sub" / "passwd.txt").unlink()
    (corpus / "sub").rmdir()
    os.symlink(outside.parent, corpus / "sub")
    with pytest.raises(files.FileRejected, match="links are not followed"):
        files.read_corpus_bytes(corpus, "sub/passwd.txt")


# --- case 2: malformed .docx ---------------------------------------------------------------


@pytest.mark.parametrize(("content", "reason"), [
    pytest.param(b"<w:document><unclosed>", "not a readable .docx", id="bad-xml"),
    pytest.param(ENTITY_BOMB, "declares a DTD or entities", id="entity-expansion"),
    pytest.param(b"", "not a readable .docx", id="empty-part"),
])
def test_malformed_docx_is_a_reject(tmp_path, content, reason):
    corpus = write_corpus(tmp_path / "c", {"bad.docx": docx_with_part("word/document.xml", content),
                                           "ok.docx": docx_bytes()})
    result = build_tables(corpus)
    assert reason in rejects(result)["bad.docx"] and "re-save it" in rejects(result)["bad.docx"]
    assert result.tables["documents"].source_file.tolist() == ["ok.docx"]


def test_zip_bomb_docx_is_refused_before_decompressing(tmp_path, monkeypatch):
    monkeypatch.setenv("EDUANALYSIS_MAX_PART_BYTES", "100000")  # the real default is 256 MiB
    corpus = write_corpus(tmp_path / "c", {"bomb.docx": docx_with_part("word/document.xml", whitespace_bomb(400_000))})
    reason = rejects(build_tables(corpus))["bomb.docx"]
    assert "over the limit of 100,000 (max_part_bytes)" in reason and "EDUANALYSIS_MAX_PART_BYTES" in reason


def test_docx_members_outside_the_archive_are_not_extracted(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"evil.docx": docx_with_part("../../escape.txt", b"x",
                                                                       base=_with_member("../../escape.txt"))})
    build_tables(corpus)
    assert not (tmp_path / "escape.txt").exists() and not (tmp_path.parent / "escape.txt").exists()


def _with_member(name):
    import io
    import zipfile

    buf = io.BytesIO(docx_bytes())
    with zipfile.ZipFile(buf, "a") as zf:
        zf.writestr(name, b"x")
    return buf.getvalue()


# --- case 3: encrypted PDFs -------------------------------------------------------------------


@pytest.fixture(scope="module")
def plain_pdf():
    return pdf_bytes()


def test_aes_pdf_without_a_password_is_read(tmp_path, plain_pdf):
    corpus = write_corpus(tmp_path / "c", {"aes.pdf": encrypted_pdf(plain_pdf, "", "AES-256")})
    result = build_tables(corpus)
    assert result.tables["documents"].source_file.tolist() == ["aes.pdf"], rejects(result)


@pytest.mark.parametrize("algorithm", ["AES-256", "AES-128", "RC4-128"])
def test_password_protected_pdf_gets_the_qpdf_advice(tmp_path, plain_pdf, algorithm):
    corpus = write_corpus(tmp_path / "c", {"locked.pdf": encrypted_pdf(plain_pdf, "secret", algorithm)})
    reason = rejects(build_tables(corpus))["locked.pdf"]
    assert "password-protected" in reason and "decrypt it first (qpdf --decrypt" in reason
    assert "download it again" not in reason


def test_aes_pdf_without_cryptography_names_both_fixes(tmp_path, plain_pdf, monkeypatch):
    import pypdf

    def missing(self, password):
        raise pypdf.errors.DependencyError("cryptography is required for AES algorithm")

    monkeypatch.setattr(pypdf.PdfReader, "decrypt", missing)
    corpus = write_corpus(tmp_path / "c", {"aes.pdf": encrypted_pdf(plain_pdf, "", "AES-256")})
    reason = rejects(build_tables(corpus))["aes.pdf"]
    assert "pip install cryptography" in reason and "qpdf --decrypt" in reason


# --- case 4: file names that are not UTF-8 ---------------------------------------------------------


def test_a_file_name_with_invalid_utf8_is_a_reject(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"good.txt": GOOD})
    name = os.fsdecode("规划 2021.txt".encode("gbk"))  # a GBK name from an old Windows archive
    (corpus / name).write_text(GOOD.replace("某市", "某县"), encoding="utf-8")
    out = tmp_path / "out"
    result = build(corpus, out, workers=1)
    shown = files.display_name(name)
    assert shown.startswith("\\xb9") and "not valid UTF-8" in rejects(result)[shown]
    assert result.tables["documents"].source_file.tolist() == ["good.txt"]


# --- case 5: hidden files, dot folders, FIFOs, directory links; --strict ---------------------------------


def test_hidden_files_fifos_and_folder_links_are_rejects_and_strict_fails(tmp_path, outside, capsys):
    corpus = write_corpus(tmp_path / "c", {"good.txt": GOOD, ".hidden.txt": GOOD.replace("某市", "某县"),
                                           ".git/objects/x.txt": GOOD.replace("某市", "某区")})
    os.mkfifo(corpus / "pipe.txt")
    os.symlink(outside.parent, corpus / "linked-folder")
    reasons = rejects(build_tables(corpus))
    assert "hidden file" in reasons[".hidden.txt"] and "hidden folder" in reasons[".git"]
    assert "named pipe" in reasons["pipe.txt"] and "links are not followed" in reasons["linked-folder"]
    assert main(["build", "--corpus", str(corpus), "--out", str(tmp_path / "out"), "--workers", "1",
                 "--quiet", "--strict"]) == 1
    assert "rejected: .hidden.txt: a hidden file" in capsys.readouterr().err


def test_a_fifo_named_manifest_does_not_hang_the_build(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"good.txt": GOOD})
    os.mkfifo(corpus / "manifest.csv")
    done = {}
    worker = threading.Thread(target=lambda: done.setdefault("r", build_tables(corpus)), daemon=True)
    worker.start()
    worker.join(30)
    assert "r" in done, "the build hangs on a FIFO named manifest.csv"
    assert any("named pipe" in w for w in done["r"].warnings)
    assert done["r"].tables["documents"].source_file.tolist() == ["good.txt"]


# --- case 10: manifest problems never crash or stop the build ----------------------------------------


def test_an_overlong_manifest_field_is_a_warning(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"good.txt": GOOD,
                                           "manifest.csv": f"file,title_zh,region_zh\ngood.txt,{'长' * 140_000},大连市\n"})
    result = build_tables(corpus)
    assert result.tables["documents"].region_zh.tolist() == ["大连市"]
    assert any("title_zh is 140,000 characters long" in w for w in result.warnings)


@pytest.mark.parametrize("manifest", [
    pytest.param(b"\x81\x20\xff\xfe\x80" * 40, id="undecodable"),
    pytest.param(b"file,region_zh\n\"good.txt,\x00unterminated", id="malformed-quote"),
    pytest.param(b"\x00" * 64, id="nul-bytes"),
])
def test_an_unreadable_manifest_is_a_warning_not_a_stop(tmp_path, manifest):
    corpus = write_corpus(tmp_path / "c", {"good.txt": GOOD, "manifest.csv": manifest})
    result = build_tables(corpus)
    assert result.tables["documents"].source_file.tolist() == ["good.txt"]
    assert result.warnings and all("manifest.csv" in w for w in result.warnings)
    assert main(["build", "--corpus", str(corpus), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet"]) == 0


# --- case 14: no Chinese, unreadable files, reasons without absolute paths ------------------------------


def test_text_without_chinese_is_rejected(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"passwd.txt": SECRET.replace(" 机密", ""), "readme.txt": "An English file.\n",
                                           "good.txt": GOOD})
    reasons = rejects(build_tables(corpus))
    assert "no Chinese text" in reasons["passwd.txt"] and "no Chinese text" in reasons["readme.txt"]


def test_an_unreadable_file_is_a_reject_not_an_abort(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "c", {"good.txt": GOOD, "locked.txt": GOOD.replace("某市", "某县")})
    real = files._open_below

    def deny(root, rel):  # chmod 000 does not stop root, so the refusal is simulated at the open
        if rel == "locked.txt":
            raise PermissionError(errno.EACCES, "Permission denied")
        return real(root, rel)

    monkeypatch.setattr(files, "_open_below", deny)
    result = build(corpus, tmp_path / "out", workers=1)
    assert "cannot be read (Permission denied)" in rejects(result)["locked.txt"]
    assert result.tables["documents"].source_file.tolist() == ["good.txt"]


def test_an_unexpected_error_in_one_file_is_a_reject(tmp_path, monkeypatch):
    from eduanalysis.build import pipeline

    corpus = write_corpus(tmp_path / "c", {"good.txt": GOOD, "odd.txt": GOOD.replace("某市", "某县")})
    real = pipeline.corpus.document_record

    def explode(source_file, *args, **kwargs):
        if source_file == "odd.txt":
            raise RecursionError(f"deep trouble in {corpus.resolve()}/odd.txt")
        return real(source_file, *args, **kwargs)

    monkeypatch.setattr(pipeline.corpus, "document_record", explode)
    reason = rejects(build_tables(corpus))["odd.txt"]
    assert "unexpected error" in reason and "RecursionError" in reason and str(tmp_path) not in reason


def test_reject_reasons_carry_no_absolute_path_so_a_moved_corpus_rebuilds_the_same(tmp_path):
    import shutil

    files_ = {"empty.txt": b"", "bad.docx": b"PK\x03\x04 broken", "bad.pdf": b"%PDF-1.4 broken",
              "scan.pdf": b"%PDF-1.4\n", "x.xls": b"\xd0\xcf", "good.txt": GOOD}
    a = write_corpus(tmp_path / "a" / "corpus", files_)
    b = tmp_path / "elsewhere" / "deeper" / "corpus"
    shutil.copytree(a, b)
    ra, rb = rejects(build_tables(a)), rejects(build_tables(b))
    assert ra == rb
    assert not [r for r in ra.values() if str(tmp_path) in r or "/tmp" in r]
