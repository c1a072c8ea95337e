"""``make test-portable``: every notebook re-executed under other CPU kernels, compared strictly with its stored outputs.

The stored outputs of the notebooks (and the figures and GraphML files they write) must not depend on the machine
that made them. One machine can stand in for others by switching the kernels its libraries dispatch to:

* **numpy's SIMD level**: ``NPY_DISABLE_CPU_FEATURES`` switches off dispatch targets (numpy 2.4 names them by
  x86-64 microarchitecture level: ``X86_V4`` is AVX-512, ``X86_V3`` AVX2/FMA3; switching one off switches off
  the levels above it). Sorting (``np.argsort``, pandas' quicksort), reductions and elementwise loops then run
  other kernels, as on a CPU without those instructions.
* **OpenBLAS's core**: ``OPENBLAS_CORETYPE`` selects the kernels of another CPU generation in the OpenBLAS
  builds that numpy and scipy ship (``DYNAMIC_ARCH``); matrix products then add in another order.
* **Python's hash seed**: ``PYTHONHASHSEED`` changes the iteration order of sets of strings.
* **tomotopy's build** (notebook 05's LDA): ``TOMOTOPY_ISA`` picks the AVX-512, AVX2 or SSE2 build it dispatches to
  on x86-64; the configurations below pair it with numpy's level (``avx2`` with X86_V3, ``sse2`` below it).

For each configuration this script first proves, in a fresh interpreter, that the switches took effect — the
numpy kernels in use (``numpy.lib.introspect.opt_func_info``), the OpenBLAS core (threadpoolctl), and the
behaviour they change: the permutation an unstable ``argsort`` gives on tied keys, and the last bits of a
float sum and of a matrix product. A configuration that changes nothing is reported and not counted. It then
runs ``pytest --nbval notebooks`` under it (with the session guard: work tree unchanged, written figures and
GraphML byte-identical to the committed files). The check passes when every configuration passes and at least
two configurations were proven to change the kernels.

Run: ``make test-portable`` (or ``python tests/portable.py [--only NAME] [--probe-only]``).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_PROBE = r"""
import collections, hashlib, json, os
import numpy as np
from numpy._core._multiarray_umath import __cpu_features__, __cpu_dispatch__
import scipy.linalg  # loads scipy's own OpenBLAS too
import threadpoolctl
try:
    import tomotopy
    tomotopy_isa = tomotopy.isa
except ImportError:
    tomotopy_isa = None

kernels = collections.Counter(d["current"] for sigs in np.lib.introspect.opt_func_info().values()
                              for d in sigs.values())
blas = sorted({(i.get("architecture") or "?") for i in threadpoolctl.threadpool_info() if i["internal_api"] == "openblas"})
rng = np.random.default_rng(20221)
ties = rng.integers(0, 50, 20_000)
perm = np.argsort(ties, kind="quicksort")
x = rng.standard_normal(100_003)
a = rng.standard_normal((257, 129))
h = lambda arr: hashlib.sha256(np.ascontiguousarray(arr).tobytes()).hexdigest()[:12]
print(json.dumps({
    "numpy_kernels": dict(sorted(kernels.items())),
    "numpy_dispatch_enabled": [t for t in __cpu_dispatch__ if __cpu_features__.get(t)],
    "openblas": blas,
    "argsort_ties": h(perm),
    "float_sum": float(x.sum()).hex(),
    "float_sum32": float(x.astype(np.float32).sum()).hex(),
    "matmul": h(a @ a.T),
    "str_set_order": h(np.array([hash(s) % 1000 for s in ["政务", "数据", "网络", "安全", "平台"]])),
    "tomotopy_isa": tomotopy_isa,
}))
"""


def probe(env: dict[str, str]) -> dict:
    """What a fresh interpreter with ``env`` runs: kernels, OpenBLAS core, and the behaviour they change."""
    out = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise RuntimeError(f"probe failed under {describe(env)}:\n{out.stderr}")
    if out.stderr.strip():
        raise RuntimeError(f"probe warned under {describe(env)} (a switch this machine does not support?):\n"
                           f"{out.stderr}")
    return json.loads(out.stdout)


SWITCHES = ("NPY_DISABLE_CPU_FEATURES", "OPENBLAS_CORETYPE", "PYTHONHASHSEED", "TOMOTOPY_ISA")


def describe(env: dict[str, str]) -> str:
    return " ".join(f"{k}={env[k]}" for k in SWITCHES if env.get(k)) or "(defaults)"


def configurations(default: dict) -> list[tuple[str, dict[str, str]]]:
    """Other kernel configurations this machine can run, chosen from what it runs by default."""
    enabled = default["numpy_dispatch_enabled"]
    blas = default["openblas"]
    machine = platform.machine().lower()
    configs = []
    if machine in ("x86_64", "amd64"):
        if "X86_V4" in enabled:      # AVX-512 machine: its AVX2 neighbour, then the baseline
            configs.append(("x86-64-v3", {"NPY_DISABLE_CPU_FEATURES": "X86_V4",
                                          "OPENBLAS_CORETYPE": "Haswell" if blas != ["Haswell"] else "Nehalem",
                                          "PYTHONHASHSEED": "1", "TOMOTOPY_ISA": "avx2"}))
        if "X86_V3" in enabled:
            configs.append(("x86-64-v2", {"NPY_DISABLE_CPU_FEATURES": "X86_V3",
                                          "OPENBLAS_CORETYPE": "Sandybridge" if blas != ["Sandybridge"] else "Nehalem",
                                          "PYTHONHASHSEED": "2", "TOMOTOPY_ISA": "sse2"}))
        if not configs:              # a baseline-only CPU: only OpenBLAS and the hash seed can move
            configs.append(("blas-nehalem", {"OPENBLAS_CORETYPE": "Nehalem", "PYTHONHASHSEED": "1"}))
    else:                            # e.g. aarch64: numpy's dispatch targets above the baseline, OpenBLAS's ARMV8
        if enabled:
            configs.append(("numpy-baseline", {"NPY_DISABLE_CPU_FEATURES": " ".join(enabled),
                                               "PYTHONHASHSEED": "1"}))
        configs.append(("blas-armv8", {"OPENBLAS_CORETYPE": "ARMV8", "PYTHONHASHSEED": "2"}))
    return configs


def differences(default: dict, other: dict) -> list[str]:
    keys = ["numpy_kernels", "openblas", "argsort_ties", "float_sum", "float_sum32", "matmul", "str_set_order",
            "tomotopy_isa"]
    return [k for k in keys if default[k] != other[k]]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", help="run one configuration by name")
    ap.add_argument("--probe-only", action="store_true", help="prove the switches, do not run the notebooks")
    args = ap.parse_args(argv)

    base_env = {k: v for k, v in os.environ.items() if k not in SWITCHES}
    base_env.update({"MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"})
    default = probe(base_env)
    print(f"default: numpy kernels {default['numpy_kernels']}, OpenBLAS {default['openblas']}, "
          f"tomotopy {default['tomotopy_isa']}", flush=True)
    configs = configurations(default)
    if args.only:
        configs = [c for c in configs if c[0] == args.only]
        if not configs:
            print(f"no configuration named {args.only!r} on this machine", file=sys.stderr)
            return 2
    results, proven = [], 0
    for name, switches in configs:
        env = {**base_env, **switches}
        got = probe(env)
        diff = differences(default, got)
        kernels_moved = {"numpy_kernels", "openblas"} & set(diff)
        proven += bool(kernels_moved)
        print(f"\n[{name}] {describe(env)}\n  numpy kernels {got['numpy_kernels']}, OpenBLAS {got['openblas']}, "
              f"tomotopy {got['tomotopy_isa']}\n"
              f"  differs from the default in: {', '.join(diff) or 'nothing'}", flush=True)
        if not kernels_moved:
            print(f"  not counted: the switches did not change the kernels on this machine")
        if args.probe_only:
            results.append((name, None, 0.0))
            continue
        t0 = time.perf_counter()
        rc = subprocess.run([sys.executable, "-m", "pytest", "--nbval", "notebooks", "-q", "-p", "no:cacheprovider"],
                            cwd=ROOT, env=env).returncode
        results.append((name, rc, time.perf_counter() - t0))
    print("\nsummary")
    for name, rc, secs in results:
        state = "probed" if rc is None else ("passed" if rc == 0 else f"FAILED (exit {rc})")
        print(f"  {name:16s} {state:18s} {secs:6.0f} s")
    ok = all(rc in (0, None) for _, rc, _ in results)
    if proven < 2:
        print(f"only {proven} configuration(s) changed the kernels on this machine; the check needs two",
              file=sys.stderr)
        ok = False if not args.only else ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
