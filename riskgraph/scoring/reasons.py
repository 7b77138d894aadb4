"""Why a firm got its class: structured reasons, rendered in Chinese and English.

A reason is a plain JSON-able dict with a ``type``:

* ``indicator`` — an own indicator that moved the score: ``id``, ``value``, ``points`` (up to
  three, those giving the firm at least ``MIN_INDICATOR_POINTS`` more than the typical firm);
* ``rule`` — a hard rule that applies: ``id``, ``min_class``;
* ``connector`` — a shared person or address that carried risk: ``via`` (person/address),
  ``role`` (the firm's role there), ``label`` (masked name or address text), ``key``,
  ``others`` (other firms there), ``classes`` (how many of them per class),
  ``abnormal``/``dishonest`` (how many on those lists), ``examples`` (the worst of them:
  fid, name, class) and ``points``;
* ``link`` — a direct shareholding or branch link: ``direction``, ``fid``, ``name``,
  ``class``, ``ratio``, ``points``;
* ``clean`` — nothing adverse.

Persons appear only by their masked name and their key — the salted hash (HMAC) of the ID
number that the network API also uses — never by ID number or full name. The
texts are produced by :func:`render_reason` from the structure, so stored reasons can be
shown in either language later. Reasons stored under an earlier model version whose
indicators or rules have since been renamed still render (naming the indicator id).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from riskgraph.scoring.classify import Classification
from riskgraph.scoring.config import CLASS_ORDER, ModelConfig
from riskgraph.scoring.projection import CONNECTOR_KINDS, ENTITY_KINDS, F64, ROLES, Projection
from riskgraph.scoring.propagation import LINK_DIRECTIONS, PropagationResult

Reason = dict[str, Any]
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
CLEAN = '[{"type":"clean"}]'

MAX_INDICATOR_REASONS = 3
MAX_PATH_REASONS = 3
MIN_INDICATOR_POINTS = 0.5
MAX_EXAMPLES = 3

ROLE_TEXT = {
    "legal_rep": ("法定代表人", "legal representative"),
    "officer": ("董事/监事/高管", "officer"),
    "shareholder": ("股东", "shareholder"),
    "address": ("住所", "address"),
}
ENTITY_KIND_TEXT = {"enterprise": ("企业", "enterprise"), "individual": ("个体工商户", "individual business"),
                    "cooperative": ("农民专业合作社", "farmers' cooperative"),
                    "foreign": ("境外主体", "foreign entity")}


def _round(x: float, digits: int = 2) -> float:
    return float(round(float(x), digits))


def build_reasons(p: Projection, config: ModelConfig, raw: F64, points: F64, cls: Classification,
                  rule_hits: np.ndarray, prop: PropagationResult | None, relational_points: F64,
                  score: F64, abnormal: np.ndarray, dishonest: np.ndarray) -> list[str]:
    """Top reasons per firm (rules, indicators, related-party paths), as one JSON list text per firm.

    Written as JSON text directly: building a dict per reason and encoding it afterwards
    costs several times more at a million firms. :func:`decode_reasons` gives the dicts.
    """
    n = p.n_firms
    indicators = config.indicators
    prop_cols = [k for k, ind in enumerate(indicators) if ind.compute.fn == "propagated"]
    own_points = points.copy()
    own_points[:, prop_cols] = 0.0
    # an indicator is a reason when it gives the firm more points than it gives a typical firm
    excess = own_points - typical_points(own_points)
    top = np.argsort(-excess, axis=1)[:, :MAX_INDICATOR_REASONS]
    top_excess = np.take_along_axis(excess, top, axis=1)
    top_pts = np.take_along_axis(own_points, top, axis=1)
    top_raw = np.take_along_axis(raw, top, axis=1)
    heads = [_JSON.encode({"type": "indicator", "id": ind.id})[:-1] + ',"value":' for ind in indicators]

    paths = _path_reasons(p, config, prop, relational_points, cls.cls, score, abnormal, dishonest) if prop else {}
    rules = config.hard_rules
    rule_texts = [_JSON.encode({"type": "rule", "id": r.id, "min_class": r.min_class.value}) for r in rules]
    hit_rows = np.flatnonzero(rule_hits.any(axis=1)) if len(rules) else np.zeros(0, dtype=np.int64)
    rule_parts: dict[int, list[str]] = {int(i): [rule_texts[r] for r in np.flatnonzero(rule_hits[i])]
                                        for i in hit_rows}

    # plain Python lists: indexing numpy scalars one by one is the slow part at a million firms
    top_ids = top.tolist()
    top_points = np.round(top_pts, 1).tolist()
    top_values = np.round(top_raw, 2).tolist()
    shown = (top_excess >= MIN_INDICATOR_POINTS).sum(axis=1).tolist()  # sorted: a prefix is shown
    out: list[str] = []
    for i in range(n):
        parts = rule_parts.get(i) or []
        row_ids, row_pts, row_vals = top_ids[i], top_points[i], top_values[i]
        for k in range(shown[i]):
            v = row_vals[k]
            parts = [*parts, f'{heads[row_ids[k]]}{"null" if v != v else repr(v)},"points":{row_pts[k]!r}}}']
        more = paths.get(i)
        if more:
            parts = [*parts, *(_JSON.encode(r) for r in more)]
        out.append("[" + ",".join(parts) + "]" if parts else CLEAN)
    return out


def typical_points(points: F64, sample: int = 100_000) -> F64:
    """Per indicator, the median points over firms (a fixed stride sample above ``sample`` firms).

    Base attributes such as age or the county's record rate give most firms some points;
    a reason names what sets a firm apart, so it counts only what exceeds the typical firm.
    """
    if len(points) == 0:
        return np.zeros(points.shape[1])
    step = max(1, len(points) // sample)
    return np.asarray(np.median(points[::step], axis=0), dtype=np.float64)


def decode_reasons(texts: list[str]) -> list[list[Reason]]:
    return [json.loads(t) for t in texts]


def _path_reasons(p: Projection, config: ModelConfig, prop: PropagationResult, relational_points: F64,
                  cls: np.ndarray, score: F64, abnormal: np.ndarray, dishonest: np.ndarray) -> dict[int, list[Reason]]:
    """Connector and link reasons for firms whose relational points reach the configured minimum."""
    min_pts = config.propagation.reason_min_points
    mem, links = prop.memberships, prop.links
    total = (np.bincount(mem.firm, weights=prop.member_contribution, minlength=p.n_firms)
             + np.bincount(links.recv, weights=prop.link_contribution, minlength=p.n_firms)).astype(np.float64)
    share = np.divide(relational_points, total, out=np.zeros_like(total), where=total > 0)
    mem_pts = prop.member_contribution * share[mem.firm]
    link_pts = prop.link_contribution * share[links.recv]

    # candidates: (firm, points, kind 0 membership / 1 link, row)
    cand_m = np.flatnonzero(mem_pts >= min_pts)
    cand_l = np.flatnonzero(link_pts >= min_pts)
    firm = np.concatenate([mem.firm[cand_m], links.recv[cand_l]]).astype(np.int64)
    pts = np.concatenate([mem_pts[cand_m], link_pts[cand_l]])
    kind = np.concatenate([np.zeros(len(cand_m), np.int8), np.ones(len(cand_l), np.int8)])
    row = np.concatenate([cand_m, cand_l])
    order = np.lexsort((-pts, firm))
    firm, pts, kind, row = firm[order], pts[order], kind[order], row[order]
    rank = np.arange(len(firm)) - np.searchsorted(firm, firm, side="left")
    keep = rank < MAX_PATH_REASONS
    firm, pts, kind, row = firm[keep], pts[keep], kind[keep], row[keep]

    # per connector: other members by class and on the lists
    n_conn = p.n_connectors
    cls_counts = np.bincount(mem.conn.astype(np.int64) * 4 + cls[mem.firm], minlength=n_conn * 4).reshape(n_conn, 4)
    abn = np.bincount(mem.conn, weights=abnormal[mem.firm].astype(np.float64), minlength=n_conn)
    dis = np.bincount(mem.conn, weights=dishonest[mem.firm].astype(np.float64), minlength=n_conn)
    used_conns = np.unique(mem.conn[row[kind == 0]])
    examples = _worst_members(mem.conn, mem.firm, used_conns, cls, score)

    def firm_ref(j: int) -> dict[str, Any]:
        return {"fid": str(p.firm_key[j]), "name": str(p.firm_name[j]), "class": CLASS_ORDER[cls[j]].value}

    result: dict[int, list[Reason]] = {}
    for f, pt, kd, r in zip(firm.tolist(), pts.tolist(), kind.tolist(), row.tolist(), strict=True):
        if kd == 0:
            c = int(mem.conn[r])
            counts = cls_counts[c].copy()
            counts[cls[f]] -= 1
            reason: Reason = {
                "type": "connector", "via": CONNECTOR_KINDS[p.conn_kind[c]], "role": ROLES[mem.role[r]],
                "key": str(p.conn_key[c]), "label": str(p.conn_label[c]), "others": int(mem.degree[c]) - 1,
                "classes": {CLASS_ORDER[k].value: int(counts[k]) for k in range(4) if counts[k]},
                "abnormal": int(abn[c]) - int(abnormal[f]), "dishonest": int(dis[c]) - int(dishonest[f]),
                "examples": [firm_ref(j) for j in examples.get(c, ()) if j != f and cls[j] >= 2][:MAX_EXAMPLES],
                "points": _round(pt, 1),
            }
        else:
            s = int(links.src[r])
            ratio = float(links.ratio[r])
            reason = {"type": "link", "direction": LINK_DIRECTIONS[links.direction[r]], **firm_ref(s),
                      "ratio": None if np.isnan(ratio) else _round(ratio, 4), "points": _round(pt, 1)}
        result.setdefault(f, []).append(reason)
    return result


def _worst_members(conn: np.ndarray, firm: np.ndarray, conns: np.ndarray, cls: np.ndarray,
                   score: F64) -> dict[int, list[int]]:
    """For each connector in ``conns``: its members, worst class then highest score first (a few)."""
    sel = np.flatnonzero(np.isin(conn, conns))
    c, f = conn[sel], firm[sel]
    order = np.lexsort((-score[f], -cls[f], c))
    c, f = c[order], f[order]
    rank = np.arange(len(c)) - np.searchsorted(c, c, side="left")
    keep = rank <= MAX_EXAMPLES
    out: dict[int, list[int]] = {}
    for ci, fi in zip(c[keep].tolist(), f[keep].tolist(), strict=True):
        out.setdefault(ci, []).append(fi)
    return out


# ---------------------------------------------------------------------------------------
# Rendering


def _fmt_examples(examples: list[dict[str, Any]], lang: str) -> str:
    if not examples:
        return ""
    items = [f"{e['name']}（{e['class']} 类）" if lang == "zh" else f"{e['name']} (class {e['class']})"
             for e in examples]
    return ("：" + "、".join(items)) if lang == "zh" else (": " + "; ".join(items))


def _class_phrase(classes: dict[str, int], lang: str, continues: bool = False) -> str:
    """", 3 of them class D"; ``continues`` when a "of them" clause came just before (said once)."""
    parts = [(c, classes[c]) for c in ("D", "C") if classes.get(c)]
    if not parts:
        return ""
    if lang == "zh":
        return ("，" if continues else "，其中 ") + "、".join(f"{c} 类 {k} 户" for c, k in parts)
    if continues:
        return ", " + " and ".join(f"{k} class {c}" for c, k in parts)
    return ", " + " and ".join(f"{k} of them class {c}" for c, k in parts)


def render_reason(reason: Reason, config: ModelConfig, lang: str = "zh") -> str:
    """One reason as a sentence in ``zh`` or ``en``."""
    if lang not in ("zh", "en"):
        raise ValueError(f"language must be 'zh' or 'en', got {lang!r}")
    zh = lang == "zh"
    t = reason["type"]
    if t == "clean":
        return "无不良记录，基础属性风险低" if zh else "no adverse records; low base-attribute risk"
    if t == "rule":
        rule = next((r for r in config.hard_rules if r.id == reason["id"]), None)
        if rule is None:  # stored under a model version that had this rule
            return (f"硬性规则 {reason['id']}：至少 {reason['min_class']} 类" if zh
                    else f"hard rule {reason['id']}: at least class {reason['min_class']}")
        return rule.zh if zh else rule.en
    if t == "indicator":
        if not any(i.id == reason["id"] for i in config.indicators):  # from an earlier model version
            value = reason["value"]
            shown = "–" if value is None else f"{value:g}"
            return (f"指标 {reason['id']} = {shown}（+{reason['points']} 分）" if zh
                    else f"indicator {reason['id']} = {shown} (+{reason['points']} points)")
        ind = config.indicator(reason["id"])
        template = ind.reason.zh if zh else ind.reason.en
        value = reason["value"]
        label = ""
        if ind.compute.fn == "entity_kind" and value is not None:
            label = ENTITY_KIND_TEXT[ENTITY_KINDS[int(value)]][0 if zh else 1]
        text = template.format(value=value if value is not None else float("nan"), label=label)
        return f"{text}（+{reason['points']} 分）" if zh else f"{text} (+{reason['points']} points)"
    if t == "connector":
        pts = f"（+{reason['points']} 分）" if zh else f" (+{reason['points']} points)"
        ex = _fmt_examples(reason["examples"], lang)
        if reason["via"] == "address":
            if zh:
                text = f"与 {reason['others']} 户主体共用住所“{reason['label']}”"
                if reason["abnormal"]:
                    text += f"，其中 {reason['abnormal']} 户列入经营异常名录"
                return text + _class_phrase(reason["classes"], lang, bool(reason["abnormal"])) + ex + pts
            text = f"shares the address {reason['label']} with {reason['others']} firms"
            if reason["abnormal"]:
                text += f", {reason['abnormal']} of them on the abnormal-operation list"
            return text + _class_phrase(reason["classes"], lang, bool(reason["abnormal"])) + ex + pts
        role_zh, role_en = ROLE_TEXT[reason["role"]]
        if zh:
            text = f"{role_zh} {reason['label']} 还关联其他 {reason['others']} 户主体"
            text += _class_phrase(reason["classes"], lang)
            if reason["dishonest"]:
                text += f"，{reason['dishonest']} 户列入严重违法失信名单"
            return text + ex + pts
        text = f"{role_en} {reason['label']} is also linked to {reason['others']} other firm(s)"
        text += _class_phrase(reason["classes"], lang)
        if reason["dishonest"]:
            text += f", {reason['dishonest']} on the serious-dishonesty list"
        return text + ex + pts
    if t == "link":
        pts = f"（+{reason['points']} 分）" if zh else f" (+{reason['points']} points)"
        ratio = reason.get("ratio")
        r_txt = f"{ratio:.0%}" if ratio is not None else ("比例不详" if zh else "share unknown")
        name, klass = reason["name"], reason["class"]
        d = reason["direction"]
        if zh:
            text = {"parent_to_subsidiary": f"股东企业 {name}（持股 {r_txt}）为 {klass} 类",
                    "subsidiary_to_parent": f"所投资企业 {name}（持股 {r_txt}）为 {klass} 类",
                    "head_to_branch": f"总公司 {name} 为 {klass} 类",
                    "branch_to_head": f"分支机构 {name} 为 {klass} 类"}[d]
        else:
            text = {"parent_to_subsidiary": f"shareholder firm {name} (holds {r_txt}) is class {klass}",
                    "subsidiary_to_parent": f"subsidiary {name} ({r_txt} held) is class {klass}",
                    "head_to_branch": f"head firm {name} is class {klass}",
                    "branch_to_head": f"branch {name} is class {klass}"}[d]
        return text + pts
    raise ValueError(f"unknown reason type {t!r}")
