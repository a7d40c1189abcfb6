"""Imports only go down: audit < clients < portal_settings < portal (shared/ARCHITECTURE.md).

Every module of the four apps is read, and every import in it, at any depth (inside functions
too), is checked against the layers. A lower app that needs something of a higher one is given
it by the higher one (a template tag, an admin registration, a registry hook).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["audit", "clients", "portal_settings", "portal"]


def imported_modules(tree: ast.AST, package: str):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's own package
                base = package.split(".")[: len(package.split(".")) - node.level]
                yield node.lineno, ".".join([*base, node.module or ""]).rstrip(".")
            elif node.module:
                yield node.lineno, node.module


def upward_imports():
    found = []
    for layer, app in enumerate(LAYERS):
        for path in (ROOT / app).rglob("*.py"):
            package = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for line, module in imported_modules(ast.parse(path.read_text()), package):
                top = module.split(".")[0]
                if top in LAYERS and LAYERS.index(top) > layer:
                    found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


def test_no_module_imports_from_a_higher_layer():
    assert upward_imports() == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from portal.billing.models import Invoice", True),
        ("def f():\n    import portal_settings.resolver", True),
        ("from audit.models import AuditEntry", False),
    ],
)
def test_the_walk_sees_imports_at_any_depth(source, expected):
    modules = [m for _, m in imported_modules(ast.parse(source), "clients.views")]
    assert any(m.split(".")[0] in ("portal", "portal_settings") for m in modules) is expected
