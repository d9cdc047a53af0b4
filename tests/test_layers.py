"""The architecture as a test: layers import only downwards, no import cycles, no private names
borrowed from another module, and Streamlit/SQL only where they belong.

Layers, top to bottom (a module may import its own layer and the ones below):

    views → ui → configuration → reports → metrics → data_access

Entry points (`app.py`, the server `serve.py` and every `__main__.py`) sit above all layers: they
wire the rest together and nothing imports them. Every import counts, also one inside a function or
under TYPE_CHECKING: a late import is still a dependency.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("data_access", "metrics", "reports", "configuration", "ui", "views")
ENTRY = len(LAYERS)  # rank of app.py, serve.py and the __main__ modules
ENTRY_FILES = ("app", "serve")  # the top-level entry points: the router, and the server that serves it
NO_STREAMLIT = ("data_access", "metrics", "reports", "configuration")  # usable from the command line
NO_SQL = ("views", "ui")  # pages and their helpers ask the metrics layer, never the database


@dataclass(frozen=True)
class Import:
    importer: str
    target: str          # the project module imported
    names: tuple[str, ...]  # names taken from it (from-imports), or attributes read from its alias
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def project_files() -> dict[str, Path]:
    files = {name: ROOT / f"{name}.py" for name in ENTRY_FILES}
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            files[module_name(path)] = path
    return files


FILES = project_files()


def rank(module: str) -> int:
    if module in ENTRY_FILES or module.endswith(".__main__") or module == "__main__":
        return ENTRY
    return LAYERS.index(module.split(".")[0])


def _resolve(name: str) -> str | None:
    """The project module an absolute dotted name refers to (its longest module prefix)."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        candidate = ".".join(parts[:i])
        if candidate in FILES:
            return candidate
    return None


def _package_of(module: str) -> str:
    return module if FILES[module].name == "__init__.py" else module.rpartition(".")[0]


def imports_of(module: str) -> tuple[list[Import], set[str]]:
    """Project imports of a module, and the external top-level packages it imports."""
    tree = ast.parse(FILES[module].read_text(encoding="utf-8"))
    found, external, aliases = [], set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _resolve(alias.name)
                if target is None:
                    external.add(alias.name.split(".")[0])
                    continue
                found.append(Import(module, target, (), node.lineno))
                aliases[alias.asname or alias.name] = target
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import: resolve against this module's package
                pkg = _package_of(module).split(".")
                base = ".".join(pkg[:len(pkg) - node.level + 1] + ([node.module] if node.module else []))
            if _resolve(base) is None and not node.level:
                external.add(base.split(".")[0])
                continue
            for alias in node.names:
                sub = _resolve(f"{base}.{alias.name}")
                if sub is not None and sub != _resolve(base):  # `from pkg import module`
                    found.append(Import(module, sub, (), node.lineno))
                    aliases[alias.asname or alias.name] = sub
                else:
                    found.append(Import(module, _resolve(base), (alias.name,), node.lineno))
    for node in ast.walk(tree):  # module._private read through an imported module's alias
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            found.append(Import(module, aliases[node.value.id], (node.attr,), node.lineno))
    return found, external


GRAPH = {m: imports_of(m) for m in FILES}


def where(i: Import) -> str:
    return f"{FILES[i.importer].relative_to(ROOT)}:{i.line} imports {i.target}"


def test_every_project_module_is_in_a_layer():
    stray = [p.name for p in ROOT.glob("*.py") if p.stem not in ENTRY_FILES]
    stray += [d.name for d in ROOT.iterdir() if d.is_dir() and (d / "__init__.py").exists()
              and d.name not in LAYERS + ("tests", "benchmarks", "scripts")]
    assert not stray, f"modules outside the layers {LAYERS}: {stray}"


def test_imports_only_go_down():
    wrong = [where(i) + f" ({LAYERS[rank(i.importer)] if rank(i.importer) < ENTRY else 'entry point'} → "
             f"{LAYERS[rank(i.target)] if rank(i.target) < ENTRY else 'entry point'})"
             for found, _ in GRAPH.values() for i in found if rank(i.target) > rank(i.importer)
             or (rank(i.target) == ENTRY and i.target != i.importer)]
    assert not wrong, "imports from a higher layer:\n" + "\n".join(wrong)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def _is_parent_package(importer: str, target: str) -> bool:
    """A submodule importing its own package's __init__ (and the package re-exporting it) is one unit."""
    return importer.startswith(target + ".") or target.startswith(importer + ".")


def test_no_import_cycles_between_modules():
    edges = {m: {i.target for i in found if i.target != m and not _is_parent_package(m, i.target)}
             for m, (found, _) in GRAPH.items()}
    assert not _cycles(edges), f"import cycles: {_cycles(edges)}"


def test_no_import_cycles_between_packages():
    pkg = lambda m: m.split(".")[0] if rank(m) < ENTRY else "entry"  # noqa: E731
    edges: dict[str, set[str]] = {}
    for m, (found, _) in GRAPH.items():
        edges.setdefault(pkg(m), set()).update(pkg(i.target) for i in found if pkg(i.target) != pkg(m))
    assert not _cycles(edges), f"package cycles: {_cycles(edges)}"


def test_no_private_names_across_modules():
    wrong = [where(i) + f": {n}" for found, _ in GRAPH.values() for i in found
             for n in i.names if n.startswith("_") and not n.startswith("__") and i.target != i.importer]
    assert not wrong, "private names used outside their module:\n" + "\n".join(wrong)


@pytest.mark.parametrize("layer", NO_STREAMLIT)
def test_no_streamlit_below_the_ui(layer):
    wrong = [m for m, (_, ext) in GRAPH.items() if m.startswith(layer) and "streamlit" in ext]
    assert not wrong, f"{layer} must run without Streamlit (command line, reports): {wrong}"


@pytest.mark.parametrize("layer", NO_SQL)
def test_no_sql_in_pages(layer):
    wrong = [m for m, (found, ext) in GRAPH.items() if m.startswith(layer)
             and ({"sqlalchemy", "duckdb", "psycopg", "pymysql"} & ext or any(i.target == "data_access.db" and i.names
                                                                               not in ((), ("Database",)) for i in found))]
    assert not wrong, f"{layer} must not build SQL: {wrong}"


def test_the_checker_sees_a_violation(tmp_path):
    """The rules above are only worth something if they can fail: a synthetic upward import is caught."""
    fake = Import("data_access.db", "ui.context", (), 1)
    assert rank(fake.target) > rank(fake.importer)
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]
