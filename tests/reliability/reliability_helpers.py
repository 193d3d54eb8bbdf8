"""Builders of hostile inputs for the reliability tests, made lazily and small (limits are lowered instead)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

GOOD = "某市教育事业发展规划\n一、总体要求\n(一)指导思想。坚持立德树人。\n二、主要目标\n到2025年,学前三年毛入园率达到95%以上。\n"


def write_corpus(root: Path, files: dict[str, str | bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return root


def docx_bytes(text: str = GOOD) -> bytes:
    import docx

    d = docx.Document()
    for line in text.strip().split("\n"):
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def docx_with_part(part: str, content: bytes, base: bytes | None = None) -> bytes:
    """A copy of a real .docx whose member ``part`` is replaced by ``content`` (compressed)."""
    base = base or docx_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, content if item.filename == part else src.read(item.filename))
    return out.getvalue()


def whitespace_bomb(size: int) -> bytes:
    """A ``word/document.xml`` of ``size`` bytes of white space after a valid start: tiny once compressed."""
    head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    return head + b" " * (size - len(head))


ENTITY_BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
               b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
               b"<w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>")


def pdf_bytes(lines=("某市教育事业发展规划", "一、总体要求", "坚持立德树人,办好人民满意的教育。",
                     "到2025年,学前三年毛入园率达到95%以上。")) -> bytes:
    """A one-page PDF with a Chinese text layer (matplotlib, the packaged CJK font as TrueType)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    from eduanalysis.report.plots import cjk_font_path

    font = font_manager.FontProperties(fname=str(cjk_font_path()))
    fig = plt.figure(figsize=(8, 11))
    buf = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        for i, line in enumerate(lines):
            fig.text(0.1, 0.9 - 0.04 * i, line, fontproperties=font)
        fig.savefig(buf, format="pdf")
    plt.close(fig)
    return buf.getvalue()


def encrypted_pdf(data: bytes, user_password: str, algorithm: str) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def rejects(result) -> dict[str, str]:
    return dict(zip(result.tables["rejects"].source_file, result.tables["rejects"].reason, strict=True))
