"""A tiny PDF writer for tests: text at given places, ruling lines and boxes, rotated pages, and a
font whose ToUnicode map lies (a garbled text layer). Built by hand so each test states exactly
what is on the page; coordinates are in points from the top-left corner, as in our boxes.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass, field

A4 = (595.0, 842.0)


@dataclass
class PageSpec:
    size: tuple[float, float] = A4
    rotate: int = 0
    ops: list[bytes] = field(default_factory=list)

    def text(self, x: float, top: float, s: str, size: float = 11, font: str = "F1") -> "PageSpec":
        """Text whose baseline is ``size`` points below ``top``."""
        y = self.size[1] - top - size
        self.ops.append(f"BT /{font} {size:g} Tf {x:.2f} {y:.2f} Td ".encode()
                        + b"(" + _escape(s) + b") Tj ET")
        return self

    def line(self, x0: float, top0: float, x1: float, top1: float, width: float = 0.6) -> "PageSpec":
        h = self.size[1]
        self.ops.append(f"{width:g} w {x0:.2f} {h - top0:.2f} m {x1:.2f} {h - top1:.2f} l S".encode())
        return self

    def grid(self, xs: list[float], tops: list[float]) -> "PageSpec":
        """Ruling lines of a table: vertical lines at ``xs``, horizontal ones at ``tops``."""
        for x in xs:
            self.line(x, tops[0], x, tops[-1])
        for t in tops:
            self.line(xs[0], t, xs[-1], t)
        return self


def _escape(s: str) -> bytes:
    raw = s.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


# A ToUnicode map that reads every code as the character three places further on ("Caesar"):
# the page shows "Peraturan" but its text layer says "Shudwxudq".
_LYING_CMAP = b"""/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Lying def /CMapType 2 def
1 begincodespacerange <00> <FF> endcodespacerange
2 beginbfrange
<41> <5A> <0044>
<61> <7A> <0064>
endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end"""


def make_pdf(pages: list[PageSpec]) -> bytes:
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled below
    pages_id = add(b"")
    f1 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    f2 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /WinAnsiEncoding >>")
    cmap = add(b"<< /Length %d >>\nstream\n" % len(_LYING_CMAP) + _LYING_CMAP + b"\nendstream")
    f3 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding "
             b"/ToUnicode %d 0 R >>" % cmap)
    kids = []
    for spec in pages:
        content = zlib.compress(b"\n".join(spec.ops))
        stream = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content
                     + b"\nendstream")
        w, h = spec.size
        kids.append(add(
            f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {w:g} {h:g}] "
            f"/Rotate {spec.rotate} /Contents {stream} 0 R "
            f"/Resources << /Font << /F1 {f1} 0 R /F2 {f2} 0 R /F3 {f3} 0 R >> >> >>".encode()))
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode()
    objects[pages_id - 1] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
                             f"/Count {len(kids)} >>").encode()
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, catalog, xref))
    return out.getvalue()


def scan_of(pdf: bytes, dpi: int = 300) -> bytes:
    """An image-only PDF of ``pdf``'s pages, as a scanner would make (no text layer)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    images = [doc[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(len(doc))]
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()
