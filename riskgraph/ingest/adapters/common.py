"""What every adapter shares: the conversion report, the interchange writer and the mapping rules.

The rules that turn foreign values into interchange values live here once, as functions
and declared tables, so that the three format modules (``ftm``, ``bods``, ``icij``) apply
the same date, ratio, role, status, name-type and jurisdiction rules, and
``docs/adapters.md`` can describe them in one place. Nothing here reads a source format
or touches Neo4j: the writer only produces the CSV files that the regular ingest
validates and loads.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from riskgraph.errors import RiskgraphError
from riskgraph.ingest.validate import EARLIEST_DATE
from riskgraph.model import FILES_BY_KIND, INTERCHANGE_FILES, FirmStatus, InterchangeFile, OfficerRole
from riskgraph.reference.addresses import normalise_address
from riskgraph.reference.identifiers import mask_id_numbers

EXAMPLES_KEPT = 5  # examples kept per finding in the conversion report
DETAIL_MAX_CHARS = 500  # free text copied into an event's ``detail``
REPORT_FILE = "conversion-report.json"  # written next to the interchange files


class ConversionError(RiskgraphError):
    """A source cannot be converted at all (missing, wrong format, unusable layout)."""


# --------------------------------------------------------------------------- report


@dataclass
class Finding:
    """How often one thing happened during a conversion, with a few examples."""

    count: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, example: str) -> None:
        example = mask_id_numbers(example)  # the report is printed and written beside the files
        self.count += 1
        if len(self.examples) < EXAMPLES_KEPT and example not in self.examples:
            self.examples.append(example)


@dataclass
class ConversionReport:
    """What a conversion read, wrote, skipped and adjusted.

    ``skipped``: source records or relationships not converted, by reason.
    ``dangling``: references to ids absent from the source (what was done is in the reason).
    ``adjusted``: records converted with a documented change (a value dropped, a default
    applied, an approximation); the row itself was written.
    """

    fmt: str
    source: Path
    out_dir: Path
    read: Counter[str] = field(default_factory=Counter)
    written: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, Finding] = field(default_factory=dict)
    dangling: dict[str, Finding] = field(default_factory=dict)
    adjusted: dict[str, Finding] = field(default_factory=dict)

    def skip(self, reason: str, example: str) -> None:
        self.skipped.setdefault(reason, Finding()).add(example)

    def dangle(self, reason: str, example: str) -> None:
        self.dangling.setdefault(reason, Finding()).add(example)

    def adjust(self, reason: str, example: str) -> None:
        self.adjusted.setdefault(reason, Finding()).add(example)

    def named(self, name: str, what: str, placeholder: str, example: str) -> str:
        """``name``, or ``placeholder`` when the source gives none (a name is required), noted as adjusted."""
        if name:
            return name
        self.adjust(f"{what} without a name: placeholder name written", example)
        return placeholder

    def to_dict(self) -> dict[str, Any]:
        def findings(group: dict[str, Finding]) -> dict[str, Any]:
            return {k: {"count": v.count, "examples": v.examples} for k, v in sorted(group.items())}

        return {
            "format": self.fmt,
            "source": str(self.source),
            "read": dict(sorted(self.read.items())),
            "written": self.written,
            "skipped": findings(self.skipped),
            "dangling": findings(self.dangling),
            "adjusted": findings(self.adjusted),
        }

    def lines(self) -> list[str]:
        out = [f"converted {self.fmt} {self.source} → {self.out_dir}"]
        out.append("  read: " + ", ".join(f"{k} {v:,}" for k, v in sorted(self.read.items())))
        out.append("  written: " + ", ".join(f"{k} {v:,}" for k, v in self.written.items()))
        for title, group in (("skipped", self.skipped), ("dangling", self.dangling), ("adjusted", self.adjusted)):
            if not group:
                continue
            out.append(f"  {title}:")
            for reason, finding in sorted(group.items()):
                shown = "; ".join(finding.examples)
                out.append(f"    {finding.count:>6,}  {reason}" + (f"  (e.g. {shown})" if shown else ""))
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


# --------------------------------------------------------------------------- writer


def clean_text(value: object) -> str:
    """A cell value: None → empty, whitespace (including newlines) collapsed to single spaces."""
    if value is None:
        return ""
    return " ".join(str(value).split())


class InterchangeWriter:
    """Collects interchange rows by kind, resolves repeated keys, writes one CSV per kind.

    The validator refuses two rows with the same key and different values, and a source
    can say the same thing twice (an entity in two files, a relationship restated).
    Repeats are resolved here, by a rule, and reported:

    * rows that agree where both have a value are merged (empty cells filled);
    * rows that disagree — for relationships also when one has ended and the other not —
      are resolved: relationships (kinds with ``until``) keep the row that is still open
      (no ``until``), else the one that ended last, filling its empty cells other than
      ``until`` from the other, because the interchange key (endpoints and ``since``)
      holds one state per relationship and start date; other kinds keep the first row.
    """

    def __init__(self, report: ConversionReport):
        self.report = report
        self._rows: dict[str, dict[tuple[str, ...], dict[str, str]]] = {s.kind: {} for s in INTERCHANGE_FILES}

    def add(self, kind: str, /, **values: object) -> None:
        spec = FILES_BY_KIND[kind]
        names = {c.name for c in spec.columns}
        unknown = set(values) - names
        if unknown:
            raise KeyError(f"{kind} has no column(s) {', '.join(sorted(unknown))}")
        row = {c.name: clean_text(values.get(c.name)) for c in spec.columns}
        key = self._key(spec, row)
        rows = self._rows[kind]
        first = rows.get(key)
        if first is None:
            rows[key] = row
            return
        rows[key] = self._merge(spec, first, row)

    @staticmethod
    def _key(spec: InterchangeFile, row: dict[str, str]) -> tuple[str, ...]:
        """The row's interchange key; an address counts in its normalised form, as the ingest keys it."""
        return tuple(normalise_address(row[k]).key if k == "address" else row[k] for k in spec.key)

    def _merge(self, spec: InterchangeFile, first: dict[str, str], repeat: dict[str, str]) -> dict[str, str]:
        key_text = "/".join(first[k] for k in spec.key)
        relationship = "until" in first
        conflicts = [c for c in first if first[c] != repeat[c] and (
            (first[c] and repeat[c]) or (relationship and c == "until"))]
        if not conflicts:
            self.report.adjust(f"{spec.kind}: repeated row merged into the first", key_text)
            return {c: first[c] or repeat[c] for c in first}
        if relationship:
            winner, loser = sorted((first, repeat), key=lambda r: (r["until"] == "", r["until"]), reverse=True)
            self.report.adjust(f"{spec.kind}: same key with different values; kept the open or latest-ending row",
                               f"{key_text} ({', '.join(conflicts)})")
            return {c: winner[c] or (loser[c] if c != "until" else "") for c in winner}
        self.report.adjust(f"{spec.kind}: same key with different values; kept the first row",
                           f"{key_text} ({', '.join(conflicts)})")
        return {c: first[c] or repeat[c] for c in first}

    def rows(self, kind: str) -> list[dict[str, str]]:
        return list(self._rows[kind].values())

    def write(self, out_dir: Path) -> dict[str, int]:
        """Every interchange CSV (header only where there are no rows) and the report's JSON."""
        out_dir.mkdir(parents=True, exist_ok=True)
        written: dict[str, int] = {}
        for spec in INTERCHANGE_FILES:
            other = out_dir / f"{spec.kind}.jsonl"
            if other.exists():
                raise ConversionError(f"{other} exists and would be loaded with the converted {spec.kind}.csv; "
                                      "convert into an empty directory")
            with open(out_dir / f"{spec.kind}.csv", "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow([c.name for c in spec.columns])
                for row in self._rows[spec.kind].values():
                    writer.writerow([row[c.name] for c in spec.columns])
            written[spec.kind] = len(self._rows[spec.kind])
        self.report.written = written
        (out_dir / REPORT_FILE).write_text(json.dumps(self.report.to_dict(), ensure_ascii=False, indent=2),
                                           encoding="utf-8")
        return written


# --------------------------------------------------------------------------- identifiers


def external_id(scheme: str, source_id: str) -> str:
    """``scheme:id`` as the identifier rules accept it (no whitespace, at most 200 characters).

    Whitespace inside a source id becomes ``_``; an id too long for the rule is shortened
    to its first 180 characters plus a stable hash of the whole, so it stays unique.
    """
    text = "_".join(str(source_id).split())
    if len(text) > 200:
        text = text[:180] + "~" + hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
    return f"{scheme}:{text}"


# --------------------------------------------------------------------------- dates


class DateProblem(ValueError):
    """A date value that cannot become YYYY-MM-DD (unreadable, before 1900 or in the future)."""


_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?$")
_DAY_MON_YEAR = re.compile(r"^(\d{1,2})[-/ ]([A-Za-z]{3})[A-Za-z]*[-/ ](\d{2}|\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def full_year(two_digits: int, today: dt.date) -> int:
    """Century of a two-digit year: 20yy unless that is after this year, else 19yy.

    ICIJ's ``d-Mon-yy`` dates are incorporations and closures of existing companies, so a
    year cannot lie in the future: ``23-Mar-06`` is 2006, ``5-Jan-97`` is 1997.
    """
    year = 2000 + two_digits
    return year if year <= today.year else year - 100


def normalise_date(value: str | None, today: dt.date | None = None) -> str:
    """A source date as ``YYYY-MM-DD``; empty for an empty value.

    Accepted: ISO dates and timestamps (the time is dropped), partial ISO dates — a
    year or a year and month — which take the first day of the period (``2015`` →
    ``2015-01-01``, ``2015-03`` → ``2015-03-01``), ``d-Mon-yy``/``d-Mon-yyyy`` in any
    case (ICIJ; two-digit years by :func:`full_year`), and ``dd/mm/yyyy``.
    Raises :class:`DateProblem` for anything else, for dates before 1900 (the
    validator's lower bound) and for dates after ``today``.
    """
    text = (value or "").strip()
    if not text:
        return ""
    today = today or dt.date.today()
    try:
        day = _parse(text, today)
    except ValueError as exc:
        raise DateProblem(f"unreadable date {text!r}") from exc
    if day < EARLIEST_DATE:
        raise DateProblem(f"date {day.isoformat()} before {EARLIEST_DATE.isoformat()}")
    if day > today:
        raise DateProblem(f"date {day.isoformat()} in the future")
    return day.isoformat()


def _parse(text: str, today: dt.date) -> dt.date:
    if m := _ISO_PARTIAL.match(text):
        return dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    if m := _DAY_MON_YEAR.match(text):
        month = _MONTHS.get(m.group(2).lower())
        if month is None:
            raise ValueError(text)
        year = int(m.group(3))
        return dt.date(full_year(year, today) if len(m.group(3)) == 2 else year, month, int(m.group(1)))
    if m := _SLASHED.match(text):
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    raise ValueError(text)


def date_or_report(value: str | None, report: ConversionReport, what: str, where: str,
                   today: dt.date | None = None) -> str:
    """:func:`normalise_date`, but an unusable value is dropped (empty) and reported."""
    try:
        return normalise_date(value, today)
    except DateProblem as exc:
        report.adjust(f"{what}: value dropped ({_problem_kind(exc)})", f"{where}: {value}")
        return ""


def _problem_kind(exc: DateProblem) -> str:
    text = str(exc)
    if "future" in text:
        return "date in the future"
    if "before" in text:
        return "date before 1900"
    return "unreadable date"


def earliest(dates: list[str]) -> str:
    present = [d for d in dates if d]
    return min(present) if present else ""


def latest(dates: list[str]) -> str:
    present = [d for d in dates if d]
    return max(present) if present else ""


# --------------------------------------------------------------------------- ratios


class RatioProblem(ValueError):
    """A share value that is not a number in [0, 100] %."""


def format_ratio(ratio: float) -> str:
    """A ratio as text with at most 6 decimals and no trailing zeros (0.48, 1, 0.875)."""
    return f"{round(ratio, 6):.6f}".rstrip("0").rstrip(".")


def percentage_to_ratio(value: str | float | int | None) -> str:
    """A percentage (``"48"``, ``"48.5 %"``, ``"48,5"``, 48) as a ratio in [0, 1]; empty for empty.

    Raises :class:`RatioProblem` for text that is not a number or a number outside 0–100.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    text = str(value).strip().rstrip("%").strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError as exc:
        raise RatioProblem(f"not a percentage: {value!r}") from exc
    if not 0 <= number <= 100:
        raise RatioProblem(f"percentage outside 0–100: {value!r}")
    return format_ratio(number / 100)


# --------------------------------------------------------------------------- roles


@dataclass(frozen=True)
class RoleMapping:
    """Where a role text goes: a legal representative, or an officer with a role."""

    legal_rep: bool = False
    role: OfficerRole | None = None
    known: bool = True  # False when the text matched no rule and the default was applied


# Ordered: the first pattern found (case-insensitive, anywhere in the text) decides. The
# order matters where words overlap: "general director" is the Russian sole executive
# body (генеральный директор, the person who acts for the company without a power of
# attorney — riskgraph's legal representative); "executive director" sits on the board
# in English usage, while Russian "исполнительный директор" is a manager.
ROLE_RULES: tuple[tuple[str, RoleMapping], ...] = (
    (r"legal rep|法定代表人|законный представитель|general director|генеральн\w* директор|director general",
     RoleMapping(legal_rep=True)),
    (r"supervis|auditor|protector|inspector|监事|ревизор|наблюдательн", RoleMapping(role=OfficerRole.SUPERVISOR)),
    (r"executive director|non-executive|managing director|board|chairman|chairwoman|president|董事|"
     r"председател|член совета", RoleMapping(role=OfficerRole.DIRECTOR)),
    (r"secretary|treasurer|manager|attorney|signator|authori[sz]ed|executive|chief|\bceo\b|\bcfo\b|\bcoo\b|"
     r"accountant|officer|经理|исполнительн|управляющ|бухгалтер|секретар", RoleMapping(role=OfficerRole.MANAGER)),
    (r"director|директор|member", RoleMapping(role=OfficerRole.DIRECTOR)),
)
_ROLE_PATTERNS = tuple((re.compile(p, re.IGNORECASE), m) for p, m in ROLE_RULES)
UNKNOWN_ROLE = RoleMapping(role=OfficerRole.DIRECTOR, known=False)


def map_role(text: str | None) -> RoleMapping:
    """The riskgraph place of an officer role written in a source.

    Unknown or empty roles become ``director`` (``known=False``, so callers report them):
    the source does say the person holds an office in the firm, and ``director`` is the
    role the risk rules treat as the widest influence; dropping the link would lose a
    real connection.
    """
    for pattern, mapping in _ROLE_PATTERNS:
        if pattern.search(text or ""):
            return mapping
    return UNKNOWN_ROLE


# --------------------------------------------------------------------------- firm status


_ACTIVE_WORDS = re.compile(r"^(active|live|registered|operating|normal|good standing|in existence|"
                           r"changed agent|transferred|действующ)", re.IGNORECASE)
_DISSOLVED_WORDS = re.compile(r"dissol|liquidat|struck|strike|defunct|dead|closed|cancel|deregist|inactiv|"
                              r"ceased|terminat|bankrupt|defaulted|discontinu|removed|wound up|"
                              r"ликвид|прекрат|исключ", re.IGNORECASE)


def status_from_text(text: str | None) -> FirmStatus | None:
    """``active`` or ``dissolved`` when a source status says so plainly, else None (decide by dates).

    Dissolution words are checked first: "Inactive" and "Struck / Defunct / Deregistered"
    are dissolved; "Active" and ICIJ's "Changed agent" (the company moved to another
    registered agent and lives on) are active. ICIJ's "Defaulted" (annual fees unpaid, the
    registry strikes the company off) counts as dissolved.
    """
    value = (text or "").strip()
    if not value:
        return None
    if _DISSOLVED_WORDS.search(value):
        return FirmStatus.DISSOLVED
    if _ACTIVE_WORDS.search(value):
        return FirmStatus.ACTIVE
    return None


# --------------------------------------------------------------------------- name type


# Words (after removing dots and splitting on anything not a letter or digit) that mark a
# name as an organisation's: legal-form suffixes in the languages common in offshore
# data, and words that only organisations carry. "S.A." → "SA", "S.A.L." → "SAL".
_COMPANY_WORDS_TEXT = """
LTD LIMITED LTDA LIMITADA INC INCORPORATED CORP CORPORATION CO COMPANY CIE
SA SAL SAS SARL SRL SPA SL SAC SAPI LLC LLP PLC GMBH AG KG BV NV OY AB ASA KFT OOO ZAO OAO PAO JSC PJSC
PTE PTY BHD SDN KK
FOUNDATION FUNDACION FONDATION STIFTUNG ANSTALT ESTABLISHMENT TRUST TRUSTEES NOMINEES SECRETARIES
HOLDING HOLDINGS GROUP INVESTMENT INVESTMENTS ENTERPRISE ENTERPRISES INTERNATIONAL INDUSTRY INDUSTRIES
TRADING SERVICES MANAGEMENT CONSULTING CONSULTANTS ADVISORS ADVISERS PARTNERS ASSOCIATES VENTURES
BANK BANQUE BANCO FUND CAPITAL FINANCE FINANCIAL FIDUCIARY FIDUCIAIRE FIDUCIARIA LAWYERS ABOGADOS ATTORNEYS
SOCIETE SOCIEDAD SOCIETA DEVELOPMENT PROPERTIES
"""
COMPANY_WORDS: frozenset[str] = frozenset(_COMPANY_WORDS_TEXT.split())
_NAME_TOKENS = re.compile(r"[^0-9A-Z]+")


def looks_like_company(name: str | None) -> bool:
    """Whether a name with no type flag (ICIJ officers, intermediaries) is an organisation's.

    True when any word of the name, upper-cased with dots removed, is in
    :data:`COMPANY_WORDS` ("BOSHEN LTD./135-77", "MED ENERGY S.A.L.", "MIRABAUD & CIE");
    persons' names ("DAVID, RONALD", "MR. ERIC GOZLAN", "Wu Chi-Ping and Wu Chou
    Tsan-Ting") have none. Accents are folded first (SOCIÉTÉ → SOCIETE).
    """
    folded = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().upper().replace(".", "")
    return any(token in COMPANY_WORDS for token in _NAME_TOKENS.split(folded) if token)


# --------------------------------------------------------------------------- jurisdictions


# ICIJ's own jurisdiction codes (Offshore Leaks) and the ISO 3166 alpha-3 codes that
# appear in its ``jurisdiction`` and ``country_codes`` columns, as alpha-2. US states
# (Nevada, Wyoming, Delaware) become US; Labuan becomes MY; "XXX" means undetermined.
JURISDICTION_CODES: dict[str, str] = {
    "SAM": "WS", "BVI": "VG", "PMA": "PA", "NIUE": "NU", "SEY": "SC", "BAH": "BS", "UK": "GB", "ANG": "AI",
    "NEV": "US", "WYO": "US", "DEL": "US", "CAYMN": "KY", "BLZ": "BZ", "JSY": "JE", "MLT": "MT", "CYP": "CY",
    "LABUA": "MY", "NZL": "NZ", "COOK": "CK", "SGP": "SG", "BRB": "BB", "KNA": "KN", "USA": "US", "CRI": "CR",
    "PAN": "PA", "VGB": "VG", "MUS": "MU", "HKG": "HK", "CHN": "CN", "TWN": "TW", "GBR": "GB", "CHE": "CH",
    "LUX": "LU", "LIE": "LI", "MCO": "MC", "IMN": "IM", "JEY": "JE", "GGY": "GG", "IRL": "IE", "NLD": "NL",
    "BEL": "BE", "FRA": "FR", "DEU": "DE", "ESP": "ES", "ITA": "IT", "PRT": "PT", "RUS": "RU", "UKR": "UA",
    "ZAF": "ZA", "ARE": "AE", "LBN": "LB", "MYS": "MY", "IDN": "ID", "THA": "TH", "KOR": "KR", "JPN": "JP",
    "IND": "IN", "AUS": "AU", "CAN": "CA", "BRA": "BR", "ARG": "AR", "MEX": "MX", "URY": "UY", "VEN": "VE",
    "COL": "CO", "PER": "PE", "ECU": "EC", "CHL": "CL", "EST": "EE", "LVA": "LV", "LTU": "LT", "POL": "PL",
    "ISR": "IL", "WSM": "WS", "SYC": "SC", "BHS": "BS", "BMU": "BM", "CYM": "KY", "AIA": "AI", "NIU": "NU",
    "COK": "CK", "VNM": "VN", "PHL": "PH", "SWE": "SE", "NOR": "NO", "DNK": "DK", "FIN": "FI",
    "AUT": "AT", "GRC": "GR", "TUR": "TR", "SAU": "SA", "QAT": "QA", "KWT": "KW", "EGY": "EG", "NGA": "NG",
    "KEN": "KE", "GIB": "GI", "AND": "AD", "SMR": "SM", "ABW": "AW", "CUW": "CW", "ATG": "AG", "DMA": "DM",
    "GRD": "GD", "LCA": "LC", "VCT": "VC", "TCA": "TC", "MHL": "MH", "VUT": "VU",
}
UNDETERMINED_JURISDICTIONS = frozenset({"XXX", "XX", ""})
_ALPHA2 = re.compile(r"^[A-Z]{2}$")


def iso_jurisdiction(code: str | None) -> str | None:
    """ISO 3166 alpha-2 code for a source jurisdiction code; "" when undetermined; None when unknown.

    Two-letter codes are taken as ISO alpha-2 (``UK`` → ``GB``; FtM's ``ru`` → ``RU``;
    sub-national FtM codes such as ``gb-sct`` keep their country part).
    """
    text = (code or "").strip().upper()
    if text in UNDETERMINED_JURISDICTIONS:
        return ""
    if text in JURISDICTION_CODES:
        return JURISDICTION_CODES[text]
    head = text.split("-")[0]
    if _ALPHA2.match(head):
        return head
    return None


def jurisdiction_or_report(code: str | None, report: ConversionReport, where: str) -> str:
    mapped = iso_jurisdiction(code)
    if mapped is None:
        report.adjust("jurisdiction: code not known as ISO 3166, left empty", f"{where}: {code}")
        return ""
    return mapped


# --------------------------------------------------------------------------- addresses


class AddressSet:
    """The distinct address texts of one firm, compared as riskgraph compares addresses.

    Two spellings that :func:`normalise_address` folds to the same key (case, width,
    spacing, punctuation) are one address: the ingest would merge them into one
    ``Address`` node and one ``REGISTERED_AT`` relationship anyway.
    """

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}

    def add(self, text: str | None) -> None:
        cleaned = clean_text(text)
        if cleaned:
            self._texts.setdefault(normalise_address(cleaned).key, cleaned)

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts.values())

    def __len__(self) -> int:
        return len(self._texts)


def truncate(text: str, limit: int = DETAIL_MAX_CHARS) -> str:
    cleaned = clean_text(text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
