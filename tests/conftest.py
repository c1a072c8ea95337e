"""Test-session settings that must hold however pytest is started (make, plain pytest, an IDE)."""
import os

# Kernels started by nbval inherit these: a headless backend and a fixed hash seed.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ["PYTHONHASHSEED"] = "0"
