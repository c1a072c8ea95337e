"""A researcher's own folder of documents as a corpus table (:func:`load_folder`; ``analysis.load_corpus(folder)``).

Every file below the folder is read by :func:`analysis.corpus.readers.read_document` (``.txt``/``.md``, ``.docx``,
``.pdf``, saved ``.html``); the title, 文号, issuing body and dates printed in each text become columns
(:func:`analysis.corpus.metadata.text_metadata`), and an optional metadata CSV overrides or adds columns.
:func:`folder_documents` (which files are documents) and :func:`folder_doc_ids` (their ``doc_id``) are the rules the
partitions of :mod:`analysis.distributed` share.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

import pandas as pd

from .metadata import text_metadata
from .readers import (SUPPORTED_SUFFIXES, UnreadableFileError, UnsupportedFileError, conversion_hint,
                      read_document, warn_caller)
from .table import CORPUS_COLUMNS, _WS, _finish, _rel, _sha

__all__ = [
    "load_folder",
    "folder_documents",
    "folder_doc_ids",
    "intake_report",
    "check_bad_files",
    "bad_files_message",
]

_IGNORED_NAMES = ("Thumbs.db", "desktop.ini", "Desktop.ini")
#: old Word formats that ``soffice --convert-to docx`` turns into a .docx beside them
_CONVERTED = (".doc", ".wps", ".rtf", ".odt", ".docm", ".dot", ".dotx", ".wpt")


def _ignored(rel: str) -> bool:
    """System files a folder of documents carries: dot files, Word lock files (~$…), Thumbs.db."""
    parts = rel.split("/")
    return (any(p.startswith(".") for p in parts) or parts[-1].startswith("~$")
            or parts[-1] in _IGNORED_NAMES)


def _read_metadata_csv(path: Path | str) -> pd.DataFrame:
    raw = Path(path).read_bytes()
    try:
        raw.decode("utf-8-sig")
        enc = "utf-8-sig"
    except UnicodeDecodeError:
        enc = "gb18030"
        warn_caller(f"{path}: not UTF-8; read as GB18030 (as saved by Excel on Chinese Windows)",
                    UnicodeWarning)
    import io

    return pd.read_csv(io.StringIO(raw.decode(enc)), dtype="string", keep_default_na=False,
                       na_values=[""])


def unsupported_message(folder, unsupported: Sequence[Path]) -> str:
    """The lines naming each file in an unsupported format with the command that converts it."""
    return (f"{folder}: {len(unsupported)} file(s) in a format that is not read (readable: "
            f"{' '.join(SUPPORTED_SUFFIXES)}):\n"
            + "\n".join(f"  {_rel(p)}: {conversion_hint(p)}" for p in unsupported))


def bad_files_message(folder, unsupported: Sequence[Path], unreadable: Sequence[str], *,
                      skip_unsupported: bool = False, skip_unreadable: bool = False, cli: bool = False) -> str:
    """One report of every file that stops a load: the unsupported ones (with their conversion) and the
    unreadable ones (``unreadable``: the readers' messages — empty, undecodable, corrupt, scanned — each naming
    its file and what to do), and the option that loads the rest (``cli``: the command line's spelling)."""
    unsupported = [] if skip_unsupported else list(unsupported)
    unreadable = [] if skip_unreadable else list(unreadable)
    out, opts = [], []
    if unsupported:
        out.append(unsupported_message(folder, unsupported))
        opts.append("--skip-unsupported" if cli else "skip_unsupported=True")
    if unreadable:
        out.append(f"{folder}: {len(unreadable)} file(s) cannot be read:\n" + "\n".join(f"  {e}" for e in unreadable))
        opts.append("--skip-unreadable" if cli else "skip_unreadable=True")
    what = "Convert them" if not unreadable else "Convert or fix them" if unsupported else "Fix them"
    out.append(f"{what}, or pass {' and '.join(opts)} to load the rest.")
    return "\n".join(out)


def folder_documents(root: Path, metadata_csv: Path | str | None = None, skip_unsupported: bool = False,
                     name: Path | str | None = None, defer: bool = False) -> tuple[list[Path], list[str], list[Path]]:
    """The documents of a folder, as :func:`load_folder` reads them (also used by :mod:`analysis.distributed`).

    Returns
    -------
    (files, ignored, unsupported) : readable files (sorted by relative path), relative paths set aside
    (dot files, Word lock files, a saved page's resources, the metadata CSV, an old Word file ``x.doc`` beside
    its in-place conversion ``x.docx``, said in a warning), files in formats not read. With ``defer`` nothing is
    raised or warned about unsupported files or an empty folder: the caller reports them with the unreadable
    ones (:func:`bad_files_message`).

    Raises
    ------
    analysis.corpus.readers.UnsupportedFileError
        Naming every file in an unsupported format and the command that converts it (unless
        ``skip_unsupported``, which warns instead).
    FileNotFoundError
        When no readable document is left.
    """
    folder = name if name is not None else root
    meta_path = Path(metadata_csv).resolve() if metadata_csv is not None else None
    files, ignored, unsupported, converted = [], [], [], []
    every = sorted((p for p in root.rglob("*") if p.is_file()),
                   key=lambda p: p.relative_to(root).as_posix())
    # "Web page, complete" saves page.html and its images/scripts in page_files/ (page.files/)
    present = set(every)
    resources = {p.parent / f"{p.stem}{tail}" for p in every if p.suffix.lower() in (".html", ".htm")
                 for tail in ("_files", ".files", "_文件")}
    for p in every:
        rel = p.relative_to(root).as_posix()
        if (_ignored(rel) or (meta_path is not None and p.resolve() == meta_path)
                or any(d in resources for d in p.parents)):
            ignored.append(rel)
        elif p.suffix.lower() in SUPPORTED_SUFFIXES:
            files.append(p)
        elif p.suffix.lower() in _CONVERTED and p.with_suffix(".docx") in present:
            converted.append(p)   # soffice --convert-to docx x.doc, in place: x.docx is read instead
        else:
            unsupported.append(p)
    if converted:
        ignored.extend(p.relative_to(root).as_posix() for p in converted)
        warn_caller(f"{folder}: {len(converted)} Word file(s) converted in place; the converted .docx is read, "
                    "the original left aside: " + "; ".join(f"{_rel(p)} → {p.with_suffix('.docx').name}"
                                                           for p in converted))
    if unsupported and not skip_unsupported and not defer:
        raise UnsupportedFileError(unsupported_message(folder, unsupported))
    if unsupported and not defer:
        warn_caller(f"{folder}: skipped {len(unsupported)} file(s) in formats that are not read: "
                    + "; ".join(f"{_rel(p)} ({conversion_hint(p)})" for p in unsupported))
    if not files and not defer:
        held = [p.relative_to(root).as_posix() for p in unsupported] + ignored
        raise FileNotFoundError(f"{folder}: no readable documents ({' '.join(SUPPORTED_SUFFIXES)}); "
                                f"it holds: {', '.join(held[:20]) if held else 'nothing'}")
    return files, ignored, unsupported


def check_bad_files(folder, unsupported: Sequence[Path], unreadable: Sequence[str], *, skip_unsupported: bool,
                    skip_unreadable: bool, cli: bool = False) -> None:
    """Raise one error naming every file that stops the load (:func:`bad_files_message`); warn, naming them,
    about the files skipped. ``unreadable``: the readers' messages (each names its file)."""
    stop = (unsupported and not skip_unsupported) or (unreadable and not skip_unreadable)
    if stop:
        msg = bad_files_message(folder, unsupported, unreadable, skip_unsupported=skip_unsupported,
                                skip_unreadable=skip_unreadable, cli=cli)
        raise (UnsupportedFileError if unsupported and not skip_unsupported else UnreadableFileError)(msg)
    if unsupported:
        warn_caller(f"{folder}: skipped {len(unsupported)} file(s) in formats that are not read: "
                    + "; ".join(f"{_rel(p)} ({conversion_hint(p)})" for p in unsupported))
    if unreadable:
        warn_caller(f"{folder}: skipped {len(unreadable)} file(s) that cannot be read: " + "; ".join(unreadable))


def folder_doc_ids(files: Sequence[str]) -> list[str]:
    """The ``doc_id`` of each file of a folder (relative POSIX paths): the path without its suffix, or with it
    where two files differ only by suffix (``law.pdf``, ``law.docx``). One rule for :func:`load_folder` and the
    partitions of :mod:`analysis.distributed`."""
    stems = pd.Series([f.rsplit(".", 1)[0] for f in files], dtype=object)
    return [f if clash else stem for f, stem, clash in zip(files, stems, stems.duplicated(keep=False))]


def load_folder(folder: Path | str, metadata_csv: Path | str | None = None,
                skip_unsupported: bool = False, skip_unreadable: bool = False) -> pd.DataFrame:
    """Load every document below a folder (recursive, sorted by relative path).

    Files are read by :func:`analysis.corpus.readers.read_document`: ``.txt``/``.md`` (UTF-8, UTF-8
    or UTF-16 with BOM, else GB18030 with a warning), ``.docx``, ``.pdf`` with a text layer and
    ``.html``/``.htm`` saved web pages. Dot files, Word lock files (``~$…``), ``Thumbs.db``, the
    resources a browser saves beside a page (``page_files/`` next to ``page.html``) and the
    metadata CSV itself are not documents and are left aside (listed in
    ``df.attrs["ignored_files"]``).

    Parameters
    ----------
    folder : path-like
        The folder.
    metadata_csv : path-like, optional
        CSV (UTF-8, with or without BOM; GB18030 read with a warning) keyed by a ``file`` column
        (path relative to ``folder``, suffix included) or, without one, by a ``doc_id`` column
        (the default id: relative path without suffix). Other columns are added to the table; a
        ``title``, ``doc_id`` (with ``file``) or a text-metadata column (``doc_number``,
        ``issuer``, ``date_…``) overrides the value read from the text where the CSV cell is
        not empty. Every row must name a loaded document; documents it does not list keep
        their defaults.
    skip_unsupported : bool, default False
        Skip files in formats no reader handles (``.doc``, ``.wps``, ``.ofd``, images, …)
        instead of raising; every skipped file is named in a warning and in
        ``df.attrs["skipped_files"]``.
    skip_unreadable : bool, default False
        Skip files that cannot be read (empty, undecodable, corrupt, encrypted, scanned without a text
        layer) instead of raising; each is named, with what to do, in a warning and in
        ``df.attrs["unreadable_files"]``.

    Every file that stops the load is named in one error, unsupported and unreadable together, with
    what to do for each (not one kind per run).

    Returns
    -------
    pandas.DataFrame
        :data:`CORPUS_COLUMNS` (``doc_id`` defaults to the relative path without suffix, with
        it where two files differ only by suffix: ``law.pdf``, ``law.docx``; ``title`` to the page title of a web page, else the title line found by
        :func:`analysis.corpus.metadata.text_metadata`, else the first non-blank line; ``kind`` =
        ``user text``; ``encoding`` = ``utf-8``, ``utf-8-sig``, ``utf-16``, ``gb18030``, the
        page's charset, or ``docx``/``pdf``) plus ``file`` (relative path), ``format`` (reader:
        text, docx, pdf, html), ``reader_notes`` (what the reader removed or could not do), the
        loss check (:func:`analysis.corpus.readers.loss_check`): ``kept_share`` (non-blank characters
        of ``text`` / those of the file's own text layer) and ``removed_chars`` (characters removed as
        page or site furniture; the lines, by rule, in :func:`intake_report`), the
        metadata read from the text (``doc_number``, ``issuer``, ``date_adopted``,
        ``date_promulgated``, ``date_effective``, ``date_issued``, ``date_written``, each with
        ``<field>_line``, the line it came from) and the metadata CSV's columns. A text that
        occurs twice (same sha256) is kept once, at its first path; ``df.attrs["duplicates"]``
        maps each dropped file to the file kept.

    Raises
    ------
    FileNotFoundError
        If ``folder`` does not exist or holds no readable document (the message lists what it
        holds).
    analysis.corpus.readers.UnsupportedFileError
        When a file is in an unsupported format (unless ``skip_unsupported``): the message names it
        with the command that converts it, and every unreadable file as well (unless ``skip_unreadable``).
    analysis.corpus.readers.UnreadableFileError
        Naming every empty, undecodable, corrupt or image-only (scanned, OCR needed) file, when no
        unsupported file is reported (unless ``skip_unreadable``).
    ValueError
        A metadata row naming no loaded document, or duplicate ``doc_id`` values.

    Warns
    -----
    UnicodeWarning
        For each file decoded as GB18030.
    UserWarning
        Skipped files, identical texts, Word automatic numbering not expanded, PDF pages without
        text; the loss check: a file keeping less than
        :data:`~analysis.corpus.readers.KEPT_SHARE_WARN` of its text, or whose removed lines hold a
        第…条/章/节 marker (the warning names the file and the rule). Warnings point at the caller's line.
    """
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder")
    files, ignored, unsupported = folder_documents(root, metadata_csv, skip_unsupported, name=folder, defer=True)
    rows, errors, unreadable, by_sha, duplicates = [], [], [], {}, {}
    for p in files:
        rel = p.relative_to(root).as_posix()
        try:
            doc = read_document(p, _rel(p))
        except UnreadableFileError as err:
            errors.append(str(err))
            unreadable.append(rel)
            continue
        sha = _sha(doc.text)
        if sha in by_sha:
            duplicates[rel] = by_sha[sha]
            continue
        by_sha[sha] = rel
        md = text_metadata(doc.text)
        first = next((ln.strip(_WS + "#").strip() for ln in doc.text.split("\n") if ln.strip(_WS)), None)
        rows.append(dict(doc_id=None, title=doc.title or md["title"] or first,
                         kind="user text", source_file=_rel(p), source_locator="whole file",
                         encoding=doc.encoding, text=doc.text, file=rel, format=doc.reader,
                         reader_notes="; ".join(doc.notes) or None,
                         kept_share=doc.kept_share, removed_chars=doc.removed_chars,
                         **{k: v for k, v in md.items() if k != "title"}))
    check_bad_files(folder, unsupported, errors, skip_unsupported=skip_unsupported,
                    skip_unreadable=skip_unreadable)
    if not rows:
        held = [p.relative_to(root).as_posix() for p in unsupported] + unreadable + ignored
        raise FileNotFoundError(f"{folder}: no readable documents ({' '.join(SUPPORTED_SUFFIXES)}); "
                                f"it holds: {', '.join(held[:20]) if held else 'nothing'}")
    if duplicates:
        warn_caller(f"{folder}: identical texts kept once: "
                    + "; ".join(f"{d} = {k}" for d, k in duplicates.items()))
    for r, doc_id in zip(rows, folder_doc_ids([r["file"] for r in rows])):
        r["doc_id"] = doc_id
    loss = ["kept_share", "removed_chars"]
    md_cols = [c for c in rows[0] if c not in CORPUS_COLUMNS and c not in ["file", "format", "reader_notes"] + loss]
    df = _finish(rows, ["file", "format", "reader_notes"] + loss + md_cols)
    for c in ["file", "format", "reader_notes"] + md_cols:
        df[c] = df[c].astype("string")
    df["kept_share"] = df["kept_share"].astype("Float64")
    df["removed_chars"] = df["removed_chars"].astype("Int64")
    if metadata_csv is not None:
        df = _merge_metadata(df, metadata_csv, folder)
    dups = df["doc_id"][df["doc_id"].duplicated()]
    if len(dups):
        raise ValueError(f"{folder}: duplicate doc_id {sorted(dups)[:5]}")
    df = df.reset_index(drop=True)
    df.attrs["skipped_files"] = [p.relative_to(root).as_posix() for p in unsupported]
    df.attrs["unreadable_files"] = unreadable
    df.attrs["ignored_files"] = ignored
    df.attrs["duplicates"] = duplicates
    return df


def _merge_metadata(df: pd.DataFrame, metadata_csv: Path | str, folder: Path | str) -> pd.DataFrame:
    meta = _read_metadata_csv(metadata_csv)
    key = "file" if "file" in meta.columns else "doc_id" if "doc_id" in meta.columns else None
    if key is None:
        raise ValueError(f"{metadata_csv}: needs a 'file' column (path relative to {folder}) or a "
                         f"'doc_id' column (the file's path without suffix); it has "
                         f"{list(meta.columns)}")
    known = set(df[key])
    for i, f in enumerate(meta[key], start=2):
        if pd.isna(f) or f not in known:
            what = "a loaded file" if key == "file" else "the doc_id of a loaded file"
            raise ValueError(f"{metadata_csv}, line {i}, column {key!r}: {f!r} is not {what} "
                             f"under {folder} (known: {sorted(known)[:5]}…)")
    if meta[key].duplicated().any():
        raise ValueError(f"{metadata_csv}: {key} listed twice: "
                         f"{sorted(meta.loc[meta[key].duplicated(), key])[:5]}")
    base_cols = list(df.columns)
    over = [c for c in meta.columns if c != key and c in base_cols and c not in (
        "text", "n_chars", "sha256", "file", "source_file", "source_locator", "encoding", "kind")]
    extra_cols = [c for c in meta.columns if c != key and c not in base_cols]
    df = df.merge(meta, on=key, how="left", suffixes=("", "_meta"), validate="one_to_one")
    for c in over:
        df[c] = df[f"{c}_meta"].fillna(df[c])
        df = df.drop(columns=f"{c}_meta")
    return df[base_cols + extra_cols]


def intake_report(folder: Path | str) -> pd.DataFrame:
    """What the readers removed from every document below ``folder``, line by line.

    Reads each supported file again (as :func:`load_folder` does; unsupported and unreadable files
    are left out) and returns one row per removed block or line: ``file``, ``format``, ``rule``
    (``html:nav-element``, ``html:furniture-attr``, ``html:outside-main``, ``pdf:page-number``,
    ``pdf:running-head``, ``pdf:running-head-odd``/``-even``, …; see
    :class:`analysis.corpus.readers.Document`), ``text``, ``chars`` (non-blank characters), and the
    document's ``kept_share``. A file from which nothing was removed has one row with ``rule`` and
    ``text`` empty, so every file appears.
    """
    import warnings

    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder")
    files, _, _ = folder_documents(root, None, True, name=folder)
    rows = []
    for p in files:
        rel = p.relative_to(root).as_posix()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                doc = read_document(p, rel)
        except UnreadableFileError:
            continue
        share = doc.kept_share
        for rule, text in doc.removed or [(None, None)]:
            rows.append(dict(file=rel, format=doc.reader, rule=rule, text=text,
                             chars=len(re.sub(r"\s", "", text)) if text else 0, kept_share=share))
    df = pd.DataFrame(rows, columns=["file", "format", "rule", "text", "chars", "kept_share"])
    for c in ("file", "format", "rule", "text"):
        df[c] = df[c].astype("string")
    df["chars"] = df["chars"].astype("Int64")
    df["kept_share"] = df["kept_share"].astype("Float64")
    return df
