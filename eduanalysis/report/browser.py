"""Look at the HTML report in a real browser: headless Chromium screenshots of the index and a page.

``python -m eduanalysis.report.browser reports/`` (``make report-check``) writes
``reports/screenshots/index.png`` and one notebook page's screenshot and prints their paths and the
pages' sizes; it fails when Chromium is missing (Debian: ``apt-get install chromium``), a page is
larger than :data:`PAGE_MAX_BYTES` or a screenshot comes out blank. Whether Chinese renders (no
"tofu" boxes) is for a person to see: open the PNGs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from eduanalysis.errors import EduAnalysisError

#: Largest HTML page the report should write (embedded figures included).
PAGE_MAX_BYTES = 2_000_000
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars")


def browser() -> str | None:
    """The Chromium executable on the PATH, or None."""
    return next((b for b in map(shutil.which, BROWSERS) if b), None)


def screenshot(page: Path, out: Path, size: tuple[int, int] = (1280, 1600), timeout: float = 120) -> Path:
    """A PNG of ``page`` as headless Chromium renders it at ``size`` pixels."""
    exe = browser()
    if exe is None:
        raise EduAnalysisError("Chromium is not installed; `apt-get install chromium` (Debian) to look at the report")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        cmd = [exe, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={out}",
               f"--window-size={size[0]},{size[1]}", page.resolve().as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if not out.is_file():
        raise EduAnalysisError(f"Chromium wrote no screenshot of {page}: {proc.stderr[-500:]}")
    return out


def is_blank(png: Path) -> bool:
    """True when the screenshot is a single colour (nothing rendered)."""
    from PIL import Image

    with Image.open(png) as im:
        lo, hi = im.convert("L").getextrema()
    return lo == hi


def check_report(reports_dir: Path, page: str | None = None) -> list[Path]:
    """Screenshots of ``index.html`` and one notebook page (``page``, default the first), checked."""
    reports_dir = Path(reports_dir)
    index = reports_dir / "index.html"
    if not index.is_file():
        raise EduAnalysisError(f"{index} does not exist; run `eduanalysis report --out {reports_dir}` first")
    pages = sorted(p for p in reports_dir.glob("*.html") if p.name != "index.html")
    big = [(p.name, p.stat().st_size) for p in [index, *pages] if p.stat().st_size > PAGE_MAX_BYTES]
    if big:
        raise EduAnalysisError(f"pages over {PAGE_MAX_BYTES:,} bytes: {big}")
    chosen = reports_dir / page if page else (pages[0] if pages else None)
    shots = [screenshot(index, reports_dir / "screenshots" / "index.png")]
    if chosen is not None:
        shots.append(screenshot(chosen, reports_dir / "screenshots" / f"{chosen.stem}.png"))
    blank = [s for s in shots if is_blank(s)]
    if blank:
        raise EduAnalysisError(f"blank screenshots: {blank}")
    return shots


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path("reports")
    try:
        shots = check_report(folder, args[1] if len(args) > 1 else None)
    except EduAnalysisError as exc:
        print(f"report-check: {exc}", file=sys.stderr)
        return 2
    for p in sorted(folder.glob("*.html")):
        print(f"{p.name}: {p.stat().st_size / 1e6:.2f} MB")
    print(*shots, sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
