"""Repair what OCR misreads inside words, on pages whose text came from OCR (or from a text layer
marked unreliable) and nowhere else: a clean text layer says what the document says.

A token's shape says whether it is a number or a word, and OCR's commonest confusions are
between letters and digits that look alike (O and 0, l, I and 1):

- in a number-shaped token (digits with "." "," "/" "-" between them) an "O" is a zero and an
  "l" or "|" a one, and with at least two real digits (or a separator) so is an "I": "2O15" ->
  "2015", "Rp 16.8OO,00" -> "16.800,00", "l4" -> "14" (but "1I" may be a roman "II");
- in a word-shaped token (three or more letters) a "1" is an "l" and a "0" an "o" (an "I" and an
  "O" in capitals), and a capital "I" after a small letter is an "l": "Pasa1" and "PasaI" ->
  "Pasal", "pr0gram" -> "program";
- an ayat number read as a letter, "(l)" or "(I)", is "(1)", and a list number read as a bar,
  "|. Bupati …", is "1.";
- a few legal words the ``ind`` model does not know are read through one wrong letter: "Qanun"
  (Aceh's Perda) comes out "Oanun", "Ganun" or "@anun".

Tokens with fewer than three letters ("P1", "K3", "m2") and roman numerals ("BAB II") are left
alone: their mix of letters and digits is real. Letter-spaced headings are closed up where the
word boxes are known (:func:`nlp.text.ocr.parse_tsv`); running headers, page numbers and
catchwords are found across pages (:func:`nlp.text.cleanup.running_lines`).
"""

from __future__ import annotations

import re
from collections import Counter

from rapidfuzz.distance import Levenshtein

from .model import Line

__all__ = ["normalise_lines", "normalise_text"]

_NUMBER_TOKEN = re.compile(r"(?<![\w.,/-])[0-9OoIl|]+(?:[.,/-][0-9OoIl|]+)*(?![\w])")
_WORD_TOKEN = re.compile(r"(?<![\w])[A-Za-z01|]{3,}(?![\w])")
_AYAT = re.compile(r"\((?:l|I|\|)\)")
_BAR_ITEM = re.compile(r"^(\s*)\|(?=[.)]\s)")
# Words tesseract's Indonesian model has no entry for, as they should read.
_UNKNOWN_TO_MODEL = ("qanun",)
_RARE = re.compile(r"(?<![\w@])[@A-Za-z0-9]{5}(?!\w)")
_DIGIT_OF = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})
_ZERO_ONLY = str.maketrans({"O": "0", "o": "0"})


def _number(m: re.Match) -> str:
    tok = m.group()
    digits = sum(ch.isdigit() for ch in tok)
    confusable = sum(ch in "OoIl|" for ch in tok)
    if not confusable or not digits or confusable > digits:
        return tok
    if digits >= 2 or re.search(r"[.,]", tok):
        return tok.translate(_DIGIT_OF)
    # "1O" -> "10", "l4" -> "14"; but "1I" may be a roman "II"
    return tok.translate(_ZERO_ONLY).replace("l", "1").replace("|", "1")


def _word(m: re.Match) -> str:
    tok = m.group()
    letters = [ch for ch in tok if ch.isalpha()]
    if len(letters) < 3 or not re.search(r"[01|]|(?<=[a-z])I", tok):
        return tok
    if tok.isupper() or all(ch.isupper() for ch in letters):
        return tok.translate(str.maketrans({"1": "I", "0": "O", "|": "I"}))
    if sum(ch.islower() for ch in letters) < 2:
        return tok  # "B1A", codes
    fixed = tok.translate(str.maketrans({"1": "l", "0": "o", "|": "l"}))
    return re.sub(r"(?<=[a-z])I", "l", fixed)


def normalise_text(text: str) -> tuple[str, int]:
    """``text`` with confusable characters repaired, and how many tokens changed."""
    changed = 0

    def count(fn):
        def sub(m: re.Match) -> str:
            nonlocal changed
            new = fn(m)
            changed += new != m.group()
            return new
        return sub

    text = _NUMBER_TOKEN.sub(count(_number), text)
    text = _WORD_TOKEN.sub(count(_word), text)
    text = _AYAT.sub(count(lambda m: "(1)"), text)
    text = _BAR_ITEM.sub(count(lambda m: m.group(1) + "1"), text)
    text = _RARE.sub(count(_rare), text)
    return text, changed


def _rare(m: re.Match) -> str:
    tok = m.group()
    low = tok.lower()
    for word in _UNKNOWN_TO_MODEL:
        # only the capital Q is misread ("O", "G", "@", "0", "C")
        if low != word and low[1:] == word[1:] and tok[0] in "OGg@0Cc" \
                and Levenshtein.distance(low, word) == 1:
            return word.upper() if tok[1:].isupper() else word.capitalize()
    return tok


def normalise_lines(lines: list[Line]) -> tuple[list[Line], Counter]:
    """The lines of one page with confusable characters repaired, and what was repaired."""
    out: list[Line] = []
    repairs: Counter = Counter()
    for ln in lines:
        text, n = normalise_text(ln.text)
        repairs["confusable"] += n
        out.append(Line(text, ln.bbox, ln.kind) if n else ln)
    return out, repairs
