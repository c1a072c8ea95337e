"""What the README says is true: its own-corpus example runs, and CI runs the README's test command."""
import re
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(after_heading: str) -> str:
    section = README.split(after_heading, 1)[1]
    return re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)


def test_own_corpus_example_runs_on_the_example_folder():
    code = _block("## Run the pipeline on your own policy documents")
    code = code.replace("path/to/my-folder", str(ROOT / "data" / "examples" / "my-corpus"))
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnicodeWarning)  # the example folder holds a GB18030 file on purpose
        exec(compile(code, "README.md", "exec"), namespace)
    corpus, clauses = namespace["corpus"], namespace["clauses"]
    assert len(corpus) == 6 and set(corpus["format"]) == {"text", "docx", "pdf", "html"}
    assert {"utf-8", "utf-8-sig", "gb18030"} <= set(corpus["encoding"])
    assert len(clauses) > 0 and (clauses["doc_id"].isin(corpus["doc_id"])).all()
    assert len(namespace["top"]) > 0


def test_start_here_example_runs():
    namespace: dict = {}
    exec(compile(_block("## Start here"), "README.md", "exec"), namespace)
    assert len(namespace["indicators"]) >= 90 and len(namespace["documents"]) >= 80


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in README.split("\n## ", 1)[0], "the README's first screen gives `make test`"
    assert re.search(r"^make test$", ci, flags=re.M)
    # what `make test` leaves out (the marker `rebuild`), CI runs after it
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r'^\t.*pytest .*-m "not rebuild" tests notebooks$', make, flags=re.M)
    assert re.search(r"^\t.*pytest .*-m rebuild tests$", make, flags=re.M)
    assert re.search(r"^make test-rebuild$", ci, flags=re.M)


def test_readme_lists_every_table_and_notebook():
    from analysis.reproduce import notebooks
    from analysis.tables import schemas, table_path

    for name in schemas():
        assert f"[`{name}`]({table_path(name).relative_to(ROOT).as_posix()})" in README, name
    for nb in notebooks():
        assert f"notebooks/{nb.name}" in README, nb.name
