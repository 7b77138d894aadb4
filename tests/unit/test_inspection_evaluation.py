"""Sampling ratios from the versioned file, and the evaluation of a plan's hit rates against a uniform draw."""

from __future__ import annotations

import pandas as pd
import pytest

from riskgraph.errors import ConfigError
from riskgraph.inspection.config import load_plan_config, parse_plan_config
from riskgraph.inspection.evaluation import evaluate, problems_from_truth, results_from_truth, wilson


def test_the_packaged_ratios_are_the_reported_ranges() -> None:
    config = load_plan_config()
    assert config.version and len(config.content_hash) == 64
    for base in (0.01, 0.05, 0.1, 0.2, 1.0):
        r = config.ratios(base)
        assert r["A"] <= 0.05 and 0.05 <= r["B"] <= 0.20 and 0.21 <= r["C"] <= 0.60 and 0.61 <= r["D"] <= 1.0
    assert config.classes["D"].max is None and config.ratios(0.2)["D"] == 1.0  # no upper limit below every firm
    assert config.check_override("C", 0.7) is not None and config.check_override("D", 1.0) is None


def test_a_configuration_that_samples_a_riskier_class_less_is_refused() -> None:
    bad = {"version": "x", "base_ratio": 0.05, "classes": {
        "A": {"multiplier": 1, "min": 0}, "B": {"multiplier": 1, "min": 0.05},
        "C": {"multiplier": 0.5, "min": 0.21}, "D": {"multiplier": 12, "min": 0.61}}}
    with pytest.raises(ConfigError, match="class C must sample at least as much as class B"):
        parse_plan_config(bad, "plan.yaml")


def test_hit_rates_and_the_uniform_comparison_by_reasoning() -> None:
    # scope: 900 A firms and 100 D firms; 10 A and 10 D drawn and inspected; 1 A hit, 5 D hits.
    drawn = {f"a{i}": "A" for i in range(10)} | {f"d{i}": "D" for i in range(10)}
    results = {f"a{i}": "fail" if i == 0 else "pass" for i in range(10)}
    results |= {f"d{i}": ("fail" if i < 4 else "not_found" if i == 4 else "pass") for i in range(10)}
    results["stranger"] = "fail"
    ev = evaluate({"A": 900, "B": 0, "C": 0, "D": 100}, drawn, results, ["fail", "not_found"])
    a, d = ev.classes[0], ev.classes[3]
    assert (a.hit_rate, d.hit_rate) == (0.1, 0.5) and d.results == {"pass": 5, "fail": 4, "not_found": 1}
    assert ev.uniform_rate == pytest.approx(0.9 * 0.1 + 0.1 * 0.5)  # 0.14: the scope's rate
    assert ev.hit_rate == pytest.approx(6 / 20) and ev.lift == pytest.approx(0.3 / 0.14)
    assert ev.uniform_expected_hits == pytest.approx(20 * 0.14) and ev.not_in_plan == 1 and ev.pending == 0
    assert a.ci_low is not None and a.ci_low < 0.1 < a.ci_high  # type: ignore[operator]


def test_without_a_result_for_a_class_there_is_no_uniform_figure_and_it_says_so() -> None:
    ev = evaluate({"A": 10, "B": 0, "C": 0, "D": 5}, {"a": "A", "d": "D"}, {"a": "pass"}, ["fail"])
    assert ev.uniform_rate is None and ev.pending == 1 and "class(es) D" in ev.notes[0]


def test_wilson_interval() -> None:
    low, high = wilson(5, 10)
    assert low == pytest.approx(0.2366, abs=1e-4) and high == pytest.approx(0.7634, abs=1e-4)
    assert wilson(0, 0) == (None, None)


def test_results_from_the_generators_truth() -> None:
    future = pd.DataFrame({"firm_id": ["x", "y", "z", "w"], "kind": ["penalty", "inspection", "annual_report_missing",
                                                                     "inspection"],
                           "result": ["", "not_found", "", "pass"]})
    problems, gone = problems_from_truth(future)
    assert problems == {"x", "y"} and gone == {"y"}
    assert results_from_truth(["x", "y", "z", "w"], problems, gone) == {"x": "fail", "y": "not_found", "z": "pass",
                                                                       "w": "pass"}
