"""The annual report opened in a real (Debian) chromium: it renders without console errors
and without asking the network for anything, the map has the 42 counties, each coloured
with the rate of the table beside it, a screenshot is not blank; the PDF has pages."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from pipelines.reporting.report import print_pdfs, write_report
from tests.reporting import annual
from tests.ui.test_dagster_ui import CHROMIUM, MIN_CHANGED_PIXELS, changed_pixels

pytestmark = [pytest.mark.slow, pytest.mark.ui]

# County code -> (rate drawn on the map, rate in the table's cell of that county).
MAP_AND_TABLE_JS = """
() => {
  const table = {};
  for (const cell of document.querySelectorAll('#map td[data-key]')) {
    if (!cell.dataset.expr.includes('population)')) continue;
    if (!cell.dataset.expr.startsWith('round(sum(victims)')) continue;
    table[JSON.parse(cell.dataset.key).county_code] = cell.dataset.value ?? null;
  }
  const out = {};
  for (const county of document.querySelectorAll('#map svg g.county')) {
    out[county.dataset.county] = [county.dataset.rate ?? null, table[county.dataset.county]];
  }
  return out;
}
"""


def keep(png: bytes, name: str) -> None:
    """TIPSTATS_SCREENSHOTS=DIR keeps the screenshot, to look at."""
    if target := os.environ.get("TIPSTATS_SCREENSHOTS"):
        Path(target).mkdir(parents=True, exist_ok=True)
        (Path(target) / name).write_bytes(png)


@pytest.mark.parametrize("public", [False, True], ids=["internal", "public"])
def test_report_renders_in_chromium(public: bool, tmp_path: Path) -> None:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is missing: run `make browser` (apt-get install chromium)")
    database = annual.warehouse(tmp_path)
    files = write_report(database, *annual.PERIOD, tmp_path / "out", public)
    assert files.pdf is not None
    pdf = files.pdf.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 3

    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(files.html.resolve().as_uri(), wait_until="load")
            counties = page.locator("#map svg g.county").count()
            drawn = page.evaluate(MAP_AND_TABLE_JS)
            shot = page.screenshot(full_page=True)
            keep(shot, f"report-{'public' if public else 'internal'}.png")
            changed = changed_pixels(browser, shot)
        finally:
            browser.close()
    assert errors == []
    assert requests == [files.html.resolve().as_uri()]  # nothing fetched: self-contained
    assert counties == 42
    assert len(drawn) == 42
    mismatched = {code: pair for code, pair in drawn.items() if pair[0] != pair[1]}
    assert mismatched == {}
    assert changed >= MIN_CHANGED_PIXELS, f"screenshot is nearly blank ({changed:.4%} changed)"


def test_both_editions_print_in_one_chromium(tmp_path: Path) -> None:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is missing: run `make browser` (apt-get install chromium)")
    database = annual.warehouse(tmp_path)
    htmls = [
        write_report(database, *annual.PERIOD, tmp_path / "out", public, pdf=False).html
        for public in (False, True)
    ]
    print_pdfs({html: html.with_suffix(".pdf") for html in htmls})
    printed = [html.with_suffix(".pdf").read_bytes() for html in htmls]
    for pdf in printed:
        assert pdf.startswith(b"%PDF-")
        assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 3
    assert printed[0] != printed[1]  # each edition its own PDF
