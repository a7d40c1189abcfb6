"""The README's two commands: `make run` takes a port, and the Makefile finds a usable Python."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")


def make_dry_run(*args) -> str:
    return subprocess.run(  # noqa: S603
        ["make", "-n", *args],  # noqa: S607
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_make_run_serves_on_the_port_given():
    assert "runserver 127.0.0.1:8001" in make_dry_run("run", "PORT=8001")


def test_make_run_serves_on_8000_by_default():
    assert "runserver 127.0.0.1:8000" in make_dry_run("run")


def test_the_python_the_makefile_picks_runs_and_is_supported():
    python = subprocess.run(
        ["make", "-s", "--no-print-directory", "-f", "Makefile", "-f", "-", "print-python"],  # noqa: S607
        input="print-python:\n\t@echo $(PYTHON)\n",
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    version = subprocess.run(  # noqa: S603
        [python, "-c", "import sys; print(sys.version_info[:2] >= (3, 10))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert version == "True", python


def test_make_bench_uses_the_database_and_redis_db_given():
    out = make_dry_run(
        "bench",
        "BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cps_other",
        "BENCH_REDIS_URL=redis://127.0.0.1:6379/3",
    )
    assert "datname = 'cps_other'" in out
    assert "CREATE DATABASE cps_other" in out
    assert (
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/cps_other "
        "REDIS_URL=redis://127.0.0.1:6379/3 "
    ) in out
    assert "cps_bench" not in out
