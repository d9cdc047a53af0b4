"""The documentation in docs/ follows the code: every declared metric, every safety-index indicator
and grade of config.toml and every page of app.py is described there; its links lead somewhere; and
the repository depends on no document outside itself."""
import ast
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from metrics.definitions import METRICS
from metrics.safety_index import SafetyModel
from metrics.workers import COMPONENTS, GRADES

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TEXT_SUFFIXES = (".md", ".py", ".toml", ".sh")
# Written in two parts so that this file does not contain what it looks for.
OUTSIDE = ("../" + "shared", "SPEC" + ".md", "SPEC" + " §", "shared/" + "tools")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _pages() -> dict:
    """PAGES of app.py, read from its source (importing app.py would run the dashboard)."""
    tree = ast.parse(_read(ROOT / "app.py"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PAGES" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError("app.py has no PAGES")


def _model() -> SafetyModel:
    raw = tomllib.loads(_read(ROOT / "config.toml"))
    return SafetyModel.from_config(raw.get("safety_index"))


@pytest.mark.parametrize("name", METRICS)
def test_every_metric_is_described(name):
    assert METRICS[name].label in _read(DOCS / "metrics.md"), f"docs/metrics.md lacks {METRICS[name].label} ({name})"


def test_the_worker_score_is_described():
    text = _read(DOCS / "metrics.md")
    missing = [k for k in COMPONENTS if f"`{k}`" not in text] + [g for _, g in GRADES if f"{g} " not in text]
    assert not missing, f"docs/metrics.md lacks the worker-score parts {missing}"


def test_every_indicator_and_grade_of_the_configured_model_is_described():
    text = _read(DOCS / "safety-index.md")
    model = _model()
    missing = [i.key for i in model.indicators if f"`{i.key}`" not in text]
    missing += [i.name for i in model.indicators if i.name not in text]
    missing += [g.name for g in model.grades if g.name not in text]
    assert not missing, f"docs/safety-index.md lacks {missing}"


def test_every_page_is_described():
    text = _read(DOCS / "pages.md")
    missing = [title for _file, title, _icon, _path in _pages().values() if title not in text]
    assert not missing, f"docs/pages.md lacks the pages {missing}"


def _tracked_text_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        names = [n for n in out.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: every file but the ignored kinds
        skip = {".git", ".venv", "data", "artifacts", "__pycache__", ".pytest_cache"}
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                 if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]
    files = [ROOT / n for n in names if n.endswith(TEXT_SUFFIXES) or Path(n).name == "Makefile"]
    assert files, "no tracked text file found"
    return [f for f in files if f.exists()]


def test_no_file_depends_on_a_document_outside_the_repository():
    found = []
    for path in _tracked_text_files():
        for number, line in enumerate(_read(path).splitlines(), 1):
            found += [f"{path.relative_to(ROOT)}:{number}: {word}" for word in OUTSIDE if word in line]
    assert not found, "references to documents a clone does not have:\n" + "\n".join(found)


def _anchors(text: str) -> set[str]:
    """The anchors of a Markdown file's headings, as GitHub makes them."""
    out = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *$", text, flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        out.add(slug)
    return out


@pytest.mark.parametrize("doc", ["README.md", *sorted(str(p.relative_to(ROOT)) for p in DOCS.glob("*.md"))])
def test_links_between_the_documents_lead_somewhere(doc):
    path = ROOT / doc
    text = re.sub(r"```.*?```", "", _read(path), flags=re.S)  # code blocks hold no links
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+://", target):
            continue
        file, _, anchor = target.partition("#")
        dest = (path.parent / file).resolve() if file else path
        if not dest.exists():
            broken.append(target)
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(_read(dest)):
            broken.append(target)
    assert not broken, f"{doc}: links to nothing: {broken}"
