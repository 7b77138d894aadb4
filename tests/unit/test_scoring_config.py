"""The model file: the packaged one loads; edits change the version; bad files are refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from riskgraph.errors import ConfigError
from riskgraph.scoring.config import DEFAULT_MODEL_PATH, Family, load_exempt_hubs
from riskgraph.scoring.model_file import load_model_config


def _edited(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_packaged_model_covers_the_required_indicators_and_families() -> None:
    cfg = load_model_config()
    ids = {i.id for i in cfg.indicators}
    for required in ("base.age", "base.registered_capital", "base.entity_kind", "dyn.changes_36m",
                     "dyn.annual_report_missing", "reg.penalty_count_60m", "reg.penalty_recency",
                     "reg.penalty_severity", "reg.abnormal_current", "reg.abnormal_past", "reg.dishonest_current",
                     "reg.dishonest_past", "reg.inspection_fail_60m", "soc.complaints_36m", "soc.complaint_trend",
                     "rel.propagated"):
        assert required in ids
    assert {i.family for i in cfg.indicators} == set(Family)
    assert all(i.zh and i.en for i in cfg.indicators)
    assert {a for s in cfg.key_area_sets for a in s.areas} >= {"food", "drug", "special_equipment"}
    assert cfg.model_version.startswith(cfg.version + "+")


def test_changing_a_weight_changes_the_recorded_version_not_the_code(tmp_path: Path) -> None:
    def heavier(d: dict) -> None:  # type: ignore[type-arg]
        d["indicators"][0]["weight"] = 9.5

    edited = load_model_config(_edited(tmp_path, heavier))
    assert edited.indicators[0].weight == 9.5
    assert edited.model_version != load_model_config().model_version
    assert edited.version == load_model_config().version  # same declared version, different content hash


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["indicators"][3].update(weight=-1), "indicators.3.weight"),
    (lambda d: d["indicators"][0]["compute"].update(fn="astrology"), "unknown compute fn 'astrology'"),
    (lambda d: d["classes"].update(thresholds={"B": 30, "C": 20, "D": 50}), "must rise strictly"),
    (lambda d: d["key_area_sets"][0]["weights"].update({"no.such": 1}), "unknown indicators ['no.such']"),
    (lambda d: d["hard_rules"][0].update(indicator="reg.nope"), "unknown indicator 'reg.nope'"),
    (lambda d: d["indicators"][5]["compute"].update(kinds=["penalty", "bribe"]), "indicators.5.compute.kinds.1"),
    (lambda d: d["propagation"].update(decay_per_hop=1.5), "propagation.decay_per_hop"),
    (lambda d: d["indicators"][5]["compute"].update(fn="peer_rate", group=None), "peer_rate needs group"),
    (lambda d: d["indicators"].append(dict(d["indicators"][0])), "repeated: ['base.age']"),
])
def test_invalid_model_is_refused_naming_file_and_field(tmp_path: Path, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    path = _edited(tmp_path, edit)
    with pytest.raises(ConfigError) as err:
        load_model_config(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_unreadable_or_malformed_files_say_so(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read scoring model"):
        load_model_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("indicators: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_model_config(bad)
    hubs = tmp_path / "hubs.yaml"
    hubs.write_text("firms: [a]\nbanks: [b]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="banks"):
        load_exempt_hubs(hubs)
