"""The apps import one way: archive is the ground; search, contributions and home stand on it.

Read from the source with ast, so an import inside a function counts as much as one at the top.
"""

import ast
import sys
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


def module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module the file imports, by its absolute name (`from ..listing import x` included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_of(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found.append((node.lineno, module))
            # `from . import listing` imports a module, not a name of the package.
            found += [
                (node.lineno, f"{module}.{alias.name}") for alias in node.names if source_of(f"{module}.{alias.name}")
            ]
    return found


def source_of(module: str) -> Path | None:
    path = ROOT / Path(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


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
    """The models are the ground of the ground: nothing they import, however far, leads back to them."""
    package = ROOT / "archive" / "models"

    def inside(module):
        return module == "archive.models" or module.startswith("archive.models.")

    # Every archive module the models reach, followed import by import, with the chain that got there.
    chains = {}
    pending = [
        (module, [f"{path.relative_to(ROOT)}:{line}"])
        for path in sorted(package.glob("*.py"))
        for line, module in imported_modules(path)
        if module.startswith("archive.") and not inside(module)
    ]
    leads_back = []
    while pending:
        module, chain = pending.pop()
        path = source_of(module)
        if module in chains or path is None:
            continue
        chains[module] = chain
        for line, imported in imported_modules(path):
            step = [*chain, f"{module}:{line}"]
            if inside(imported):
                leads_back.append(" -> ".join([*step, imported]))
            elif imported.startswith("archive."):
                pending.append((imported, step))
    assert chains, "the models import some archive modules (blocks, text, ...): the check has something to read"
    assert leads_back == []


def test_a_relative_import_back_into_the_models_is_seen(tmp_path, monkeypatch):
    """The check reads `from ..models import x` as archive.models, not as nothing."""
    relative = tmp_path / "archive" / "sample.py"
    relative.parent.mkdir()
    relative.write_text("from .models import EntryPage\nfrom . import listing\n")
    (tmp_path / "archive" / "listing.py").write_text("")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert [name for _line, name in imported_modules(relative)] == ["archive.models", "archive", "archive.listing"]
