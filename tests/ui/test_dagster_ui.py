"""The Dagster UI answers: its GraphQL API reports what the Definitions define, and the asset
graph renders in a real (Debian) chromium with a group box per agency."""

from __future__ import annotations

import base64
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from pipelines.settings import SAMPLE_LANDING
from sources.common.landing import AGENCIES
from tests.ui import webserver

pytestmark = [pytest.mark.slow, pytest.mark.ui]

CHROMIUM = shutil.which("chromium")
RENDER_WAIT_MS = 60_000
MIN_CHANGED_PIXELS = 0.01  # vs about:blank: one word changes 0.02% of pixels, the graph 9%

REPOSITORY_QUERY = """
{ repositoriesOrError {
    __typename
    ... on PythonError { message }
    ... on RepositoryConnection { nodes {
        schedules { name cronSchedule executionTimezone defaultStatus }
        sensors { name defaultStatus }
        assetNodes {
            assetKey { path }
            groupName
            assetChecksOrError {
                __typename
                ... on AssetChecks { checks { name blocking } }
                ... on Error { message } } } } } } }
"""

# Text of every label drawn inside the graph's SVG (Dagster draws group boxes there).
GRAPH_LABELS_JS = """
() => {
  const labels = new Set();
  for (const svg of document.querySelectorAll('svg')) {
    const walker = document.createTreeWalker(svg, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) labels.add(walker.currentNode.textContent.trim());
  }
  return [...labels];
}
"""

# Share of pixels that differ between two same-sized PNGs, decoded by the browser itself.
CHANGED_PIXELS_JS = """
async ([first, second]) => {
  const load = (src) => new Promise((ok, fail) => {
    const image = new Image();
    image.onload = () => ok(image);
    image.onerror = fail;
    image.src = src;
  });
  const pixels = async (src) => {
    const image = await load(src);
    const canvas = new OffscreenCanvas(image.width, image.height);
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, image.width, image.height).data;
  };
  const [a, b] = await Promise.all([pixels(first), pixels(second)]);
  let changed = 0;
  for (let i = 0; i < a.length; i += 4) {
    if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) changed += 1;
  }
  return changed / (a.length / 4);
}
"""


def project_definitions() -> dg.Definitions:
    """The project's Definitions, whether `defs` is an object or a lazy `@dg.definitions`."""
    from pipelines.definitions import defs

    return defs if isinstance(defs, dg.Definitions) else defs()


@pytest.fixture
def ui(tmp_path: Path) -> Iterator[str]:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is missing: run `make browser` (apt-get install chromium)")
    server = webserver.start(tmp_path / "dagster_home", tmp_path / "w.duckdb", SAMPLE_LANDING)
    try:
        webserver.wait_until_loaded(server)
        yield server.url
    finally:
        left_alive = webserver.stop(server)
        assert not left_alive, f"processes left alive after stopping the UI: {left_alive}"


def repository(url: str) -> dict[str, Any]:
    answer = webserver.graphql(url, REPOSITORY_QUERY)["repositoriesOrError"]
    assert answer["__typename"] == "RepositoryConnection", answer
    (only,) = answer["nodes"]
    return only


def ui_checks(nodes: list[dict[str, Any]]) -> set[tuple[tuple[str, ...], str, bool]]:
    checks = set()
    for node in nodes:
        answer = node["assetChecksOrError"]
        assert answer["__typename"] == "AssetChecks", answer
        path = tuple(node["assetKey"]["path"])
        checks |= {(path, check["name"], check["blocking"]) for check in answer["checks"]}
    return checks


def assert_graphql_matches(url: str, repo: dg.RepositoryDefinition) -> None:
    answer = repository(url)
    graph = repo.asset_graph
    assets = {(tuple(n["assetKey"]["path"]), n["groupName"]) for n in answer["assetNodes"]}
    assert assets == {(tuple(k.path), graph.get(k).group_name) for k in graph.get_all_asset_keys()}
    assert ui_checks(answer["assetNodes"]) == {
        (tuple(k.asset_key.path), k.name, graph.get_check_spec(k).blocking)
        for k in graph.asset_check_keys
    }
    schedules = {
        (s["name"], s["cronSchedule"], s["executionTimezone"], s["defaultStatus"])
        for s in answer["schedules"]
    }
    assert schedules == {
        (s.name, s.cron_schedule, s.execution_timezone, s.default_status.value)
        for s in repo.schedule_defs
    }
    sensors = {(s["name"], s["defaultStatus"]) for s in answer["sensors"]}
    assert sensors == {(s.name, s.default_status.value) for s in repo.sensor_defs}


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR", "not a PNG"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def keep_screenshot(png: bytes, tmp_path: Path) -> Path:
    path = tmp_path / "asset-graph.png"
    path.write_bytes(png)
    if target := os.environ.get("TIPSTATS_SCREENSHOTS"):
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)
    return path


def group_names(repo: dg.RepositoryDefinition) -> list[str]:
    graph = repo.asset_graph
    return sorted({graph.get(key).group_name for key in graph.get_all_asset_keys()})


def render_asset_graph(page: Page, url: str, groups: list[str]) -> bytes:
    """Open the global asset lineage, wait until every group box is drawn, screenshot it."""
    page.goto(f"{url}/asset-groups")
    try:
        page.wait_for_function(
            f"(groups) => {{ const shown = new Set(({GRAPH_LABELS_JS})());"
            " return groups.every((g) => shown.has(g)); }",
            arg=groups,
            timeout=RENDER_WAIT_MS,
        )
    except PlaywrightTimeout:
        pytest.fail(f"asset graph never showed groups {groups}: {page.inner_text('body')}")
    assert set(AGENCIES) <= set(page.evaluate(GRAPH_LABELS_JS))
    return page.screenshot(full_page=True)


def changed_pixels(browser: Browser, shot: bytes) -> float:
    """Share of the screenshot's pixels that differ from about:blank at the same size."""
    width, height = png_size(shot)
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto("about:blank")
    blank = page.screenshot(full_page=True)
    assert png_size(blank) == (width, height)
    return float(page.evaluate(CHANGED_PIXELS_JS, [data_url(shot), data_url(blank)]))


def test_ui_reports_the_definitions_and_draws_the_asset_graph(ui: str, tmp_path: Path) -> None:
    repo = project_definitions().get_repository_def()
    assert_graphql_matches(ui, repo)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            shot = render_asset_graph(page, ui, group_names(repo))
            keep_screenshot(shot, tmp_path)
            changed = changed_pixels(browser, shot)
        finally:
            browser.close()
    assert changed >= MIN_CHANGED_PIXELS, f"screenshot is nearly blank ({changed:.4%} changed)"
