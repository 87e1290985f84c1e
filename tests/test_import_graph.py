"""The house's imports run one way. An import circle inside hub/ fails here, whether
its imports sit at the top of a module or inside a function (a local import that dodges a
circle is still one); so does a lower layer that imports a domain above it."""
from __future__ import annotations

import ast
from pathlib import Path

HUB = Path(__file__).resolve().parent.parent / "hub"
# Wings the domains register into: they may not import a domain's models or services.
WINGS = ("hub.notify", "hub.search")
DOMAINS = ("hub.forums", "hub.library", "hub.chat")


def _modules() -> dict[str, Path]:
    found = {}
    for path in HUB.rglob("*.py"):
        parts = path.relative_to(HUB.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("hub"):
                targets = [resolve(f"{node.module}.{alias.name}") for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [resolve(alias.name) for alias in node.names if alias.name.startswith("hub")]
            graph[name].update(t for t in targets if t and t != name and not name.startswith(t + "."))
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_import_graph_has_no_circles():
    assert _circles(_graph()) == []


def test_the_check_finds_a_circle_when_there_is_one():
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# Root modules every domain uses; they import no domain (domains register into them). The
# entry points above everything (create_app, the CLI, `hub serve`, the model registry) may.
ENTRY_POINTS = {"hub", "hub.cli", "hub.server", "hub.models"}
DOMAIN_PACKAGES = ("hub.auth", "hub.people", "hub.spaces", "hub.forums", "hub.library", "hub.chat", "hub.notify",
                   "hub.home", "hub.api", "hub.demo")


def test_root_modules_import_no_domain():
    graph = _graph()
    root = {m for m in graph if m.count(".") == 1 and m not in ENTRY_POINTS and not m.startswith(DOMAIN_PACKAGES)
            and not m.startswith(("hub.policy", "hub.search", "hub.fastpath"))}
    reaching = {(m, t) for m in root for t in graph[m] if t.startswith(DOMAIN_PACKAGES)}
    assert root and reaching == set()


def test_wings_know_domains_only_by_registration():
    graph = _graph()
    reaching = {(m, t) for m, targets in graph.items() if m.startswith(WINGS) for t in targets if t.startswith(DOMAINS)}
    assert reaching == set()


def test_no_test_module_imports_another():
    """Shared helpers live in tests/helpers/ (and fixtures in conftest.py), so a test module can
    be read, moved or run alone."""
    tests = HUB.parent / "tests"
    offenders = []
    for path in tests.rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            offenders += [f"{path.name}: {n}" for n in names if n.startswith("tests.") and n.split(".")[-1].startswith("test_")]
    assert offenders == []
