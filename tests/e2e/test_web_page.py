"""The web page in a real browser (Debian's Chromium, headless) against the real service and Neo4j.

Chromium runs the page's JavaScript against ``riskgraph serve`` and prints the resulting DOM;
the assertions read what an investigator or analyst would see.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator

import pytest
from neo4j import Driver

from riskgraph.settings import Settings
from tests.e2e.service import running_service
from tests.related_risk import fid, load_and_score

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def base_url(driver: Driver, neo4j_settings: Settings) -> Iterator[str]:
    load_and_score(driver, neo4j_settings)
    with running_service(neo4j_settings) as base:
        yield base


def rendered(url: str) -> str:
    """The DOM after the page's scripts ran (virtual time lets fetches and layout finish)."""
    assert CHROMIUM, "Chromium is not installed; `make setup` installs it (apt-get install chromium)"
    with tempfile.TemporaryDirectory(prefix="riskgraph-chromium-") as profile:
        out = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                              f"--user-data-dir={profile}", "--virtual-time-budget=15000", "--dump-dom", url],
                             capture_output=True, text=True, timeout=90, check=True)
    return out.stdout


def test_investigator_sees_class_reasons_history_and_network(base_url: str) -> None:
    x, d1 = fid("乙关联"), fid("甲失信")
    dom = rendered(f"{base_url}/?fid={x}&lang=zh")
    assert 'data-ready="firm"' in dom
    assert "深圳市乙关联科技有限公司" in dom
    badge = re.search(r'<span id="badge" class="badge ([ABCD])">([ABCD])</span>', dom)
    assert badge and badge.group(1) == badge.group(2)
    assert "法定代表人 张**" in dom and "甲失信" in dom  # the related-party reason, person masked
    assert "张三丰" not in dom
    assert "2026-06" in dom and "2026-07" in dom  # history
    nodes = re.search(r'id="graph" data-nodes="(\d+)"', dom)
    assert nodes and int(nodes.group(1)) >= 3  # the firm, its legal representative, the D firm …
    assert "<canvas" in dom  # cytoscape drew it
    d1_dom = rendered(f"{base_url}/?fid={d1}&lang=en")
    assert '<span id="badge" class="badge D">D</span>' in d1_dom
    assert "serious" in d1_dom.lower()  # the hard rule, in English


def test_analyst_sees_hotspots_and_downgrades(base_url: str) -> None:
    z = fid("戊后失信")
    dom = rendered(f"{base_url}/?view=hotspots&lang=en")
    assert 'data-ready="hotspots"' in dom
    assert "广东省深圳市" in dom  # prefecture row of the heat table
    assert "Downgraded this month" in dom and z in dom  # Z joined the dishonesty list in July
