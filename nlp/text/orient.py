"""Which way a scanned page lies and how far it is tilted, read from its ink before OCR.

Tesseract's own orientation detection (``--psm 0`` with the ``osd`` model) costs about 0.8 s a
page on this machine whatever the image size (loading the model dominates): half again of the
recognition itself. This reads the same two facts from projection profiles of the ink in a few
milliseconds:

- *the axis*: printed lines make the row profile of a strip of the page sharp (ink, gap, ink)
  and the column profile flat; a page fed sideways shows the opposite. Strips, not the whole
  width, so that a tilt of a few degrees does not smear the lines together;
- *the tilt*: the angle whose shear makes the row profile sharpest, searched by shifting column
  bands (no image rotation), coarse then fine, within ``MAX_SKEW`` degrees.

Profiles cannot tell a page from the same page turned half round; the caller reads the page as it
lies and, when tesseract's confidence says it is upside down, reads it turned (see
:func:`nlp.text.ocr.ocr_image`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Orientation", "detect", "turn", "unturn_box", "MAX_SKEW", "DESKEW_FROM"]

REDUCE = 4  # the profiles are read at a quarter of the resolution (75 dpi for a 300 dpi scan)
STRIPS = 8
MAX_SKEW = 5.0  # degrees searched either way
# Tesseract copes with a small tilt. Straightening the page first gains words (measured on three
# noisy Batang renders: 98.75 -> 99.42 % at 1.5 degrees, 97.5 -> 99.4 % at 4.5) but tesseract
# then works 7-9 % longer on the page whatever the resampling; the slight tilt of a flatbed scan
# is left to tesseract, a real slant (from this many degrees) is taken out.
DESKEW_FROM = 2.0
BANDS = 24  # column bands shifted against each other to try a tilt


@dataclass(frozen=True)
class Orientation:
    """How to stand a page image upright: ``quarter`` turns clockwise (0-3), then ``skew``
    degrees counter-clockwise. ``sharpness`` is the row/column profile sharpness ratio that
    decided the axis (above 1: lines run across the image as it is)."""

    quarter: int = 0
    skew: float = 0.0
    sharpness: float = 1.0

    @property
    def degrees(self) -> int:
        return 90 * self.quarter

    def flipped(self) -> "Orientation":
        """The same page the other way up."""
        return Orientation((self.quarter + 2) % 4, self.skew, self.sharpness)


def _ink(image):
    """Ink of ``image`` (PIL, mode L) at 1/REDUCE resolution, as floats 0/1."""
    import numpy as np

    small = np.asarray(image.reduce(REDUCE), dtype=np.float32)
    if small.size == 0:
        return small
    paper = float(np.percentile(small[:: max(1, small.shape[0] // 64)], 90))
    return (small < min(200.0, paper - 40.0)).astype(np.float32)


def _sharpness(ink) -> float:
    """Median over vertical strips of the mean squared step of the normalised row profile."""
    import numpy as np

    h, w = ink.shape
    values = []
    for k in range(STRIPS):
        strip = ink[:, k * w // STRIPS:(k + 1) * w // STRIPS]
        profile = strip.mean(axis=1)
        mean = profile.mean()
        if mean < 0.005:
            continue
        values.append(float(np.mean(np.diff(profile / mean) ** 2)))
    return float(np.median(values)) if values else 0.0


def _skew(ink) -> float:
    """The tilt (degrees, counter-clockwise) of the text lines of ``ink`` (lines across)."""
    import numpy as np

    h, w = ink.shape
    if h < 8 or w < BANDS:
        return 0.0
    edges = np.linspace(0, w, BANDS + 1).astype(int)
    centres = (edges[:-1] + edges[1:]) / 2 - w / 2
    profiles = np.stack([ink[:, a:b].sum(axis=1) for a, b in zip(edges[:-1], edges[1:])])
    pad = int(np.ceil(abs(w / 2) * np.tan(np.radians(MAX_SKEW)))) + 1
    padded = np.pad(profiles, ((0, 0), (pad, pad)))

    def score(angle: float) -> float:
        # a line tilted counter-clockwise rises to the right: shift right-hand bands down
        shifts = np.rint(centres * np.tan(np.radians(angle))).astype(int)
        total = np.zeros(h + 2 * pad, dtype=np.float32)
        for band, s in zip(padded, shifts):
            total += np.roll(band, s)
        return float(np.sum(np.diff(total) ** 2))

    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-6, 0.5)
    best = max(coarse, key=score)
    fine = np.arange(best - 0.4, best + 0.4 + 1e-6, 0.1)
    return round(float(max(fine, key=score)), 2)


def detect(image) -> Orientation:
    """The orientation of a page image (PIL, mode L): axis and tilt. A page with too little ink
    to tell is taken as it lies."""
    import numpy as np

    ink = _ink(image)
    if ink.size == 0 or ink.mean() < 0.002:
        return Orientation()
    across, down = _sharpness(ink), _sharpness(np.ascontiguousarray(ink.T))
    if across >= down:
        return Orientation(0, _skew(ink), across / max(down, 1e-9))
    # lines run down the image: turned a quarter; try clockwise first
    turned = np.ascontiguousarray(np.rot90(ink, k=-1))
    return Orientation(1, _skew(turned), across / max(down, 1e-9))


def turn(image, orientation: Orientation):
    """``image`` (PIL) stood upright: quarter turns clockwise, then the tilt taken out when it
    is at least ``DESKEW_FROM`` degrees (nearest-neighbour: 40 ms against 0.3-0.8 s for bilinear
    or bicubic at 300 dpi, and as many words read)."""
    from PIL import Image

    out = image
    if orientation.quarter:
        out = out.transpose({1: Image.Transpose.ROTATE_270, 2: Image.Transpose.ROTATE_180,
                             3: Image.Transpose.ROTATE_90}[orientation.quarter])
    if abs(orientation.skew) >= DESKEW_FROM:
        out = out.rotate(-orientation.skew, resample=Image.NEAREST, fillcolor=255)
    return out


def unturn_box(box, orientation: Orientation, size: tuple[float, float]):
    """A box (x0, top, x1, bottom) on the upright image, back on the page as scanned.

    ``size`` is the scanned page's (width, height) in the box's unit.
    """
    import math

    w, h = size
    # the upright image's size before the tilt was taken out
    uw, uh = (h, w) if orientation.quarter % 2 else (w, h)
    x0, y0, x1, y1 = box
    if abs(orientation.skew) >= DESKEW_FROM:
        # undo the straightening: turn the corners back about the centre
        a = math.radians(orientation.skew)
        cx, cy = uw / 2, uh / 2
        xs, ys = [], []
        for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
            dx, dy = x - cx, y - cy
            xs.append(cx + dx * math.cos(a) + dy * math.sin(a))
            ys.append(cy - dx * math.sin(a) + dy * math.cos(a))
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    q = orientation.quarter
    if q == 1:  # turned clockwise: upright (u, v) was scanned at (v, h - u)
        x0, y0, x1, y1 = y0, h - x1, y1, h - x0
    elif q == 2:
        x0, y0, x1, y1 = w - x1, h - y1, w - x0, h - y0
    elif q == 3:  # turned counter-clockwise: upright (u, v) was scanned at (w - v, u)
        x0, y0, x1, y1 = w - y1, x0, w - y0, x1
    return (x0, y0, x1, y1)
