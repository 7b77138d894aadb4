"""Vectorised construction of valid identifiers: unified social credit codes and resident ID numbers.

The check characters follow GB 32100-2015 (USCC), GB 11714 (the organisation code
inside it) and GB 11643 (resident ID), the same rules ``stdnum.cn.uscc`` and
``stdnum.cn.ric`` check. Codes are built as byte matrices, one row per identifier, so a
million of them take well under a second.
"""

from __future__ import annotations

import numpy as np

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)])
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])
_RIC_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)])
_ALPHA_BYTES = np.frombuffer(USCC_ALPHABET.encode(), dtype=np.uint8)
_NEW_STYLE_SPACE = 31**6  # "MA" + six characters of the USCC alphabet
_OLD_STYLE_SPACE = 10**8  # eight digits


def _digits(values: np.ndarray, width: int, base: int) -> np.ndarray:
    """Base-``base`` digits of each value, most significant first, as an (n, width) int matrix."""
    out = np.empty((len(values), width), dtype=np.int64)
    v = values.astype(np.int64).copy()
    for col in range(width - 1, -1, -1):
        out[:, col] = v % base
        v //= base
    return out


def _strings(matrix: np.ndarray) -> np.ndarray:
    """Rows of ASCII byte codes → object array of str."""
    width = matrix.shape[1]
    raw = np.ascontiguousarray(matrix.astype(np.uint8)).view(f"S{width}").ravel()
    return raw.astype(f"U{width}").astype(object)


def _ascii_digits(text_codes: np.ndarray, width: int) -> np.ndarray:
    """Object array of digit strings of one width → (n, width) matrix of digit values."""
    raw = np.array(text_codes, dtype=f"S{width}").view(np.uint8).reshape(-1, width)
    return raw.astype(np.int64) - ord("0")


def _scramble(index: np.ndarray, space: int, salt: int) -> np.ndarray:
    """A bijection of 0…space-1 (affine map with a multiplier coprime to ``space``): unique, random-looking."""
    multiplier = 2_654_435_761 % space
    while np.gcd(multiplier, space) != 1:
        multiplier += 1
    return (index.astype(np.int64) * multiplier + salt) % space


def uscc_codes(index: np.ndarray, kind_prefix: np.ndarray, region: np.ndarray, new_style: np.ndarray,
               salt: int) -> np.ndarray:
    """Unique USCCs: ``kind_prefix`` ('91', '92', '93'), six-digit ``region``, organisation code, check.

    ``index`` must be distinct per firm (it is scrambled into the organisation code);
    ``new_style`` firms (registered after the 2015 reform) get the "MA…" organisation codes.
    """
    n = len(index)
    m = np.zeros((n, 18), dtype=np.int64)  # values in the USCC alphabet
    m[:, 0:2] = _ascii_digits(kind_prefix, 2)
    m[:, 2:8] = _ascii_digits(region, 6)
    org = np.zeros((n, 8), dtype=np.int64)  # values 0–35 in GB 11714 (digits, then A=10 … Z=35)
    new = new_style.astype(bool)
    if new.any():
        body = _digits(_scramble(index[new], _NEW_STYLE_SPACE, salt), 6, 31)
        letters = _ALPHA_BYTES[body]
        org_new = np.where(letters >= ord("A"), letters - ord("A") + 10, letters - ord("0"))
        org[new, 0] = ord("M") - ord("A") + 10
        org[new, 1] = 10  # "A"
        org[new, 2:] = org_new
    if (~new).any():
        org[~new] = _digits(_scramble(index[~new], _OLD_STYLE_SPACE, salt), 8, 10)
    check = (11 - (org * _ORG_WEIGHTS).sum(axis=1) % 11) % 11  # 10 → 'X', 11 → '0'
    org_chars = np.where(org >= 10, org - 10 + ord("A"), org + ord("0"))
    check_char = np.where(check == 10, ord("X"), check + ord("0"))
    chars = np.zeros((n, 18), dtype=np.int64)
    chars[:, 0:8] = m[:, 0:8] + ord("0")
    chars[:, 8:16] = org_chars
    chars[:, 16] = check_char
    lookup = np.full(128, -1, dtype=np.int64)
    lookup[_ALPHA_BYTES] = np.arange(31)
    values = lookup[chars[:, :17]]
    if (values < 0).any():
        raise AssertionError("organisation code outside the USCC alphabet")
    total = (values * _USCC_WEIGHTS).sum(axis=1)
    chars[:, 17] = _ALPHA_BYTES[(31 - total % 31) % 31]
    return _strings(chars)


def ric_codes(region: np.ndarray, birth_days: np.ndarray, male: np.ndarray,
              rng: np.random.Generator) -> np.ndarray:
    """Unique resident ID numbers: region, birth date, sequence (odd for men), check digit."""
    n = len(region)
    dates = birth_days.astype("datetime64[D]").astype("datetime64[D]")
    ymd = np.char.replace(np.datetime_as_string(dates, unit="D").astype("U10"), "-", "")
    head = np.zeros((n, 17), dtype=np.int64)
    head[:, 0:6] = _ascii_digits(region, 6)
    head[:, 6:14] = _ascii_digits(ymd.astype(object), 8)
    head_key = (head[:, :14] * (10 ** np.arange(13, -1, -1, dtype=np.int64))).sum(axis=1)
    seq = _sequence(rng, n, male)
    for _ in range(50):
        key = head_key * 1000 + seq
        order = np.argsort(key, kind="stable")
        dup_sorted = np.zeros(n, dtype=bool)
        dup_sorted[1:] = key[order][1:] == key[order][:-1]
        dup = order[dup_sorted]
        if len(dup) == 0:
            break
        seq[dup] = _sequence(rng, len(dup), male[dup])
    else:
        raise AssertionError("could not make resident ID numbers unique")
    head[:, 14:17] = _digits(seq, 3, 10)
    check = (1 - (head * _RIC_WEIGHTS).sum(axis=1)) % 11
    chars = np.zeros((n, 18), dtype=np.int64)
    chars[:, :17] = head + ord("0")
    chars[:, 17] = np.where(check == 10, ord("X"), check + ord("0"))
    return _strings(chars)


def _sequence(rng: np.random.Generator, n: int, male: np.ndarray) -> np.ndarray:
    """Three-digit order codes: odd for men, even for women (GB 11643)."""
    base = rng.integers(0, 500, n) * 2
    return base + male.astype(np.int64)
