"""The apps import one way: archive is the ground; search, contributions and home stand on it.

Read from the source with ast, so an import inside a function counts as much as one at the top.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("archive", "search", "contributions", "home")
# What each app may import of the others.
ALLOWED = {
    "archive": set(),
    "search": {"archive"},
    "contributions": {"archive"},
    "home": {"archive"},
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def app_of(module: str) -> str | None:
    top = module.split(".")[0]
    return top if top in APPS else None


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_only_the_apps_below_it(app):
    wrong = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for line, module in imported_modules(path):
            other = app_of(module)
            if other and other != app and other not in ALLOWED[app]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert wrong == []


def test_the_archive_models_import_nothing_that_imports_them():
    """The models are the ground of the ground: none of their imports may lead back to them."""
    package = ROOT / "archive" / "models"
    outside = {
        module
        for path in package.glob("*.py")
        for _line, module in imported_modules(path)
        if module.startswith("archive.") and not module.startswith("archive.models")
    }
    leads_back = []
    for module in sorted(outside):
        path = ROOT / Path(*module.split(".")).with_suffix(".py")
        for line, imported in imported_modules(path):
            if imported == "archive.models" or imported.startswith("archive.models."):
                leads_back.append(f"{module}:{line} imports {imported}")
    assert outside, "the models import some archive modules (blocks, text, ...): the check has something to read"
    assert leads_back == []
