"""The core stays platform-neutral: nothing in bot/ imports discord or telegram."""

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
FORBIDDEN = {"discord", "telegram", "adapters"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_core_imports_no_platform_library():
    files = list(BOT.rglob("*.py"))
    assert len(files) > 10
    offenders = {str(p.relative_to(BOT)): sorted(_imports(p) & FORBIDDEN) for p in files if _imports(p) & FORBIDDEN}
    assert offenders == {}


def test_the_check_itself_catches_an_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from discord.ext import commands\nimport telegram.ext\n")
    assert _imports(bad) & FORBIDDEN == {"discord", "telegram"}
