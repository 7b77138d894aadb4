"""The Hotspots view in real headless Chromium against ``riskgraph serve`` and Neo4j, on a generated registry.

The data is :mod:`tests.integration.test_analysis_job`'s (5,000 firms, a planted county × division hotspot,
shell rings), scored for June and July 2026; the page opens on July. The drill-down is driven over the
DevTools protocol (:func:`tests.e2e.test_web_page.in_browser`): each click waits until the page marks
itself ready, no fixed delay.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver

from riskgraph.auth.roles import Role
from riskgraph.jobs.analysis import industry_name, region_name
from riskgraph.settings import Settings
from tests.e2e.service import running_service
from tests.e2e.test_web_page import in_browser, shown
from tests.integration.test_analysis_job import generated_registry, load_and_score_generated, planted
from tests.keys import api_key


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_registry(tmp_path_factory.mktemp("hotspots-page") / "set")


@pytest.fixture(scope="module")
def base_url(data: Path, driver: Driver, neo4j_settings: Settings) -> Iterator[str]:
    load_and_score_generated(driver, neo4j_settings, data)
    with running_service(neo4j_settings) as base:
        yield base


def click(selector: str) -> str:
    return f"document.querySelector({json.dumps(selector)}).click()"


def table(dom: str, element_id: str) -> str:
    found = re.search(rf'<table id="{element_id}">(.*?)</table>', dom, re.S)
    assert found, f"no table #{element_id}"
    return found.group(1)


def test_analyst_drills_down_from_prefectures_to_a_county_cell(base_url: str, data: Path,
                                                               neo4j_settings: Settings) -> None:
    county, division = planted(data)[0]
    prefecture = county[:4] + "00"
    key = api_key(neo4j_settings, Role.ANALYST)
    start, counties, cell = in_browser(f"{base_url}/?view=hotspots&lang=zh#key={key}", [
        ("", "hotspots"),
        (click(f'#heat a.drill[data-region="{prefecture}"]'), "hotspots"),
        (click(f'#heat td[data-region="{county}"][data-industry="{division[0]}"]'), "cell"),
    ])
    heat = table(start["dom"], "heat")
    assert region_name(prefecture) in heat and "制造业" in heat  # prefectures × sections, by name
    assert not re.search(r"<th>\d{6}</th>", heat)  # never a bare region code as a row
    assert 'data-region="440000"' in start["dom"] or "广东省" in start["dom"]  # the province crumb
    assert re.search(r'id="export-csv"[^>]*href="blob:', start["dom"])  # the CSV of what is shown
    counties_heat = table(counties["dom"], "heat")
    assert region_name(county) in counties_heat and 'class="drill"' not in counties_heat  # counties: the last level
    assert region_name(prefecture) in counties["dom"]  # … under their prefecture's crumb
    assert "★" in counties_heat  # the planted hotspot's county × section cell is marked (with its q)
    dom = cell["dom"]
    assert shown(dom, "cell-card") and f"{region_name(county)} × {industry_name(division[0])}" in dom
    assert re.search(r'<svg id="trend"[^>]*data-points="2"', dom)  # June and July
    assert "<circle" in dom
    drivers = re.search(r'<ol id="drivers">(.*?)</ol>', dom, re.S)
    assert drivers and "<li" in drivers.group(1)
    firms_part = re.search(r'<div data-needs="GET /api/v1/months/\{month\}/hotspots/firms"[^>]*>', dom)
    assert firms_part and "hidden" in firms_part.group(0)  # analysts see no firm list
    assert "p-" not in table(dom, "groups")  # groups as aggregates: no person


def test_investigator_sees_a_cells_firms_and_opens_a_group_in_the_explorer(base_url: str, data: Path,
                                                                          neo4j_settings: Settings) -> None:
    county, division = planted(data)[0]
    key = api_key(neo4j_settings, Role.INVESTIGATOR)
    ring = next(r for r in json.loads((data / "truth" / "structures.json").read_text(encoding="utf-8"))
                if r["type"] == "shell_ring")
    start, _, cell = in_browser(f"{base_url}/?view=hotspots&lang=en#key={key}", [
        ("", "hotspots"),
        (click(f'#heat a.drill[data-region="{county[:4]}00"]'), "hotspots"),
        (click(f'#heat td[data-region="{county}"][data-industry="{division[0]}"]'), "cell"),
    ])
    firms = table(cell["dom"], "cell-firms")
    assert firms.count("<a") >= 10  # each firm opens in Investigate
    assert re.search(r'id="export-csv"[^>]*download="firms-2026-07-', cell["dom"])
    groups = table(start["dom"], "groups")
    assert "Risk groups" in start["dom"] and "open in the explorer" in groups
    assert "Guangdong" not in groups and "广东省" in groups  # regions by name
    anchors = re.findall(r'data-anchor="([0-9A-Z]{18})"', groups)
    assert anchors
    anchor = min(ring["firms"]) if min(ring["firms"]) in anchors else anchors[0]
    _, opened = in_browser(f"{base_url}/?view=hotspots&lang=en#key={key}", [
        ("", "hotspots"), (click(f'a.open-group[data-anchor="{anchor}"]'), "group")])
    dom = opened["dom"]
    assert f'data-group="{anchor}"' in dom and shown(dom, "view-firm")
    nodes = re.search(r'id="graph" data-nodes="(\d+)"', dom)
    assert nodes and int(nodes.group(1)) >= 3 and "<canvas" in dom
