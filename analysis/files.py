"""Writing files: atomically, and with floats at a declared precision.

Atomic: a temporary file in the target folder, then a rename over the target. A failed or interrupted
write leaves the previous file in place and no temporary file behind.

Declared precision: every float the project writes to a file (CSV tables, GraphML attributes) is first
rounded to :data:`FLOAT_SIGNIFICANT_DIGITS` significant digits and then written in Python's shortest
round-trip form. Two machines whose floating-point kernels (SIMD width, BLAS core) differ compute
sums and products that differ in the last one or two bits (a relative 1e-16 to 1e-15); rounded to 12
digits they print the same, so the files are byte-identical. The guarantee has a limit, stated in the
README: a value within a few units in the last place of a rounding boundary (a 13th digit of 5 followed
by zeros) could still round two ways; ``tests/test_determinism.py`` checks every float in every
committed table and GraphML file for that margin.
"""
from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

import numpy as np

FLOAT_SIGNIFICANT_DIGITS = 12


def declared_float(x: float) -> float:
    """``x`` rounded to :data:`FLOAT_SIGNIFICANT_DIGITS` significant digits (decimal rounding; NaN and ±inf kept)."""
    x = float(x)
    return float(format(x, f".{FLOAT_SIGNIFICANT_DIGITS}g")) if math.isfinite(x) else x


def round_floats(frame):
    """A copy of ``frame`` whose float columns (numpy or nullable ``Float64``) are rounded by :func:`declared_float`.

    Missing values stay missing and dtypes are kept; a frame without float columns is returned as it is.
    """
    import pandas as pd

    cols = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c].dtype)]
    if not cols:
        return frame
    out = frame.copy()
    for c in cols:
        s = frame[c]
        mask = s.isna().to_numpy()
        values = s.to_numpy(dtype=float, na_value=np.nan)
        rounded = np.array([v if m else declared_float(v) for v, m in zip(values.tolist(), mask.tolist())],
                           dtype=float)
        new = pd.Series(rounded, index=s.index).astype(s.dtype)
        out[c] = new.mask(mask) if mask.any() else new
    return out


def atomic_write(path: Path | str, write: Callable[[BinaryIO], object]) -> Path:
    """Call ``write(fh)`` on a temporary binary file next to ``path``, then rename it over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual file mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_bytes(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    return atomic_write(path, lambda fh: fh.write(data))
