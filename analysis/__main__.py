"""Command line: ``python -m analysis {check,build,docs,reproduce,pipeline,book}``."""
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
    from .build import build_all, stale_steps
    from .tables import DataError

    if args.dry_run:
        stale = stale_steps()
        for name, reasons in stale.items():
            print(f"stale {name:<22} " + "; ".join(reasons[:3]) + (" …" if len(reasons) > 3 else ""))
        print("everything up to date" if not stale else f"{len(stale)} stale step(s)")
        return 0
    try:
        for line in build_all(force=args.all):
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

    from .book import BOOK_CACHE_DIR, build_book

    t0 = time.perf_counter()
    info: dict = {}
    out = build_book(args.out, cache_dir=None if args.no_cache else (args.cache_dir or BOOK_CACHE_DIR), info=info)
    pages = len(info["rendered"]) + len(info["cached"])
    print(f"wrote {out}/index.html ({time.perf_counter() - t0:.1f} s; {len(info['rendered'])} of {pages} pages "
          f"rendered, {len(info['cached'])} unchanged; font {info['font']})")
    if info["missing_glyphs"]:
        print(f"warning: no embedded font draws {info['missing_glyphs']!r}")
    return 0


def _no_tracebacks(*loggers: str) -> None:
    """Dask's own log lines keep their message but lose their tracebacks (and empty ERROR lines go): when the
    scheduler is lost, the client logs the asyncio tracebacks of its reconnection before this command says, in
    one sentence, what happened and how to resume."""
    import logging

    class NoTraceback(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            record.exc_info, record.exc_text, record.stack_info = None, None, None
            return bool(str(record.getMessage()).strip())

    for name in loggers:
        logging.getLogger(name).addFilter(NoTraceback())


def _pipeline(args) -> int:
    from .distributed import PipelineError, run_pipeline, write_outputs

    if args.reuse:
        return _pipeline_reuse(args)
    import warnings

    from .distributed.pipeline import scheduler_lost, scheduler_lost_message

    # a warning about the user's files is a line of the report, not a pointer into the package's source
    warnings.formatwarning = lambda message, category, *a, **k: f"pipeline: {category.__name__}: {message}\n"
    _no_tracebacks("distributed.client", "distributed.core", "distributed.worker", "distributed.nanny")
    try:
        res = run_pipeline(args.corpus, scheduler=args.scheduler, n_workers=args.workers,
                           partition_bytes=int(args.partition_mb * 1e6), against=args.against,
                           topics=args.topics, topic_model=args.model, passes=args.passes, mix=args.mix,
                           group=args.group,
                           top_n=args.top_n, progress=not args.quiet, retries=args.retries,
                           skip_unsupported=args.skip_unsupported, skip_unreadable=args.skip_unreadable, cli=True)
    except PipelineError as err:
        print(err, file=sys.stderr)
        return 1
    except (ValueError, FileNotFoundError, ImportError) as err:   # bad files or corpus, a missing engine: the message, no traceback
        print(f"pipeline: {err}", file=sys.stderr)
        return 2
    except Exception as err:
        if not scheduler_lost(err):
            raise
        print(scheduler_lost_message(err, args), file=sys.stderr)
        return 3
    for path in write_outputs(res, args.out):
        print(f"wrote {path}")
    n_chars = int(res.partitions["n_chars"].sum())
    print(f"{len(res.partitions)} partitions, {int(res.partitions['n_docs'].sum()):,} documents, "
          f"{n_chars:,} characters, {int(res.term_counts['n_clauses'].iloc[0]) if len(res.term_counts) else 0:,} "
          f"clauses, {len(res.term_counts):,} terms in {res.seconds:.1f} s")
    return 0


def _pipeline_reuse(args) -> int:
    from .distributed import PipelineError, run_reuse, write_reuse_outputs

    ignored = [f"--{o}" for o in ("against", "topics") if getattr(args, o)]
    if ignored:
        print(f"pipeline --reuse: {', '.join(ignored)} apply to the counts pipeline, not to text reuse", file=sys.stderr)
        return 2
    try:
        res = run_reuse(args.corpus, args.reuse, scheduler=args.scheduler, n_workers=args.workers,
                        partition_bytes=int(args.partition_mb * 1e6), retries=args.retries, progress=not args.quiet)
    except PipelineError as err:
        print(err, file=sys.stderr)
        return 1
    for path in write_reuse_outputs(res, args.out):
        print(f"wrote {path}")
    print(f"{len(res.partitions)} partitions, {int(res.partitions['n_docs'].sum()):,} documents, "
          f"{int(res.partitions['n_units'].sum()):,} units against {res.target_units:,} target units: "
          f"{len(res.pairs):,} pairs in {res.seconds:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="validate every table under data/ (exit 1 listing every problem)").set_defaults(func=_check)
    b = sub.add_parser("build", help="rebuild the stale tables of data/processed from data/raw and data/curated")
    b.add_argument("--all", action="store_true", help="rebuild every table, stale or not")
    b.add_argument("--dry-run", action="store_true", help="only list the stale steps and why")
    b.set_defaults(func=_build)
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
    book.add_argument("--no-cache", action="store_true",
                      help="render every page again and keep nothing in .cache/book (default: only changed pages)")
    book.add_argument("--cache-dir", help="where rendered pages are kept between builds (default .cache/book)")
    book.set_defaults(func=_book)
    pipe = sub.add_parser("pipeline", help="clauses, tokens, counts, keyness, TF-IDF and topics of a corpus on Dask")
    pipe.add_argument("corpus", help="national, local, cited, digest, collection, a folder, a .zip or a .tar.* archive")
    pipe.add_argument("--out", required=True, help="folder for the result tables (CSV)")
    pipe.add_argument("--scheduler", help="address of a running Dask scheduler (default: a LocalCluster on this machine)")
    pipe.add_argument("--workers", type=int, help="LocalCluster worker processes (default: the machine's cores)")
    pipe.add_argument("--partition-mb", type=float, default=2.0, help="text per partition, MB (default 2)")
    pipe.add_argument("--against", help="keyness reference: 'national' (the committed frequency list)")
    pipe.add_argument("--topics", type=int, help="fit a streamed topic model with this many topics")
    pipe.add_argument("--model", choices=("lda-sample", "lda", "nmf"), default="lda-sample",
                      help="a batch LDA (tomotopy) of a 20,000-clause sample (default: the most coherent topics), "
                           "online LDA, or MiniBatchNMF")
    pipe.add_argument("--passes", type=int, default=1, help="passes of the topic model over the partitions")
    pipe.add_argument("--mix", type=int, default=4,
                      help="partitions whose rows the topic model sees shuffled together (0: corpus order)")
    pipe.add_argument("--group", choices=("all", "folder"), default="all", help="TF-IDF groups")
    pipe.add_argument("--top-n", type=int, default=20, help="TF-IDF terms per group")
    pipe.add_argument("--reuse", metavar="TARGET",
                      help="instead of counts: the provisions of CORPUS restating TARGET (e.g. national) — "
                           "text reuse, written as reuse_pairs.csv, reuse_documents.csv, reuse_partitions.csv")
    pipe.add_argument("--skip-unsupported", action="store_true",
                      help="leave out (and name) files in formats that are not read (.doc, images, …)")
    pipe.add_argument("--skip-unreadable", action="store_true",
                      help="leave out (and name) files that cannot be read (empty, undecodable, corrupt, scanned)")
    pipe.add_argument("--retries", type=int, default=2, help="retries of a failed partition before it is named")
    pipe.add_argument("--quiet", action="store_true", help="no progress bar")
    pipe.set_defaults(func=_pipeline)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
