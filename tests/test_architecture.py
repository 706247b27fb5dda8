"""The layering the README's architecture section describes is the code's: every import in
``trygg/`` (at module level, inside functions and under ``TYPE_CHECKING`` alike) points down the
layers, and no modules import each other in a circle.

The layers, lowest first. A module may import its own app and the apps of lower layers; apps
in one layer do not import each other. ``lib`` imports nothing of Trygg's.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "trygg"
LAYERS: list[set[str]] = [
    {"lib"},
    {"places"},
    {"accounts"},
    {"incidents"},
    {"statistics"},
    {"analysis", "collaboration"},
    {"reports"},
    {"plans"},
    {"compliance"},
    {"front", "api", "demo"},
    # The project's own modules: settings, the URL map, the console script, WSGI/ASGI.
    {"project"},
]
LAYER_OF = {app: number for number, apps in enumerate(LAYERS) for app in apps}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts
    }


def _imports(path: Path, name: str, known: set[str]) -> list[tuple[int, str]]:
    """(line, module) for every import of a Trygg module in the file, at any depth."""
    is_package = path.name == "__init__.py"
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:
                # "from trygg.x import y" imports the module trygg.x.y when there is one.
                sub = f"{module}.{alias.name}"
                found.append((node.lineno, sub if sub in known else module))
    return [(line, module) for line, module in found if module.split(".")[0] == "trygg"]


def _app(module: str) -> str:
    """The app a module belongs to; "project" for the modules directly in ``trygg/``."""
    parts = module.split(".")
    if len(parts) == 1 or not (PACKAGE / parts[1]).is_dir():
        return "project"
    return parts[1]


def _graph() -> dict[str, list[tuple[int, str]]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, name, known) for name, path in modules.items()}


def test_every_app_has_a_layer():
    apps = {_app(name) for name in _modules()}
    assert apps - set(LAYER_OF) == set(), "add the new app to LAYERS (and the README)"


def test_imports_point_down_the_layers():
    wrong = []
    for module, imports in sorted(_graph().items()):
        source = _app(module)
        for line, target in imports:
            target_app = _app(target)
            if target_app == source:
                continue
            if LAYER_OF[target_app] >= LAYER_OF[source]:
                wrong.append(f"{module}:{line} imports {target}")
    assert wrong == []


def test_no_modules_import_each_other_in_a_circle():
    graph = {module: {target for _line, target in imports} for module, imports in _graph().items()}
    cycles = [sorted(component) for component in _strongly_connected(graph) if len(component) > 1]
    assert cycles == []


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iteratively (the module graph is deep)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[set[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
    return components


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}}, [{"a", "b"}]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [{"a", "b", "c"}]),
    ],
)
def test_the_cycle_finder_finds_cycles(graph, expected):
    found = [c for c in _strongly_connected(graph) if len(c) > 1]
    assert found == expected


def test_the_import_reader_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from trygg.plans import models\n", encoding="utf-8")
    assert _imports(source, "trygg.reports.m", {"trygg.plans.models"}) == [
        (2, "trygg.plans.models")
    ]
