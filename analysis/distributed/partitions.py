"""Corpus partitions read lazily: a partition names its files, a worker reads them.

A :class:`Partition` is a small, picklable description — which archive or folder, which members —
so the client never holds the texts; :func:`read_partition` opens the source on the worker and
returns the partition's documents. Sources:

* ``.tar``, ``.tar.gz``, ``.tar.xz``, ``.tar.bz2`` archives (``national``: ``data/raw/lawrefbook-national.tar.xz``;
  ``local``: ``data/raw/lawrefbook-local.tar.xz``, with the doc_ids and texts of ``load_corpus("local")``; any
  corpus registered in :data:`ARCHIVES`, with its doc_id rule in :data:`DOC_IDS` if it has its own);
* ``.zip`` archives;
* folders of ``.txt``/``.md`` files (a researcher's own corpus);
* the project's small in-memory corpora (``cited``, ``digest``, ``collection``) or any corpus
  DataFrame, split on the client (they are a few MB).

``doc_id`` follows :func:`analysis.corpus.folders.load_folder` and :func:`analysis.corpus.corpora.national_corpus`
through load_folder's own rule (:func:`analysis.corpus.folders.folder_doc_ids`, applied to the whole corpus): the
member's path without its suffix, or with it where two files differ only by suffix (``a.txt``, ``a.md``), below the
archive's single top folder if it has one
(``lawrefbook-national/行政法/数据安全法(2021-06-10).md`` → ``行政法/数据安全法(2021-06-10)``). Texts are decoded
as :func:`analysis.corpus.folders.load_folder` decodes files (UTF-8, UTF-8 with BOM, else GB18030 with a warning).

Reading cost: a zip member or a file is read directly. A compressed tar has no index, so reading a
partition decompresses the stream up to the partition's last member (``tar.xz``: about 0.3 s for the
whole 8.6 M-character national archive); for collections of tens of GB prefer a folder or a zip, or
split the archive. Every worker must see the source path (a shared file system, or a copy per node).
"""
from __future__ import annotations

import os
import tarfile
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pandas as pd

from ..corpus.corpora import CORPUS_NAMES, NATIONAL_TAR, load_corpus
from ..corpus.folders import folder_doc_ids, folder_documents
from ..corpus.local import local_doc_id
from ..corpus.readers import decode_text, read_document
from ..corpus.table import _rel
from ..paths import RAW_DIR

#: Named corpora stored as archives; a new ``tar.xz`` corpus plugs in with one entry here.
ARCHIVES: dict[str, Path] = {
    "national": NATIONAL_TAR,
    "local": RAW_DIR / "lawrefbook-local.tar.xz",
}
#: Named archives whose doc_ids follow their own loader rather than the member path: member → doc_id, or
#: None for a member that is not a text (read by neither path). ``local``: as :func:`analysis.corpus.local.local_corpus`.
DOC_IDS = {"local": local_doc_id}
SUFFIXES = (".md", ".txt")
#: Default partition size in bytes of UTF-8 text (about 0.7 M Chinese characters).
PARTITION_BYTES = 2_000_000
_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2")


@dataclass(frozen=True)
class Partition:
    """One partition of a corpus: where its documents are and which they are.

    Attributes
    ----------
    source : str
        Archive or folder path, or the corpus name for an in-memory corpus.
    kind : {"tar", "zip", "folder", "frame"}
    number : int
        Position of the partition in the corpus (0-based); partitions are in ``doc_id`` order.
    members : tuple of str
        Member names (archive) or relative paths (folder); for ``frame``, the doc_ids.
    strip : str
        Prefix removed from a member name to give its doc_id (the archive's top folder).
    n_bytes : int
        Uncompressed size of the members.
    docs : tuple of (doc_id, text), optional
        The documents themselves, for ``frame`` partitions only.
    ids : tuple of str, optional
        The members' doc_ids, named over the whole corpus by :func:`list_partitions` (a suffix kept where two
        files of the corpus differ only by suffix); without it, named over this partition's members.
    """

    source: str
    kind: str
    number: int
    members: tuple[str, ...]
    strip: str = ""
    n_bytes: int = 0
    docs: tuple[tuple[str, str], ...] | None = None
    ids: tuple[str, ...] | None = None

    @property
    def name(self) -> str:
        """How errors and progress name the partition: source, number and first/last member."""
        first, last = self.members[0], self.members[-1]
        span = first if first == last else f"{first} … {last}"
        return f"{_rel(self.source) if self.kind != 'frame' else self.source}#{self.number} ({len(self.members)} docs: {span})"

    def doc_ids(self) -> tuple[str, ...]:
        """The doc_id of each member, in member order."""
        if self.kind == "frame":
            return self.members
        if self.ids is not None:
            return self.ids
        return tuple(folder_doc_ids([_strip(m, self.strip) for m in self.members]))


def _strip(member: str, prefix: str) -> str:
    return member[len(prefix):] if prefix and member.startswith(prefix) else member


def _is_tar(path: Path) -> bool:
    return path.name.lower().endswith(_TAR_SUFFIXES)


def _chunk(sizes: list[tuple[str, int]], target: int) -> list[list[tuple[str, int]]]:
    out, cur, cur_bytes = [], [], 0
    for name, size in sizes:
        if cur and cur_bytes + size > target:
            out.append(cur)
            cur, cur_bytes = [], 0
        cur.append((name, size))
        cur_bytes += size
    if cur:
        out.append(cur)
    return out


def _common_top(names: list[str]) -> str:
    tops = {n.split("/", 1)[0] for n in names}
    if len(tops) == 1 and all("/" in n for n in names):
        return tops.pop() + "/"
    return ""


def list_partitions(corpus: str | os.PathLike | pd.DataFrame, *,
                    partition_bytes: int = PARTITION_BYTES, skip_unsupported: bool = False,
                    exclude: Sequence[str] = ()) -> list[Partition]:
    """Split a corpus into partitions of about ``partition_bytes`` bytes of text each.

    Parameters
    ----------
    corpus : str, path-like or DataFrame
        A name in :data:`ARCHIVES` (``"national"``, ``"local"``), a project corpus name
        (``"cited"``, ``"digest"``, ``"collection"``), an archive path (tar/zip), a folder of
        ``.txt``/``.md`` files, or a corpus DataFrame with ``doc_id`` and ``text``.
    partition_bytes : int
        Target uncompressed bytes per partition; a document is never split.
    skip_unsupported : bool
        For a folder: leave out files in formats no reader handles (named in a warning) instead of
        raising :class:`analysis.corpus.readers.UnsupportedFileError`.
    exclude : sequence of str
        For a folder: files (relative POSIX paths) left out — the unreadable files and identical texts
        :func:`check_folder` found.

    Returns
    -------
    list of Partition, in the order of the in-memory loaders (archives: ``doc_id``; folders: file path).

    Raises
    ------
    FileNotFoundError
        For a name whose archive is missing, or a path that does not exist or holds no text file.
    """
    if partition_bytes < 1:
        raise ValueError(f"partition_bytes must be positive, got {partition_bytes}")
    if isinstance(corpus, pd.DataFrame):
        return _frame_partitions(corpus, "<DataFrame>", partition_bytes)
    name = str(corpus)
    naming = ""
    if name in ARCHIVES and not Path(name).exists():
        path = ARCHIVES[name]
        naming = name if name in DOC_IDS else ""
        if not path.is_file():
            raise FileNotFoundError(f"corpus {name!r}: archive {_rel(path)} is not there")
    elif name in CORPUS_NAMES and not Path(name).exists():
        return _frame_partitions(load_corpus(name), name, partition_bytes)
    else:
        path = Path(corpus)
    if not path.exists():
        raise FileNotFoundError(f"{corpus}: no such corpus name, archive or folder")
    if path.is_dir():
        # the same documents load_folder reads (.docx, .pdf, .html too); unsupported files are an error
        files, _, _ = folder_documents(path, skip_unsupported=skip_unsupported)
        drop = set(exclude)
        sizes = [(p.relative_to(path).as_posix(), p.stat().st_size) for p in files
                 if p.relative_to(path).as_posix() not in drop]
        kind, strip = "folder", ""
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            members = [(i.filename, i.file_size) for i in zf.infolist() if not i.is_dir()]
        kind = "zip"
    elif _is_tar(path):
        with tarfile.open(path, "r:*") as tf:
            members = [(m.name, m.size) for m in tf if m.isfile()]
        kind = "tar"
    else:
        raise ValueError(f"{path}: not a folder, a zip or a tar archive")
    if naming:   # the named archive's own loader decides which members are texts (metadata is not read)
        members = [(n, z) for n, z in members if DOC_IDS[naming](n) is not None]
    if kind != "folder":
        sizes = sorted((n, z) for n, z in members if n.lower().endswith(SUFFIXES))
        other = sorted(n for n, _ in members if not n.lower().endswith(SUFFIXES))
        if other:   # named, never skipped silently (e.g. the metadata databases of the LawRefBook packs)
            warnings.warn(f"{_rel(path)}: {len(other)} archive member(s) are not .md/.txt and are not read: "
                          + "; ".join(other[:5]) + ("; …" if len(other) > 5 else ""), stacklevel=2)
        strip = _common_top([n for n, _ in sizes])
    if not sizes:
        raise FileNotFoundError(f"{path}: no .txt or .md files")
    names = [n for n, _ in sizes]
    ids = ({n: DOC_IDS[naming](n) for n in names} if naming
           else dict(zip(names, folder_doc_ids([_strip(n, strip) for n in names]))))
    if kind != "folder":   # archives in doc_id order, as national_corpus; folders by file path, as load_folder
        sizes.sort(key=lambda ns: (ids[ns[0]], ns[0]))
    return [Partition(str(path), kind, i, tuple(n for n, _ in chunk), strip, sum(s for _, s in chunk),
                      ids=tuple(ids[n] for n, _ in chunk))
            for i, chunk in enumerate(_chunk(sizes, partition_bytes))]


def _frame_partitions(df: pd.DataFrame, label: str, partition_bytes: int) -> list[Partition]:
    missing = [c for c in ("doc_id", "text") if c not in df.columns]
    if missing:
        raise KeyError(f"corpus table {label}: column(s) {missing} missing")
    docs = [(str(d), str(t)) for d, t in zip(df["doc_id"], df["text"])]
    sizes = [(d, len(t.encode("utf-8"))) for d, t in docs]
    out, start = [], 0
    for i, chunk in enumerate(_chunk(sizes, partition_bytes)):
        part_docs = tuple(docs[start:start + len(chunk)])
        start += len(chunk)
        out.append(Partition(label, "frame", i, tuple(d for d, _ in chunk), "", sum(s for _, s in chunk), part_docs))
    return out


def check_partition(part: Partition) -> list[tuple[str, str | None, str | None]]:
    """Read every file of a folder partition as :func:`read_partition` would: ``(file, sha256 of the text,
    None)`` for a readable file, ``(file, None, the reader's message)`` for an empty, undecodable, corrupt or
    scanned one — the first pass of a folder run (:func:`analysis.distributed.pipeline.check_folder`), so
    that every bad file is named at once and identical texts are dropped as :func:`load_folder` drops them."""
    from ..corpus.readers import UnreadableFileError, UnsupportedFileError
    from ..corpus.table import _sha

    src = Path(part.source)
    out = []
    for m in part.members:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")   # the loader's warnings are the client's to give
                out.append((m, _sha(read_document(src / m, _rel(src / m)).text), None))
        except (UnreadableFileError, UnsupportedFileError) as err:
            out.append((m, None, str(err)))
    return out


def read_partition(part: Partition) -> pd.DataFrame:
    """Read one partition's documents.

    Returns
    -------
    DataFrame
        Columns ``doc_id``, ``text``, ``source_locator`` (``member …`` or ``file …``), in the
        partition's member order.

    Raises
    ------
    ValueError
        Naming the file: empty, undecodable, or missing from the archive.
    """
    if part.kind == "frame":
        rows = [(d, t, f"row doc_id={d}") for d, t in part.docs]
        return pd.DataFrame(rows, columns=["doc_id", "text", "source_locator"])
    src = Path(part.source)
    raw: dict[str, bytes] = {}
    if part.kind == "folder":
        rows = [(d, read_document(src / m, _rel(src / m)).text, f"file {m}")
                for m, d in zip(part.members, part.doc_ids())]
        return pd.DataFrame(rows, columns=["doc_id", "text", "source_locator"])
    elif part.kind == "zip":
        with zipfile.ZipFile(src) as zf:
            for m in part.members:
                raw[m] = zf.read(m)
    elif part.kind == "tar":
        want = set(part.members)
        with tarfile.open(src, "r:*") as tf:
            for m in tf:
                if m.name in want and m.isfile():
                    raw[m.name] = tf.extractfile(m).read()
                    if len(raw) == len(want):
                        break
    else:
        raise ValueError(f"unknown partition kind {part.kind!r}")
    rows = []
    for m, doc_id in zip(part.members, part.doc_ids()):
        where = f"{_rel(src)}: member {m}" if part.kind != "folder" else _rel(src / m)
        if m not in raw:
            raise ValueError(f"{where}: not found in the archive")
        text, _ = decode_text(raw[m], where)
        rows.append((doc_id, text, f"member {m}" if part.kind != "folder" else f"file {m}"))
    return pd.DataFrame(rows, columns=["doc_id", "text", "source_locator"])
