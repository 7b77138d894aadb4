"""The web page in a real browser (Debian's Chromium, headless) against the real service and Neo4j.

Chromium runs the page's JavaScript against ``riskgraph serve`` and prints the resulting DOM;
the assertions read what an investigator, analyst or integrator would see. The key goes in the
URL fragment (``#key=…``), as a script opening the page would pass it; the page moves it to
sessionStorage at once.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import Driver

from riskgraph.auth.roles import Role
from riskgraph.settings import Settings
from tests.e2e.service import running_service
from tests.keys import CLEARED, api_key
from tests.related_risk import fid, load_and_score

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def base_url(driver: Driver, neo4j_settings: Settings) -> Iterator[str]:
    load_and_score(driver, neo4j_settings)
    with running_service(neo4j_settings) as base:
        yield base


@pytest.fixture(scope="module")
def key(neo4j_settings: Settings) -> dict[str, str]:
    """The test users' keys by role (made in the users file the service reads)."""
    return {str(who): api_key(neo4j_settings, who) for who in [*Role, CLEARED]}


def rendered(url: str) -> str:
    """The DOM after the page's scripts ran (virtual time lets fetches and layout finish)."""
    assert CHROMIUM, "Chromium is not installed; `make setup` installs it (apt-get install chromium)"
    with tempfile.TemporaryDirectory(prefix="riskgraph-chromium-") as profile:
        out = subprocess.run([CHROMIUM, *BROWSER_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=15000",
                              "--dump-dom", url], capture_output=True, text=True, timeout=90, check=True)
    return out.stdout


def opening_tag(dom: str, element_id: str) -> str:
    found = re.search(rf'<[a-z0-9]+ id="{element_id}"[^>]*>', dom)
    assert found, f"no element #{element_id}"
    return found.group(0)


def shown(dom: str, element_id: str) -> bool:
    return not re.search(r'\shidden(="")?[\s>]', opening_tag(dom, element_id))


def test_investigator_sees_class_reasons_history_and_network(base_url: str, key: dict[str, str]) -> None:
    x, d1 = fid("乙关联"), fid("甲失信")
    dom = rendered(f"{base_url}/?fid={x}&lang=zh#key={key['investigator']}")
    assert 'data-ready="firm"' in dom and 'data-role="investigator"' in dom
    assert shown(dom, "tab-firm") and shown(dom, "tab-hotspots") and shown(dom, "network-card")
    assert '<span id="user-name">test-investigator</span>' in dom and "调查员" in dom  # header: name, role label
    assert "深圳市乙关联科技有限公司" in dom
    badge = re.search(r'<span id="badge" class="badge ([ABCD])">([ABCD])</span>', dom)
    assert badge and badge.group(1) == badge.group(2)
    reasons = re.search(r'<ol id="reasons">(.*?)</ol>', dom, re.S)
    assert reasons and "法定代表人 张**" in reasons.group(1) and "甲失信" in reasons.group(1)  # related-party reason
    assert "张三丰" not in dom
    reps = re.search(r'<div id="firm-reps"[^>]*>([^<]*)</div>', dom)
    assert reps and reps.group(1) == "法定代表人: 张**"  # by masked name (and key), no ID number
    assert "440*" not in dom  # the masked ID number is for cleared users only
    assert "2026-06" in dom and "2026-07" in dom  # history
    nodes = re.search(r'id="graph" data-nodes="(\d+)"', dom)
    assert nodes and int(nodes.group(1)) >= 3  # the firm, its legal representative, the D firm …
    assert "<canvas" in dom  # cytoscape drew it
    d1_dom = rendered(f"{base_url}/?fid={d1}&lang=en#key={key['investigator']}")
    assert '<span id="badge" class="badge D">D</span>' in d1_dom
    assert "serious" in d1_dom.lower()  # the hard rule, in English


def test_cleared_investigator_sees_the_masked_id_number(base_url: str, key: dict[str, str]) -> None:
    dom = rendered(f"{base_url}/?fid={fid('乙关联')}&lang=zh#key={key[CLEARED]}")
    assert 'data-ready="firm"' in dom
    assert "张** (440*************12)" in dom  # 440305199302110012, region prefix and last two only
    assert "440305199302110012" not in dom


def test_analyst_sees_hotspots_and_downgrades(base_url: str, key: dict[str, str]) -> None:
    z = fid("戊后失信")
    dom = rendered(f"{base_url}/?view=hotspots&lang=en#key={key['analyst']}")
    assert 'data-ready="hotspots"' in dom and 'data-role="analyst"' in dom
    assert "广东省深圳市" in dom  # prefecture row of the heat table
    assert "Downgraded this month" in dom and z in dom  # Z joined the dishonesty list in July


def test_without_a_key_the_page_shows_the_login_and_no_firm_data(base_url: str) -> None:
    dom = rendered(f"{base_url}/?fid={fid('乙关联')}&lang=en")
    assert 'data-ready="login"' in dom and "data-role" not in dom
    assert shown(dom, "login") and 'type="password"' in opening_tag(dom, "key")
    assert "API key" in dom and "Sign in" in dom
    assert not shown(dom, "view-firm") and not shown(dom, "tab-firm") and not shown(dom, "tab-hotspots")
    assert "乙关联" not in dom and '<h2 id="firm-name"></h2>' in dom and "<canvas" not in dom


def test_a_refused_key_shows_the_login_with_the_reason(base_url: str) -> None:
    unknown = "rg_0123456789abcdef_" + "x" * 43
    dom = rendered(f"{base_url}/?fid={fid('乙关联')}&lang=zh#key={unknown}")
    assert 'data-ready="login"' in dom and shown(dom, "login-reason")
    assert "unknown API key" in dom  # the 401's detail
    assert "乙关联" not in dom and unknown not in dom


def test_analyst_sees_hotspots_but_not_the_investigate_tab(base_url: str, key: dict[str, str]) -> None:
    dom = rendered(f"{base_url}/?fid={fid('乙关联')}&lang=en#key={key['analyst']}")
    assert 'data-role="analyst"' in dom and 'data-ready="hotspots"' in dom  # asked for a firm, shown Hotspots
    assert shown(dom, "tab-hotspots") and not shown(dom, "tab-firm") and not shown(dom, "view-firm")
    assert '<h2 id="firm-name"></h2>' in dom and "<canvas" not in dom
    changes = re.search(r'<table id="changes">(.*?)</table>', dom, re.S)
    assert changes and fid("戊后失信") in changes.group(1) and "<a" not in changes.group(1)  # named, not linked


def test_integrator_reads_ratings_but_not_the_network(base_url: str, key: dict[str, str]) -> None:
    dom = rendered(f"{base_url}/?fid={fid('乙关联')}&lang=en#key={key['integrator']}")
    assert 'data-role="integrator"' in dom and 'data-ready="firm"' in dom
    assert shown(dom, "tab-firm") and not shown(dom, "tab-hotspots") and shown(dom, "search-form")
    assert re.search(r'<span id="badge" class="badge [ABCD]">[ABCD]</span>', dom)
    assert "深圳市乙关联科技有限公司" in dom  # the name comes with the rating
    assert not shown(dom, "network-card") and not shown(dom, "events-card") and not shown(dom, "firm-reps")
    assert 'data-nodes="0"' in dom and "<canvas" not in dom


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_a_role_without_a_view_is_pointed_to_the_api(base_url: str, key: dict[str, str], role: str) -> None:
    dom = rendered(f"{base_url}/?fid={fid('乙关联')}&lang=en#key={key[role]}")
    assert f'data-role="{role}"' in dom and 'data-ready="no-view"' in dom
    assert shown(dom, "no-view") and "This page has nothing for this role" in dom and 'href="/docs"' in dom
    assert not shown(dom, "tab-firm") and not shown(dom, "tab-hotspots") and "乙关联" not in dom


def test_the_key_leaves_the_address_bar_and_stays_out_of_the_dom(base_url: str, key: dict[str, str]) -> None:
    secret = key["investigator"]
    url = f"{base_url}/?view=hotspots&lang=zh#key={secret}"  # a view that never rewrites the URL itself
    [page] = in_browser(url, [("", "hotspots")])
    assert page["href"] == f"{base_url}/?view=hotspots&lang=zh"  # the fragment is gone, the rest stays
    assert page["session"] == {"riskgraph.key": secret}  # sessionStorage, not localStorage nor a cookie
    assert page["local"] == {} and page["cookie"] == ""
    assert secret not in page["dom"] and secret not in rendered(url)


def test_login_form_and_logout(base_url: str, key: dict[str, str]) -> None:
    secret = key["investigator"]
    sign_in = (f"document.getElementById('key').value = {json.dumps(secret)};"
               "document.getElementById('login-form').requestSubmit()")
    sign_out = "document.getElementById('logout').click()"
    login, firm, after = in_browser(f"{base_url}/?fid={fid('乙关联')}&lang=en",
                                    [("", "login"), (sign_in, "firm"), (sign_out, "login")])
    assert login["session"] == {} and "乙关联" not in login["dom"]
    assert firm["session"] == {"riskgraph.key": secret} and "深圳市乙关联科技有限公司" in firm["dom"]
    assert 'data-role="investigator"' in firm["dom"] and secret not in firm["dom"]
    assert after["session"] == {} and "data-role" not in after["dom"]
    assert "乙关联" not in after["dom"] and "<canvas" not in after["dom"]  # nothing of the data stays


# --- a browser driven over the DevTools protocol, for what --dump-dom cannot show (address bar, storage) ----

class DevTools:
    """Chromium with ``--remote-debugging-pipe``: requests on fd 3, answers and events on fd 4, NUL-separated."""

    def __init__(self, proc: subprocess.Popen[bytes], to_browser: int, from_browser: int, deadline: float):
        self.proc, self.to_browser, self.from_browser, self.deadline = proc, to_browser, from_browser, deadline
        self.buffer, self.ids = b"", itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def _message(self) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self.from_browser], [], [], max(0.0, self.deadline - time.monotonic()))
            assert ready, "the browser did not answer in time"
            chunk = os.read(self.from_browser, 1 << 16)
            assert chunk, "the browser closed the pipe"
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)  # type: ignore[no-any-return]

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        ident = next(self.ids)
        request = {"id": ident, "method": method, "params": params, **({"sessionId": session} if session else {})}
        os.write(self.to_browser, json.dumps(request).encode() + b"\0")
        while True:
            message = self._message()
            if message.get("id") == ident:
                assert "error" not in message, message["error"]
                return message["result"]  # type: ignore[no-any-return]
            self.events.append(message)

    def wait_for(self, event: str) -> None:
        while not any(e.get("method") == event for e in self.events):
            self.events.append(self._message())


# Resolves once body[data-ready] is set to the state waited for: no fixed delay, the page says when it is done.
READY = """%s; new Promise((resolve) => {
  const done = () => document.body.dataset.ready === %s;
  if (done()) return resolve();
  new MutationObserver(() => done() && resolve()).observe(document.body, { attributes: true });
}).then(() => ({ ready: document.body.dataset.ready, href: location.href, session: { ...sessionStorage },
  local: { ...localStorage }, cookie: document.cookie, dom: document.documentElement.outerHTML }))"""


def in_browser(url: str, steps: list[tuple[str, str]], timeout: float = 60) -> list[dict[str, Any]]:
    """Open ``url``; for each step run its script, wait until the page marks itself with its ready state, and
    note the page's address, storage and DOM."""
    assert CHROMIUM, "Chromium is not installed; `make setup` installs it (apt-get install chromium)"
    browser_reads, we_write = os.pipe()
    we_read, browser_writes = os.pipe()

    def on_fds_3_and_4() -> None:  # in the child, before exec; dup first so neither end is overwritten
        reads, writes = os.dup(browser_reads), os.dup(browser_writes)
        os.dup2(reads, 3)
        os.dup2(writes, 4)

    with tempfile.TemporaryDirectory(prefix="riskgraph-chromium-") as profile:
        proc = subprocess.Popen([CHROMIUM, *BROWSER_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe",
                                 "about:blank"], pass_fds=(3, 4), preexec_fn=on_fds_3_and_4,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(browser_reads)
        os.close(browser_writes)
        try:
            browser = DevTools(proc, we_write, we_read, time.monotonic() + timeout)
            target = browser.call("Target.createTarget", url="about:blank")["targetId"]
            session = browser.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            browser.call("Page.enable", session)
            browser.call("Page.navigate", session, url=url)
            browser.wait_for("Page.loadEventFired")
            pages = []
            for script, ready in steps:
                result = browser.call("Runtime.evaluate", session, expression=READY % (script, json.dumps(ready)),
                                      awaitPromise=True, returnByValue=True)
                assert "exceptionDetails" not in result, result
                pages.append(result["result"]["value"])
            return pages
        finally:
            os.close(we_write)
            os.close(we_read)
            proc.terminate()
            proc.wait(10)
