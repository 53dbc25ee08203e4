"""The pure core stays pure: importing all of it pulls in no Django and nothing outside it."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import assessments.core

CORE_DIR = Path(assessments.core.__file__).parent


def core_module_names() -> list[str]:
    return sorted(f"assessments.core.{info.name}" for info in pkgutil.iter_modules([str(CORE_DIR)]))


def test_the_core_holds_the_scoring_modules() -> None:
    names = {name.rsplit(".", 1)[1] for name in core_module_names()}
    assert {"specs", "answers", "prevalence", "scoring", "recommendations"} <= names


def test_importing_the_whole_core_imports_no_django() -> None:
    imports = "\n".join(f"import {name}" for name in core_module_names())
    code = (
        "import sys\n"
        f"{imports}\n"
        "found = sorted(m for m in sys.modules if m.split('.')[0] == 'django')\n"
        "assert not found, f'django imported: {found}'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_core_imports_nothing_from_the_rest_of_the_project() -> None:
    outside = []
    for path in sorted(CORE_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            outside += [
                f"{path.name}: {m}"
                for m in modules
                if m.split(".")[0] in {"assessments", "api", "readiness"}
                and not m.startswith("assessments.core")
            ]
    assert outside == []
