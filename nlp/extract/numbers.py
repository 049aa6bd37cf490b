"""Read Indonesian numbers: digits with "." thousands and "," decimals, and spelled-out
*terbilang* ("enam belas ribu delapan ratus", "lima puluh satu koma enam empat").

Regulations write quantities twice, "paling lama 4 (empat) bulan"; :func:`parse_terbilang` reads
the words so the two can be checked against each other. It tolerates one-letter typos and
transpositions ("depalan" for "delapan"), which real documents and OCR both produce.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .patterns import load_patterns

__all__ = ["parse_number", "parse_terbilang", "Terbilang", "NUMBER_PATTERN"]

# Digits as written in Indonesian text: 10.292 / 16.800,00 / 51,64 / 2023 / 1.250.000.000,00
NUMBER_PATTERN = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"


_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_DECIMAL_COMMA = re.compile(r"\d+,\d+")
_DECIMAL_POINT = re.compile(r"\d+\.\d{1,2}")
_ENGLISH_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DIGITS = re.compile(r"\d+")


def parse_number(text: str) -> float | int | None:
    """``"16.800,00"`` -> 16800, ``"51,64"`` -> 51.64, ``"10.292"`` -> 10292.

    A "." followed by exactly three digits groups thousands; "," is the decimal mark. A lone
    "." with one or two digits after it is read as a decimal point (English-style figures in
    news). Returns an int when the value is whole.
    """
    t = (text or "").strip().rstrip(",-").strip()
    if not t:
        return None
    if _DIGITS.fullmatch(t):
        return int(t)
    if _THOUSANDS.fullmatch(t):
        t = t.replace(".", "").replace(",", ".")
    elif _DECIMAL_COMMA.fullmatch(t):
        t = t.replace(",", ".")
    elif _DECIMAL_POINT.fullmatch(t):
        pass
    elif _ENGLISH_THOUSANDS.fullmatch(t):  # English thousands: 10,292
        t = t.replace(",", "")
    else:
        return None
    value = float(t)
    return int(value) if value.is_integer() else value


@dataclass
class Terbilang:
    value: float | int | None  # None when the words are not a number
    fuzzy: bool = False  # a word was read through a typo ("depalan")
    rest: str = ""  # words after the number that are not units ("rupiah" is a unit)


@lru_cache(maxsize=1)
def _vocab():
    t = load_patterns()["numbers"]["terbilang"]
    words = {**t["units"], **t["teens"]}
    vocab = dict(words)
    vocab.update({"belas": "belas", "puluh": "puluh", "ratus": "ratus"})
    vocab.update({w: ("scale", m) for w, m in t["scales"].items()})
    for w in ("puluh", "ratus", *t["scales"]):
        vocab["se" + w] = ("se", w)
    vocab["sebelas"] = 11
    vocab["sepuluh"] = 10
    trailing = set()
    for w in t["trailing"]:
        trailing.update(w.split())
    return vocab, t["scales"], t["decimal_word"], trailing


def _osa(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent transpositions)."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


# Letters OCR confuses in number words ("ernpat" for "empat", "lirna" for "lima").
_OCR_CONFUSIONS = (("rn", "m"), ("cl", "d"), ("0", "o"), ("1", "l"), ("ii", "u"))


def _lookup(word: str, vocab: dict) -> tuple[object, bool]:
    if word in vocab:
        return vocab[word], False
    for wrong, right in _OCR_CONFUSIONS:
        fixed = word.replace(wrong, right)
        if fixed != word and fixed in vocab:
            return vocab[fixed], True
    if len(word) >= 5:
        limit = 2 if len(word) >= 7 else 1  # "depalan" for "delapan" is two edits
        scored = sorted((_osa(w, word), w) for w in vocab if abs(len(w) - len(word)) <= limit)
        if scored and scored[0][0] <= limit and (len(scored) == 1 or scored[1][0] > scored[0][0]):
            return vocab[scored[0][1]], True
    return None, False


def parse_terbilang(text: str) -> Terbilang:
    """Value of spelled-out Indonesian number words.

    "dua puluh delapan" -> 28, "seratus delapan puluh" -> 180, "enam belas ribu delapan ratus
    rupiah" -> 16800, "lima puluh satu koma enam empat" -> 51.64. Unit words at the end
    ("rupiah", "persen", "tahun") are allowed; any other word ends the number and is returned in
    ``rest``.
    """
    vocab, scales, koma, trailing = _vocab()
    words = re.findall(r"[a-z]+", (text or "").lower().replace("-", " "))
    total = 0
    group = 0  # the part below a thousand being built
    unit = 0  # the last digit word, waiting for belas / puluh / ratus
    seen = False
    fuzzy = False
    decimals: str | None = None
    i = 0
    while i < len(words):
        w = words[i]
        if w == koma and seen:
            digits = []
            rest_words = words[i + 1:]
            sub = parse_terbilang(" ".join(rest_words))
            # "koma enam empat" (digit by digit) or "koma enam puluh empat"
            singles = []
            for rw in rest_words:
                v, fz = _lookup(rw, vocab)
                if isinstance(v, int) and 0 <= v <= 9:
                    singles.append(str(v))
                    fuzzy |= fz
                else:
                    break
            if len(singles) == len([rw for rw in rest_words if rw not in trailing]) and singles:
                digits = singles
            elif sub.value is not None:
                digits = [str(int(sub.value))]
                fuzzy |= sub.fuzzy
            decimals = "".join(digits)
            break
        v, fz = _lookup(w, vocab)
        if v is None:
            if seen and all(x in trailing for x in words[i:]):
                break
            rest = " ".join(words[i:])
            if not seen:
                return Terbilang(None, rest=rest)
            return Terbilang(_finish(total, group, unit, decimals), fuzzy, rest)
        fuzzy |= fz
        seen = True
        if isinstance(v, tuple) and v[0] == "se":  # se- prefix: one puluh / ratus / ribu …
            v = vocab[v[1]]
            unit = 1
        if isinstance(v, int):
            if v >= 10:  # sepuluh, sebelas
                group += v
                unit = 0
            else:
                unit += v
        elif v == "belas":
            group += 10 + unit
            unit = 0
        elif v == "puluh":
            group += unit * 10
            unit = 0
        elif v == "ratus":
            group += unit * 100
            unit = 0
        elif isinstance(v, tuple):  # ribu, juta, miliar, triliun
            total += (group + unit or 1) * v[1]
            group = unit = 0
        i += 1
    if not seen:
        return Terbilang(None)
    return Terbilang(_finish(total, group, unit, decimals), fuzzy)


def _finish(total: int, group: int, unit: int, decimals: str | None):
    whole = total + group + unit
    if decimals:
        return float(f"{whole}.{decimals}")
    return whole
