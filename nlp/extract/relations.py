"""What the document does to earlier instruments: *mengubah* (amends), *mencabut* (revokes) or
*mencabut sebagian* (revokes some Pasal of).

Only the document's own acts count: its title ("Perubahan atas Peraturan Bupati Nomor 30 Tahun
2024 …") and its body ("… dicabut dan dinyatakan tidak berlaku"). A Mengingat entry such as
"UU 23/2014 sebagaimana telah diubah dengan UU 6/2023" describes other instruments.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .patterns import load_patterns
from .references import Citation, find_citations, same_instrument
from .structure import Structure

__all__ = ["extract_relations"]


@lru_cache(maxsize=1)
def _conf():
    r = load_patterns()["relations"]
    flags = re.IGNORECASE | re.DOTALL
    return {
        "title": {k: re.compile(v, flags) for k, v in r["title"].items()},
        "body": {k: [re.compile(p, flags) for p in v] for k, v in r["body"].items()},
        "partial": re.compile(r["partial"], re.IGNORECASE),
        "provisions": [re.compile(p, flags) for p in r["provisions"]],
        "sections": frozenset(r["sections"]),
    }


_EARLIER_AMENDMENT = re.compile(
    r"(?i)sebagaimana\s+telah\s+(?:beberapa\s+kali\s+)?diubah(?:\s+(?:terakhir|beberapa\s+kali))*\s+dengan\s*$")


_NAMED_AMENDMENT = re.compile(
    r"(?i)sebagaimana\s+telah\s+(?:beberapa\s+kali\s+)?diubah(?:\s+(?:terakhir|beberapa\s+kali))*\s+dengan\b")


def _target(cit: Citation) -> dict:
    return {"jenis": cit.jenis, "jenis_code": cit.jenis_code, "nomor": cit.nomor,
            "tahun": cit.tahun, "reg_key": cit.reg_key}


_PASAL_IN_SPAN = re.compile(r"(?i)(?:\bpasal\s+|(?:,|\bdan|\bserta)\s*)(\d+[A-Z]?)\b")


def _provisions(text: str) -> list[str]:
    """The Pasal an amendment changes, inserts or deletes, in numeric order ("5" < "5A" < "12")."""
    found: list[str] = []
    for rx in _conf()["provisions"]:
        for m in rx.finditer(text):
            if "span" in rx.groupindex:
                # "ayat (1) dan ayat (3) Pasal 18": only numbers after "Pasal" (or listed after
                # one, "Pasal 7, 9 dan 14") are Pasal
                span = re.sub(r"(?i)\b(?:ayat\s*\(\d+[a-z]?\)|huruf\s+[a-z]|angka\s+\d+)", " ",
                              m.group("span"))
                found += [n for n in _PASAL_IN_SPAN.findall(span)
                          if re.search(r"(?i)pasal", span)]
            else:
                found.append(m.group("p"))
    found = [p.upper() for p in found]
    return sorted(dict.fromkeys(found), key=lambda p: (int(re.match(r"\d+", p).group()), p))


def extract_relations(text: str, tentang: str | None, citations: list[Citation], structure: Structure,
                      *, own_key: tuple | None, region_code: str | None, region_kind: str | None) -> list[dict]:
    c = _conf()
    out: list[dict] = []

    def add(type_: str, cit: Citation, provisions: list[str], start: int | None, end: int | None):
        for rel in out:
            if rel["target"]["jenis_code"] == cit.jenis_code and rel["target"]["nomor"] == cit.nomor \
                    and rel["target"]["tahun"] == cit.tahun:
                if type_ == "mengubah" and rel["type"] == "mengubah":
                    rel["provisions"] = sorted(set(rel["provisions"]) | set(provisions),
                                               key=lambda p: (int(re.match(r"\d+", p).group()), p))
                    return
                if rel["type"] == type_:
                    return
        out.append({"type": type_, "target": _target(cit), "provisions": provisions,
                    "start": start, "end": end})

    body_text = "\n".join(text[n.start:n.end] for n in structure.sections if n.kind in c["sections"])
    amended = _provisions(body_text)

    # The title: "Perubahan atas …" names the amended instrument.
    if tentang and c["title"]["mengubah"].search(tentang):
        cits = [x for x in find_citations(tentang, context_region=region_code, region_kind=region_kind)
                if not same_instrument(own_key, x.key)]
        if cits:
            cit = cits[0]
            where = next((x for x in citations if x.key == cit.key), None)
            add("mengubah", cit, amended, where.start if where else None,
                (where.tentang_end or where.end) if where else None)
    elif tentang and c["title"]["mencabut"].search(tentang):
        cits = [x for x in find_citations(tentang, context_region=region_code, region_kind=region_kind)
                if not same_instrument(own_key, x.key)]
        for cit in cits:
            add("mencabut", cit, [], None, None)

    # The body: a citation followed, in the same sentence, by "diubah sebagai berikut" or
    # "dicabut dan dinyatakan tidak berlaku". "… sebagaimana telah diubah dengan Peraturan Bupati
    # Nomor 22 …" names an earlier amendment of the cited instrument, not a target.
    amenders = {id(cit) for cit in citations if _EARLIER_AMENDMENT.search(text[max(0, cit.start - 80):cit.start])}
    for cit in citations:
        if id(cit) in amenders:
            continue
        if same_instrument(own_key, cit.key) or cit.jenis_code == "uud":
            continue
        loc = structure.locate(cit.start)
        if loc.section not in c["sections"] or loc.section == "judul":
            continue
        end = cit.tentang_end or cit.end
        after = text[end:end + 400]
        sentence_end = re.search(r"[;:](?=\s)|\.(?=\s+[A-Z(]|\s*$)", after)
        clause = after[:sentence_end.end()] if sentence_end else after
        lo = loc.node.body_start if loc.node is not None and loc.node.body_start is not None else 0
        before = text[max(lo, cit.start - 160):cit.start]
        before = re.split(r"[.;:]\s", before)[-1]
        # a further citation between this one and the cue takes the cue
        if any(end <= other.start < end + len(clause) for other in citations
               if other is not cit and id(other) not in amenders):
            continue
        # "… sebagaimana telah diubah dengan Peraturan … Nomor 30 …, diubah sebagai berikut": the
        # earlier amendment named inside the clause is not this document's act
        own = _NAMED_AMENDMENT.sub(" ", clause)
        if any(rx.search(clause) for rx in c["body"]["mencabut"]):
            pm = c["partial"].search(before)
            if pm:
                partial = list(dict.fromkeys(re.findall(r"(?i)(?:\bpasal\s+|,\s*|dan\s+)(\d+[A-Z]?)\b",
                                                        pm.group())))
                add("mencabut_sebagian", cit, partial, cit.start, end + len(clause))
            else:
                add("mencabut", cit, [], cit.start, end + len(clause))
        elif any(rx.search(before + text[cit.start:end] + clause) for rx in c["body"]["mengubah"]) \
                and re.search(r"(?i)\bdiubah\b", own) and not re.search(r"(?i)\btelah\s+diubah", own):
            add("mengubah", cit, amended, cit.start, end + len(clause))
    return out
