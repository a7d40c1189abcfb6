"""The project runs on Python 3.10 to 3.13 (pyproject's requires-python): names added to the
standard library after 3.10 must not be used. ruff's target-version does not catch these."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["audit", "clients", "config", "portal", "portal_settings", "benchmarks", "tests"]
# datetime.UTC (3.11), enum.StrEnum (3.11), tomllib (3.11), typing.Self (3.11).
NEWER = re.compile(
    r"from datetime import [^\n]*\bUTC\b|\bdatetime\.UTC\b|\bStrEnum\b|^import tomllib"
    r"|from typing import [^\n]*\bSelf\b",
    re.MULTILINE,
)


def test_no_standard_library_name_newer_than_python_3_10():
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.name != "test_python_versions.py"
        for match in NEWER.finditer(path.read_text())
    ]
    assert offenders == []
