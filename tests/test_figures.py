"""Every file in figures/ is made by the code (a notebook or analysis/), in both formats."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_figure_is_made_by_a_notebook_and_has_png_and_svg():
    sources = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "notebooks").glob("*.ipynb")))
    sources += "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "analysis").rglob("*.py")))
    stems = sorted({p.stem for p in (ROOT / "figures").iterdir() if p.suffix in (".png", ".svg")})
    assert stems, "no figures"
    orphans = [s for s in stems if s not in sources]
    assert orphans == [], f"figures no code writes (stale files?): {orphans}"
    for stem in stems:
        assert (ROOT / "figures" / f"{stem}.png").is_file() and (ROOT / "figures" / f"{stem}.svg").is_file(), stem
