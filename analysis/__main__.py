"""Command line: ``python -m analysis {check,build,docs,reproduce,book}``."""
from __future__ import annotations

import argparse
import sys


def _check(args) -> int:
    from .tables import _rel, check_all, table_path

    results = check_all()
    bad = 0
    for name, (frame, problems) in results.items():
        where = "data/raw/MANIFEST.csv" if name == "raw" else _rel(table_path(name))
        if problems:
            bad += len(problems)
            print(f"FAIL {name:<28} {where}: {len(problems)} problem(s)")
            for p in problems:
                print(f"     - {p}")
        elif frame is None:
            print(f"ok   {name:<28} {where}: every raw file matches its checksum")
        else:
            print(f"ok   {name:<28} {where}: {len(frame)} rows × {frame.shape[1]} columns")
    print(f"{'all tables valid' if not bad else f'{bad} problem(s) found'}")
    return 1 if bad else 0


def _build(args) -> int:
    from .build import build_all
    from .tables import DataError

    try:
        for line in build_all():
            print(line)
    except DataError as err:
        print(err, file=sys.stderr)
        return 1
    return 0


def _docs(args) -> int:
    from .paths import DATA_DIR
    from .tables import data_dictionary, write_data_dictionary

    path = DATA_DIR / "README.md"
    text = data_dictionary()
    if args.check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is out of date: run `python -m analysis docs`", file=sys.stderr)
            return 1
        print(f"{path} is current")
        return 0
    print(f"wrote {write_data_dictionary()}")
    return 0


def _reproduce(args) -> int:
    from .reproduce import reproduce

    return reproduce(only=args.only, jobs=args.jobs, build=not args.no_build)


def _book(args) -> int:
    import time

    from .book import build_book

    t0 = time.perf_counter()
    out = build_book(args.out)
    print(f"wrote {out}/index.html ({time.perf_counter() - t0:.1f} s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="validate every table under data/ (exit 1 listing every problem)").set_defaults(func=_check)
    sub.add_parser("build", help="rebuild data/processed from data/raw and data/curated").set_defaults(func=_build)
    docs = sub.add_parser("docs", help="write data/README.md (the data dictionary) from the schemas")
    docs.add_argument("--check", action="store_true", help="only check that data/README.md is current")
    docs.set_defaults(func=_docs)
    rep = sub.add_parser("reproduce", help="rebuild data, execute every notebook in a fresh kernel")
    rep.add_argument("--only", nargs="+", help="notebook numbers or names, e.g. --only 01 04")
    rep.add_argument("--jobs", type=int, default=1, help="notebooks run in parallel (default 1)")
    rep.add_argument("--no-build", action="store_true", help="skip rebuilding data/processed")
    rep.set_defaults(func=_reproduce)
    book = sub.add_parser("book", help="build the offline HTML book of every notebook from its stored outputs")
    book.add_argument("--out", help="output folder (default build/book)")
    book.set_defaults(func=_book)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
