"""The audit trail detects each kind of tampering: an altered, deleted, inserted or reordered entry,
a truncated tail, a forged head, and a trail rewritten without the key."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskgraph.audit.trail import AuditTrail

KEY = "unit-audit-key"


@pytest.fixture()
def trail(tmp_path: Path) -> AuditTrail:
    t = AuditTrail(tmp_path / "audit" / "audit.jsonl", KEY)
    t.append("cli:alice", "ingest", source="data/demo", rows={"firms": 20000})
    t.append("api:bob", "read", route="/api/v1/firms/{fid}", entities=["91440300MA5DABCD2Y"], results=1,
             client="127.0.0.1")
    t.append("cli:alice", "score", month="2026-06", run_id="r1")
    t.append("api:carol", "read", route="/api/v1/months", results=4, client="10.0.0.7")
    return t


def _lines(t: AuditTrail) -> list[str]:
    return t.path.read_text(encoding="utf-8").splitlines(keepends=True)


def _write(t: AuditTrail, lines: list[str]) -> None:
    t.path.write_text("".join(lines), encoding="utf-8")


def test_an_untouched_trail_is_whole_and_private(trail: AuditTrail) -> None:
    assert trail.verify() == (4, [])
    assert [e["seq"] for e in trail.entries()] == [1, 2, 3, 4]
    assert [e["action"] for e in trail.entries()] == ["ingest", "read", "score", "read"]
    assert os.stat(trail.path).st_mode & 0o777 == 0o600
    assert os.stat(trail.head_path).st_mode & 0o777 == 0o600


def test_an_altered_entry_is_detected(trail: AuditTrail) -> None:
    lines = _lines(trail)
    lines[1] = lines[1].replace('"results":1', '"results":0')
    _write(trail, lines)
    _, problems = trail.verify()
    assert [p.line for p in problems] == [2] and "altered" in problems[0].reason


def test_a_deleted_entry_is_detected(trail: AuditTrail) -> None:
    lines = _lines(trail)
    del lines[1]
    _write(trail, lines)
    _, problems = trail.verify()
    assert problems and problems[0].line == 2 and "deleted, inserted or reordered" in problems[0].reason


def test_an_inserted_entry_is_detected_even_with_a_plausible_hash(trail: AuditTrail) -> None:
    lines = _lines(trail)
    forged = json.loads(lines[1])
    forged.update(actor="api:mallory", results=999)
    body = {k: v for k, v in forged.items() if k != "hash"}
    forged["hash"] = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()  # no key: plain SHA-256
    lines.insert(2, json.dumps(forged) + "\n")
    _write(trail, lines)
    _, problems = trail.verify()
    assert any(p.line == 3 and "altered" in p.reason for p in problems)
    assert any(p.line == 3 and "deleted, inserted or reordered" in p.reason for p in problems)


def test_reordered_entries_are_detected(trail: AuditTrail) -> None:
    lines = _lines(trail)
    lines[1], lines[2] = lines[2], lines[1]
    _write(trail, lines)
    _, problems = trail.verify()
    assert {p.line for p in problems} >= {2, 3}
    assert all("altered" not in p.reason for p in problems)  # each entry is genuine; their order is not


def test_a_truncated_tail_is_detected_by_the_signed_head(trail: AuditTrail) -> None:
    _write(trail, _lines(trail)[:2])
    entries, problems = trail.verify()
    assert entries == 2
    assert [p.line for p in problems] == [0] and "ends at entry 2, its signed head at entry 4" in problems[0].reason


def test_entries_appended_after_the_head_was_read_are_not_a_truncation(trail: AuditTrail) -> None:
    """What a check sees when the service appends while it reads: a head behind the trail's end."""
    earlier_head = trail.head_path.read_bytes()
    trail.append("api:bob", "read", route="/api/v1/months", results=4)
    trail.head_path.write_bytes(earlier_head)
    assert trail.verify() == (5, [])
    second_head = json.loads(_lines(trail)[1])["hash"]  # a head naming an entry the trail holds with another hash
    forged = {"seq": 4, "hash": second_head}
    trail.head_path.write_text(json.dumps({**forged, "signature": hmac.new(
        KEY.encode(), json.dumps(forged, sort_keys=True, separators=(",", ":")).encode(), hashlib.sha256).hexdigest()}))
    _, problems = trail.verify()
    assert [p.line for p in problems] == [0] and "signed head at entry 4" in problems[0].reason


def test_the_head_is_one_record_rewritten_in_place(trail: AuditTrail) -> None:
    inode = trail.head_path.stat().st_ino
    trail.append("api:bob", "read", route="/api/v1/months", results=4)
    assert trail.head_path.stat().st_ino == inode and trail.head_path.stat().st_size == 512
    assert json.loads(trail.head_path.read_text())["seq"] == 5


def test_a_head_rolled_back_with_the_tail_is_not_signed(trail: AuditTrail) -> None:
    _write(trail, _lines(trail)[:2])
    second = json.loads(_lines(trail)[1])
    trail.head_path.write_text(json.dumps({"seq": 2, "hash": second["hash"], "signature": "0" * 64}))
    _, problems = trail.verify()
    assert [p.line for p in problems] == [0] and "not signed" in problems[0].reason
    trail.head_path.unlink()
    _, problems = trail.verify()
    assert "missing" in problems[0].reason


def test_a_trail_rewritten_with_another_key_fails_under_the_real_one(trail: AuditTrail, tmp_path: Path) -> None:
    other = AuditTrail(tmp_path / "other.jsonl", "someone-elses-key")
    for entry in trail.entries():
        other.append(entry["actor"], entry["action"])
    os.replace(other.path, trail.path)
    os.replace(other.head_path, trail.head_path)
    _, problems = trail.verify()
    assert len([p for p in problems if "altered" in p.reason]) == 4 and any(p.line == 0 for p in problems)


def test_the_chain_links_each_entry_to_the_one_before(trail: AuditTrail) -> None:
    entries = list(trail.entries())
    for before, after in itertools.pairwise(entries):
        assert after["prev"] == before["hash"]
    body = {k: v for k, v in entries[0].items() if k != "hash"}
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    assert entries[0]["hash"] == hmac.new(KEY.encode(), canonical, hashlib.sha256).hexdigest()


def test_writers_at_once_keep_one_unbroken_chain(tmp_path: Path) -> None:
    t = AuditTrail(tmp_path / "audit.jsonl", KEY)

    def write(who: str) -> None:
        for i in range(50):
            AuditTrail(t.path, KEY).append(who, "read", n=i)

    threads = [threading.Thread(target=write, args=(f"api:w{k}",)) for k in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert t.verify() == (200, [])


def test_audit_verify_command_says_intact_or_names_the_problem(trail: AuditTrail,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from riskgraph.cli import app
    from riskgraph.cli import audit as audit_cli
    from riskgraph.settings import Settings

    settings = Settings(audit_path=trail.path, audit_key=KEY)  # type: ignore[arg-type]
    monkeypatch.setattr(audit_cli, "get_settings", lambda: settings)
    runner = CliRunner()
    done = runner.invoke(app, ["audit", "verify"])
    assert done.exit_code == 0 and "intact: 4 entries" in done.output
    shown = runner.invoke(app, ["audit", "show", "--last", "2"])
    assert [json.loads(line)["seq"] for line in shown.output.splitlines()] == [3, 4]
    _write(trail, _lines(trail)[:3])
    refused = runner.invoke(app, ["audit", "verify"])
    assert refused.exit_code == 1 and "NOT intact" in refused.output and "signed head at entry 4" in refused.output
