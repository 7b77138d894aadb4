"""Identifier rules: unified social credit codes, resident ID numbers and external ids.

A firm id is an 18-character USCC (GB 32100-2015) or ``scheme:id`` for entities from
foreign or open data sets that have none. A person id is a resident ID number
(GB 11643), which is never stored: its keyed hash becomes the node key and only a
masked form is kept for display. External person ids (``scheme:id``) are kept as they are.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import lru_cache

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

_EXTERNAL = re.compile(r"^[a-z][a-z0-9_]{1,15}:\S{1,200}$")


def is_external(identifier: str) -> bool:
    return bool(_EXTERNAL.match(identifier))


def _describe(exc: ValidationError, what: str, expected: str | None) -> str:
    if isinstance(exc, InvalidLength):
        return f"{what} must have 18 characters"
    if isinstance(exc, InvalidChecksum):
        return f"{what} check character wrong" + (f" (expected {expected!r})" if expected else "")
    if isinstance(exc, InvalidComponent):
        return f"{what} has an impossible birth date or a birth place code not in use at that date"
    if isinstance(exc, InvalidFormat):
        return f"{what} has characters not allowed in its positions"
    return f"{what} invalid"


# Ids recur in every row that references them (a firm in ~10 rows, a person in ~3), and
# stdnum's checks cost tens of microseconds each: remember recent answers.
_REMEMBERED = 1 << 20


@lru_cache(maxsize=_REMEMBERED)
def firm_id_problem(value: str) -> str | None:
    """Why ``value`` is not a firm id, or None."""
    if is_external(value):
        return None
    try:
        uscc.validate(value)
    except ValidationError as exc:
        expected = uscc.calc_check_digit(value[:17]) if isinstance(exc, InvalidChecksum) else None
        return _describe(exc, "unified social credit code", expected) + " (or use scheme:id for foreign entities)"
    return None


@lru_cache(maxsize=_REMEMBERED)
def person_id_problem(value: str) -> str | None:
    """Why ``value`` is not a person id, or None."""
    if is_external(value):
        return None
    try:
        _validate_ric(value)
    except ValidationError as exc:
        expected = ric.calc_check_digit(value) if isinstance(exc, InvalidChecksum) else None
        return _describe(exc, "resident ID number", expected) + " (or use scheme:id for foreign persons)"
    return None


def _validate_ric(value: str) -> None:
    """``stdnum.cn.ric.validate`` with its birth-place lookup remembered per (place, year).

    The place lookup searches stdnum's code table and costs most of the check; a province
    has a few thousand distinct (county code, birth year) pairs.
    """
    number = ric.compact(value)
    if len(number) != 18:
        raise InvalidLength()
    if not number[:-1].isdigit() or not number[:-1].isascii():
        raise InvalidFormat()
    if number[-1] != ric.calc_check_digit(number):
        raise InvalidChecksum()
    ric.get_birth_date(number)
    if not _birth_place_in_use(number[:6], number[6:10]):
        raise InvalidComponent()


@lru_cache(maxsize=1 << 16)
def _birth_place_in_use(place: str, year: str) -> bool:
    try:
        ric.get_birth_place(f"{place}{year}01010000")
    except InvalidComponent:
        return False
    return True


def uscc_region(code: str) -> str | None:
    """Characters 3–8 of a USCC: the registering authority's region code."""
    return None if is_external(code) else code[2:8]


def person_key(value: str, salt: str) -> str:
    """Node key for a person: a keyed hash of the resident ID number, or the external id.

    HMAC with a deployment secret, so the key cannot be reversed by hashing all
    plausible ID numbers without the salt.
    """
    if is_external(value):
        return value
    digest = hmac.new(salt.encode(), value.upper().encode(), hashlib.sha256).hexdigest()
    return "p:" + digest[:32]


PERSON_REF_PREFIX = "p-"


def person_ref(pid: str, salt: str) -> str:
    """The key a person is shown by (URLs, responses, reasons): opaque, and not the stored ``pid``.

    Another HMAC with the deployment secret, over the stored key: a list of ``pid`` values (a
    database export) does not lead to the person pages, and nobody holding an ID number can
    compute the key a person is shown by without the secret.
    """
    digest = hmac.new(salt.encode(), b"person-ref\x00" + pid.encode(), hashlib.sha256).hexdigest()
    return PERSON_REF_PREFIX + digest[:24]


def mask_person_id(value: str) -> str:
    """Display form of a person id: region prefix and last two characters only."""
    if is_external(value):
        return value
    return value[:3] + "*" * 13 + value[-2:]


# Shaped like a resident ID number — 17 digits and a digit or X — or one digit short or over (a mistyped one),
# standing alone (not inside a longer run of letters and digits); ``\d`` takes full-width digits too. A
# first-generation 15-digit number is not matched in free text (too many other numbers have 15 digits); it is
# masked where it is known to be one (a person-id column, riskgraph.errors).
_ID_NUMBER_LIKE = re.compile(r"(?<![\dA-Za-z])\d{16,18}[\dXxＸｘ](?![\dA-Za-z])")


def mask_id_numbers(text: str) -> str:
    """``text`` with every run shaped like a resident ID number masked as :func:`mask_person_id` does.

    For texts that may carry input (error messages, logs, rejects files, HTTP bodies): whatever the
    number is next to, only its region prefix and last two characters are left. An all-digit unified
    social credit code is masked too — cheaper than letting a mistyped ID number through as a firm code.
    """
    return _ID_NUMBER_LIKE.sub(lambda m: mask_person_id(m.group()), text)


def mask_name(name: str) -> str:
    """张三丰 → 张**; John Smith → J*** S****."""
    if not name:
        return name
    if name.isascii():
        return " ".join(w[:1] + "*" * (len(w) - 1) for w in name.split())
    return name[0] + "*" * (len(name) - 1)
