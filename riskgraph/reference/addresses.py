"""Address normalisation: the same place written twice must become one ``Address`` node.

Folds full/half width, spaces, punctuation, traditional variants of common address
characters, Chinese numerals before unit words, ``3F``/``3层`` → ``3楼``, ``5#`` → ``5号``,
and the leading province/city/county names (which the region code already carries).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from riskgraph.reference.regions import region, region_from_text

_VARIANTS = str.maketrans({"號": "号", "樓": "楼", "層": "层", "區": "区", "縣": "县", "廣": "广", "東": "东",
                           "門": "门", "棟": "栋", "幢": "栋", "單": "单", "館": "馆", "廈": "厦",
                           "〇": "零"})
_NUMERALS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = re.compile(r"([零一二两三四五六七八九十百]+)(?=[楼层号室栋单元座])")
_FLOOR = re.compile(r"(\d+)(?:F|层)(?![A-Z])")
_HASH = re.compile(r"(\d+)#")
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
_COUNTRY = re.compile(r"^(中华人民共和国|中国)")


def _cn_to_int(text: str) -> int:
    """Chinese numerals up to 999 (三十五 → 35, 十二 → 12, 二零一 → 201)."""
    if "十" not in text and "百" not in text:
        return int("".join(str(_NUMERALS[c]) for c in text))
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _NUMERALS[ch]
    return total + current


@dataclass(frozen=True)
class NormalisedAddress:
    key: str
    text: str
    region: str | None


def normalise_address(raw: str, region_code: str | None = None) -> NormalisedAddress:
    """Canonical form and node key of an address; ``region_code`` wins over the text's guess."""
    text = unicodedata.normalize("NFKC", raw).upper().translate(_VARIANTS)
    text = _HASH.sub(r"\1号", text)
    text = _DROP.sub("", text)
    text = _COUNTRY.sub("", text)
    text = _CN_NUMBER.sub(lambda m: str(_cn_to_int(m.group(1))), text)
    text = _FLOOR.sub(r"\1楼", text)
    code = region_code or region_from_text(text)
    text = _strip_region_names(text, code)
    return NormalisedAddress(key=f"{code or '000000'}:{text}", text=text, region=code)


def _strip_region_names(text: str, code: str | None) -> str:
    r = region(code) if code else None
    if r is None:
        return text
    for name in (r.province, r.province.rstrip("省市"), r.prefecture, r.county):
        if name and name != "市辖区" and text.startswith(name):
            text = text[len(name):]
    return text
