"""Validation machinery: every kind of bad input gives a clear message naming file, line and column."""
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest

from analysis import __main__ as cli
from analysis import tables
from analysis.schemas import iso_date_check

FIX = Path(__file__).parent / "fixtures" / "tables"

DOCS = pa.DataFrameSchema(
    {
        "doc_id": pa.Column("string", unique=True, description="id"),
        "title": pa.Column("string", description="title"),
        "date_published": pa.Column("string", iso_date_check(), nullable=True, description="date"),
        "n_articles": pa.Column("Int64", pa.Check.ge(1), nullable=True, description="articles"),
    },
    name="docs", strict=True, ordered=True, metadata={"path": "tests/fixtures/tables/good_docs.csv"},
)
REFS = pa.DataFrameSchema(
    {"ref_id": pa.Column("string", unique=True), "doc_id": pa.Column("string")},
    name="refs", strict=True, metadata={"path": "tests/fixtures/tables/good_refs.csv",
                                        "foreign_keys": {"doc_id": "docs.doc_id"}},
)


def problems(name, schema=DOCS):
    frame, found = tables.read_table(FIX / name, schema)
    return frame, [str(p) for p in found]


def test_good_file_loads_with_schema_types():
    frame, found = problems("good_docs.csv")
    assert found == []
    assert str(frame["n_articles"].dtype) == "Int64"
    assert frame["n_articles"].tolist() == [55, 74]


@pytest.mark.parametrize("name, expected", [
    ("missing_column.csv", "missing_column.csv, line 1, column 'date_published': missing column"),
    ("wrong_type.csv", "wrong_type.csv, line 2, column 'n_articles': '五十五' is not an integer"),
    ("duplicate_id.csv", "duplicate_id.csv, line 3, column 'doc_id': duplicate value 'd1'"),
    ("impossible_date.csv", "impossible_date.csv, line 2, column 'date_published': value '2021-02-30' fails check: not a real date"),
    ("gb18030.csv", "gb18030.csv, line 2: not UTF-8"),
    ("truncated.csv", "truncated.csv, line 3: record has 2 fields, the header has 4"),
    ("unclosed_quote.csv", "unclosed_quote.csv, line 2: malformed CSV"),
    ("empty.csv", "empty.csv: file is empty"),
])
def test_each_bad_file_is_named_with_line_and_column(name, expected):
    _, found = problems(name)
    assert any(expected in p for p in found), found
    assert all(p.startswith("tests/fixtures/tables/") for p in found)


def test_gb18030_file_is_identified_as_such():
    _, found = problems("gb18030.csv")
    assert "GB18030" in found[0] and "iconv" in found[0]


def test_all_problems_are_listed_not_just_the_first(tmp_path):
    bad = tmp_path / "many.csv"
    bad.write_text("doc_id,title,date_published,n_articles\nd1,a,2021-13,x\nd1,b,1800,0\n", encoding="utf-8")
    _, found = tables.read_table(bad, DOCS)
    text = "\n".join(map(str, found))
    assert "'x' is not an integer" in text
    assert "'2021-13'" in text and "'1800'" in text  # impossible month; implausible year
    assert "duplicate value 'd1'" in text
    assert "fails check: greater_than_or_equal_to(1)" in text
    assert len(found) >= 5


def _registry(monkeypatch, docs_path, refs_path):
    import copy

    d, r = copy.deepcopy(DOCS), copy.deepcopy(REFS)
    d.metadata = {"path": docs_path}
    r.metadata = {"path": refs_path, "foreign_keys": {"doc_id": "docs.doc_id"}}
    monkeypatch.setattr(tables, "schemas", lambda: {"docs": d, "refs": r})
    monkeypatch.setattr(tables, "check_raw_manifest", lambda: [])


def test_check_command_reports_unknown_reference_and_exits_1(monkeypatch, capsys):
    _registry(monkeypatch, "tests/fixtures/tables/good_docs.csv", "tests/fixtures/tables/unknown_reference.csv")
    code = cli.main(["check"])
    out = capsys.readouterr().out
    assert code == 1
    assert "unknown_reference.csv, line 3, column 'doc_id': 'd9' is not a known docs.doc_id" in out
    assert "Traceback" not in out


def test_check_command_lists_every_problem_of_every_table(monkeypatch, capsys):
    _registry(monkeypatch, "tests/fixtures/tables/wrong_type.csv", "tests/fixtures/tables/truncated.csv")
    code = cli.main(["check"])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL docs" in out and "FAIL refs" in out and "problem(s) found" in out


def test_check_command_passes_on_good_tables(monkeypatch, capsys):
    _registry(monkeypatch, "tests/fixtures/tables/good_docs.csv", "tests/fixtures/tables/good_refs.csv")
    assert cli.main(["check"]) == 0
    out = capsys.readouterr().out
    assert "ok   docs" in out and "2 rows × 4 columns" in out and "all tables valid" in out


def test_load_table_raises_data_error_listing_problems(monkeypatch):
    _registry(monkeypatch, "tests/fixtures/tables/duplicate_id.csv", "tests/fixtures/tables/good_refs.csv")
    with pytest.raises(tables.DataError, match="duplicate value 'd1'"):
        tables.load_table("docs")


def test_write_csv_is_atomic_and_deterministic(tmp_path):
    frame = pd.DataFrame({"a": [1, 2], "b": ["数据", "安全"]})
    p = tables.write_csv(frame, tmp_path / "x.csv")
    first = p.read_bytes()
    tables.write_csv(frame, p)
    assert p.read_bytes() == first == "a,b\n1,数据\n2,安全\n".encode()
    assert [q.name for q in tmp_path.iterdir()] == ["x.csv"]


def test_project_data_is_valid_and_raw_files_untouched():
    """The real data: `python -m analysis check` exits 0 (the CLI, as a user runs it)."""
    run = subprocess.run([sys.executable, "-m", "analysis", "check"], capture_output=True, text=True,
                         cwd=Path(__file__).parents[1])
    assert run.returncode == 0, run.stdout + run.stderr
    assert "all tables valid" in run.stdout


def test_data_dictionary_is_current():
    readme = Path(__file__).parents[1] / "data" / "README.md"
    assert readme.read_text(encoding="utf-8") == tables.data_dictionary(), \
        "data/README.md is out of date: run `python -m analysis docs`"
