"""One colour rule, checked on the pixels of every figure in figures/: the four technology colours mean the four
technologies, so every other colour a figure shows stays at least ΔE 30 from each of them.

ΔE is CIE76 (the Euclidean distance in CIELAB, D65 white, sRGB pixels), the measure the palette test in
tests/test_figure_rules.py uses; below about 30 two colours read as one family.

What is checked, per PNG: every exact pixel colour covering at least :data:`MIN_PIXELS` pixels whose CIELAB chroma is
at least :data:`MIN_CHROMA`. Exempt, and why:

* greys and near-greys (chroma below :data:`MIN_CHROMA`): they carry no hue to be taken for a technology;
* the technology colours themselves and their tints and shades — a technology colour mixed with white, black or a grey
  (drawn with transparency, lightened for a band, anti-aliased against the background): they *are* that technology;
* the anti-aliased edges of any colour that is itself checked: a colour that is a mix of a more frequent saturated
  colour of the same figure with a grey or with another more frequent colour of the figure, and covers less than a
  tenth of that colour's pixels (the rim of a line, or the seam of two bars, not a colour of its own; a large
  translucent area of a colour is checked like any colour).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.image import imread

from analysis.paths import FIGURES_DIR
from analysis.plotting import TECH_COLORS

MIN_DELTA_E = 30.0
MIN_PIXELS = 40
MIN_CHROMA = 10.0
#: A colour within this ΔE of a mix of a parent colour with a grey counts as that mix (8-bit rounding gives ~1).
MIX_TOLERANCE = 3.0
#: An anti-aliased rim covers less than this share of the pixels of the colour it is the rim of.
EDGE_SHARE = 0.1

_M = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])


def lab(rgb) -> np.ndarray:
    """CIELAB (D65) of sRGB values in 0–1, any leading shape."""
    rgb = np.asarray(rgb, dtype=float)
    lin = np.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)
    f = np.cbrt(np.maximum((lin @ _M.T) / np.array([0.95047, 1.0, 1.08883]), 0.008856 ** 3))
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


TECH_RGB = {k: np.array(to_rgb(v)) for k, v in TECH_COLORS.items()}
TECH_LAB = {k: lab(v) for k, v in TECH_RGB.items()}


def is_mix_with_grey(c: np.ndarray, parent: np.ndarray) -> bool:
    """Whether ``c`` ≈ a·parent + (1 − a)·grey for some 0 < a ≤ 1 and a grey level in [0, 1] (ΔE ≤ tolerance)."""
    basis = np.stack([parent, np.ones(3)], axis=1)
    (a, b), *_ = np.linalg.lstsq(basis, c, rcond=None)
    if not 0.03 <= a <= 1.02:
        return False
    a = min(a, 1.0)
    grey = float(np.clip(b / (1 - a), 0, 1)) if a < 0.999 else 0.5
    fit = a * parent + (1 - a) * grey
    return float(np.linalg.norm(lab(fit) - lab(c))) <= MIX_TOLERANCE


def colour_counts(img: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct 8-bit colours (0–1 floats) of an RGB(A) image over white, and their pixel counts."""
    if img.dtype != np.uint8:
        img = np.round(img * 255).astype(np.int64)
    img = img.astype(np.int64)
    if img.shape[-1] == 4:                                   # composite over white
        a = img[..., 3:4] / 255
        img = np.round(img[..., :3] * a + 255 * (1 - a)).astype(np.int64)
    px = img[..., :3].reshape(-1, 3)
    keys, counts = np.unique(px[:, 0] * 65536 + px[:, 1] * 256 + px[:, 2], return_counts=True)
    rgb = np.stack([keys // 65536, keys // 256 % 256, keys % 256], axis=-1) / 255
    return rgb, counts


def is_mix_of(c: np.ndarray, p: np.ndarray, q: np.ndarray) -> bool:
    """Whether ``c`` ≈ a·p + (1 − a)·q for some 0 ≤ a ≤ 1 (ΔE ≤ tolerance)."""
    d = p - q
    a = float(np.clip(np.dot(c - q, d) / max(np.dot(d, d), 1e-12), 0, 1))
    return float(np.linalg.norm(lab(a * p + (1 - a) * q) - lab(c))) <= MIX_TOLERANCE


def violations(img: np.ndarray) -> list[str]:
    """Colours of an image that break the rule: ``#RRGGBB (n px) ΔE x from <technology>``."""
    rgb, counts = colour_counts(img)
    L = lab(rgb)
    chroma = np.hypot(L[:, 1], L[:, 2])
    frequent = np.flatnonzero(counts >= MIN_PIXELS)
    checked = frequent[chroma[frequent] >= MIN_CHROMA]
    checked = checked[np.lexsort((checked, -counts[checked]))]    # most frequent first, ties by colour
    out = []
    for i in checked:
        c = rgb[i]
        dist = {k: float(np.linalg.norm(L[i] - t)) for k, t in TECH_LAB.items()}
        tech, d = min(dist.items(), key=lambda kv: (kv[1], kv[0]))
        if d >= MIN_DELTA_E:
            continue
        if any(is_mix_with_grey(c, t) for t in TECH_RGB.values()):
            continue                                              # a technology colour, a tint or a shade of it
        # the rim where a more frequent colour meets another colour of the figure or a grey
        parents = [j for j in frequent if j != i and counts[i] < EDGE_SHARE * counts[j] and chroma[j] >= MIN_CHROMA]
        partners = [rgb[j] for j in frequent if j != i and counts[j] > counts[i]]
        if any(is_mix_with_grey(c, rgb[j]) or any(is_mix_of(c, rgb[j], q) for q in partners) for j in parents):
            continue
        hexcode = "#" + "".join(f"{round(v * 255):02X}" for v in c)
        out.append(f"{hexcode} ({counts[i]} px) ΔE {d:.1f} from {tech} {TECH_COLORS[tech]}")
    return out


FIGURES = sorted(FIGURES_DIR.glob("*.png"))


def test_there_are_figures_to_check():
    assert len(FIGURES) > 30


@pytest.mark.parametrize("path", FIGURES, ids=[p.stem for p in FIGURES])
def test_no_colour_of_a_figure_can_be_taken_for_a_technology_colour(path: Path):
    bad = violations(imread(path))
    assert not bad, f"{path.name}: colours within ΔE {MIN_DELTA_E:.0f} of a technology colour: {bad[:6]}"


# ----------------------------------------------------------------------------- the check can fail
def _canvas(*patches: tuple[str, float, int]) -> np.ndarray:
    """A white 100×100 image with horizontal bands: (colour, alpha, rows)."""
    img = np.ones((100, 100, 3))
    row = 0
    for color, alpha, rows in patches:
        img[row:row + rows] = alpha * np.array(to_rgb(color)) + (1 - alpha) * img[row:row + rows]
        row += rows
    return img


def test_a_steel_blue_beside_the_internet_blue_is_caught():
    # fig01's old digital-government stage bar (#5F8FB4) is ΔE 21 from the Internet blue
    bad = violations(_canvas(("#5F8FB4", 1.0, 20)))
    assert len(bad) == 1 and bad[0].startswith("#5F8FB4") and "互联网" in bad[0]
    # a sky blue close in hue and lightness is caught too; one 40 ΔE away is not
    assert violations(_canvas(("#2A7FB8", 1.0, 20)))
    assert not violations(_canvas(("#332288", 1.0, 20)))


def test_technology_colours_their_tints_and_greys_pass():
    tech = list(TECH_COLORS.values())
    img = _canvas((tech[0], 1.0, 10), (tech[1], 0.35, 10), (tech[2], 0.6, 10), ("#7F7F7F", 1.0, 10),
                  ("#A3957F", 1.0, 10), (tech[3], 1.0, 10))
    img[60:70] *= 0.5                                                    # a shade (a technology colour darkened)
    assert violations(img) == []


def test_a_large_translucent_area_of_a_colour_is_checked_but_its_rim_is_not():
    # red at 35 % over white is a pink ΔE < 30 from the blockchain colour: a large area of it is a violation …
    assert violations(_canvas(("#C00000", 1.0, 20), ("#C00000", 0.35, 20)))
    # … a rim of it (few pixels beside a large red area) is not
    img = _canvas(("#C00000", 1.0, 60))
    img[60, :] = 0.35 * np.array(to_rgb("#C00000")) + 0.65
    assert violations(img) == []


def test_lab_matches_known_values():
    assert np.allclose(lab([1.0, 1.0, 1.0]), [100, 0, 0], atol=0.05)
    assert np.allclose(lab(to_rgb("#FF0000")), [53.24, 80.09, 67.20], atol=0.1)   # sRGB red, D65
