"""Scans as they really arrive, made from clean PDFs: pages rendered at 150-200 dpi, turned a little
(or a quarter), paper noise and JPEG artefacts, a paraf (initials) at the foot of every page
touching the last lines, and where the document is signed a round office stamp over the
signatory's title and a signature across the name; then wrapped as an image-only PDF.
Deterministic for a given seed, so OCR results can be compared and cached within a test session.
"""

from __future__ import annotations

import io
import math
import random
import re

STAMP_TEXT = "SALINAN SESUAI DENGAN ASLINYA"


def _stamp(draw, cx: float, cy: float, r: float, ink: int) -> None:
    """A round office stamp: two rings and letters around them, in a grey that reads as ink."""
    from PIL import ImageFont

    for k in (0, 0.12):
        rr = r * (1 - k)
        draw.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), outline=ink, width=max(2, int(r / 30)))
    font = ImageFont.load_default(size=max(10, int(r / 6)))
    letters = STAMP_TEXT
    for i, ch in enumerate(letters):
        a = math.pi + i * (math.pi / (len(letters) - 1))
        draw.text((cx + 0.78 * r * math.cos(a), cy + 0.78 * r * math.sin(a)), ch, fill=ink,
                  font=font, anchor="mm")
    draw.line((cx - 0.55 * r, cy + 0.1 * r, cx + 0.55 * r, cy + 0.1 * r), fill=ink,
              width=max(2, int(r / 40)))


def _signature(draw, x: float, y: float, w: float, rng: random.Random, ink: int) -> None:
    """A handwritten flourish: a few connected loops drawn as a thick polyline."""
    points = []
    for i in range(90):
        t = i / 89
        points.append((x + w * t + 0.08 * w * math.sin(t * 19 + rng.random()),
                       y + 0.25 * w * math.sin(t * 11) * (1 - t) + 0.05 * w * math.cos(t * 23)))
    draw.line(points, fill=ink, width=max(2, int(w / 90)), joint="curve")


def noisy_page(image, *, rng: random.Random, skew: float, quarter: int = 0,
               signed: tuple[float, float, float] | None = None, paraf_at: float = 0.93,
               noise: float = 6.0):
    """One page image (PIL, mode L) made to look scanned. ``signed`` is (x, y, line height) in
    pixels of the signatory's title line: a stamp goes over it and a signature across the lines
    below; ``paraf_at`` is the share of the page height where the initials at its foot sit."""
    from PIL import Image, ImageDraw, ImageFilter

    page = image.convert("L")
    w, h = page.size
    ink = Image.new("L", page.size, 255)
    draw = ImageDraw.Draw(ink)
    _signature(draw, w * rng.uniform(0.72, 0.8), h * paraf_at, 0.08 * w, rng, ink=80)
    if signed:
        x, y, lh = signed
        # a 3.5 cm office stamp over the left of the title, the signature and the name
        _stamp(draw, x + 0.01 * w, y + 2.5 * lh, 0.07 * w, ink=110)
        _signature(draw, x + 0.02 * w, y + 2.5 * lh, 0.22 * w, rng, ink=70)
    page = Image.fromarray(_multiply(page, ink))
    page = page.filter(ImageFilter.GaussianBlur(0.5))
    page = page.rotate(skew, resample=Image.BICUBIC, expand=False, fillcolor=255)
    page = _noise(page, rng, noise)
    if quarter:
        page = page.rotate(90 * quarter, expand=True)
    return page


def _multiply(a, b):
    import numpy as np

    return (np.asarray(a, dtype=np.uint16) * np.asarray(b, dtype=np.uint16) // 255).astype("uint8")


def _noise(page, rng: random.Random, sigma: float):
    import numpy as np
    from PIL import Image

    gen = np.random.default_rng(rng.randrange(2**32))
    arr = np.asarray(page, dtype=np.float32) * 0.94 + 8  # grey paper, never pure white
    arr += gen.normal(0, sigma, arr.shape)
    return Image.fromarray(np.clip(arr, 0, 255).astype("uint8"))


_SIGNATORY = re.compile(r"^(?:(?:Pj|Plt|Plh)\.?\s+)?(?:BUPATI|WALI\s*KOTA|WALIKOTA|GUBERNUR|SEKRETARIS)\b.*,$")


def signature_lines(pdf: bytes) -> dict[int, list[tuple[float, float, float]]]:
    """Page number -> (x, top, height) in points of each signatory's title line ("BUPATI
    BATANG,") below a "Ditetapkan"/"Diundangkan" or a place-and-date line: where the stamp goes."""
    from nlp.text import extract_text

    out: dict[int, list[tuple[float, float, float]]] = {}
    ext = extract_text(pdf, ocr=False)
    for page in ext.pages:
        lines = page.text.split("\n")
        for i, ((_start, _end, box), line) in enumerate(zip(page.spans, lines)):
            dated = any(re.search(r"(?i)ditetapkan|diundangkan|dikeluarkan|pada tanggal|, \\d{1,2} ", ln)
                        for ln in lines[max(0, i - 3):i])
            if box and dated and _SIGNATORY.match(line.strip()):
                out.setdefault(page.number, []).append((box[0], box[1], box[3] - box[1]))
    return out


def noisy_scan(pdf: bytes, *, dpi: int = 200, seed: int = 1, skew: float | None = None,
               pages: list[int] | None = None, quarter: dict[int, int] | None = None,
               jpeg_quality: int = 55) -> bytes:
    """An image-only PDF of ``pdf``'s pages (1-based ``pages``, default all) as a poor scan.

    Each page is turned by ``skew`` degrees (default: a random 0.4-1.5 either way), gets a paraf
    at its foot, paper grey and noise, and is saved as a JPEG of ``jpeg_quality``; a signed page
    gets a stamp and a signature over its signatory lines. ``quarter`` maps a page number to
    quarter turns counter-clockwise (a page fed sideways).
    """
    import pypdfium2 as pdfium
    from PIL import Image

    rng = random.Random(seed)
    doc = pdfium.PdfDocument(pdf)
    numbers = pages or list(range(1, len(doc) + 1))
    signed = signature_lines(pdf)
    images = []
    for n in numbers:
        bitmap = doc[n - 1].render(scale=dpi / 72, grayscale=True)
        clean = bitmap.to_pil()
        angle = skew if skew is not None else rng.choice((-1, 1)) * rng.uniform(0.4, 1.5)
        k = dpi / 72
        marks = [(x * k, y * k, lh * k) for x, y, lh in signed.get(n, [])[:1]]
        page = noisy_page(clean, rng=rng, skew=angle, quarter=(quarter or {}).get(n, 0),
                          signed=marks[0] if marks else None, paraf_at=rng.uniform(0.86, 0.95))
        buf = io.BytesIO()
        page.save(buf, "JPEG", quality=jpeg_quality)
        images.append(Image.open(io.BytesIO(buf.getvalue())))
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    doc.close()
    return out.getvalue()


def text_pdf(text: str, *, spaced: tuple[str, ...] = ("TENTANG", "MEMUTUSKAN"),
             lines_per_page: int = 48) -> bytes:
    """A born-digital PDF of a plain-text document, set as a regional regulation is: 12 pt serif,
    a running page number "- n -" from the second page on, and the heading words in ``spaced``
    letter-spaced ("T E N T A N G") where they stand alone on a line."""
    from .pdfmaker import PageSpec, make_pdf

    lines = text.split("\n")
    pages = []
    for k in range(0, len(lines), lines_per_page):
        page = PageSpec()
        number = k // lines_per_page + 1
        if number > 1:
            page.text(285, 36, f"- {number} -", 11, font="F2")
        for i, line in enumerate(lines[k:k + lines_per_page]):
            if line.strip() in spaced:
                line = "  ".join(" ".join(word) for word in line.split())
            page.text(64, 64 + 15 * i, line, 11.5, font="F2")
        pages.append(page)
    return make_pdf(pages)
