"""The bench's own instruments: the CPU a process used, read from /proc."""

import os
import sys
import time

import pytest

from benchmarks import run

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def test_cpu_of_counts_this_process_work():
    before = run.cpu_of(os.getpid())
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:
        pass
    used = run.cpu_of(os.getpid()) - before
    assert 0.2 <= used <= 1.0


def test_cpu_of_a_process_that_is_gone_is_zero():
    assert run.cpu_of(2**22 + 12345) == 0.0


def test_each_server_gets_its_own_free_port():
    ports = {port for _, port in run.SERVERS.values()}
    assert len(ports) == 2
    assert all(1024 < port < 65536 for port in ports)


@pytest.mark.django_db
def test_the_dated_clients_values_hold_when_the_bench_runs(organization):
    """The bench's client with dated values has one in force, one to come and one ended."""
    from benchmarks import dataset
    from portal_settings.levels import Access
    from portal_settings.resolver import clients_with_settings, effective_settings_for_client

    client = dataset._dated_client(organization)
    effective = effective_settings_for_client(client=clients_with_settings().get(pk=client.pk))
    assert effective["billing"].access is Access.VIEW and effective["billing"].dated
    assert effective["packages"].access is Access.OFF and effective["packages"].dated  # group's
    assert effective["goals"].access is Access.FULL and effective["goals"].upcoming is not None
    assert effective["journal"].access is Access.FULL  # ended: the plain value again


def test_the_bench_can_measure_another_session_engine(monkeypatch):
    """BENCH_SESSION_ENGINE swaps the app's session engine for a bench run only."""
    import importlib

    import benchmarks.settings as bench_settings

    engine = "django.contrib.sessions.backends.cached_db"
    monkeypatch.setenv("BENCH_SESSION_ENGINE", engine)
    swapped = importlib.reload(bench_settings).SESSION_ENGINE
    monkeypatch.delenv("BENCH_SESSION_ENGINE")
    default = importlib.reload(bench_settings).SESSION_ENGINE
    assert (swapped, default) == (engine, "django.contrib.sessions.backends.db")


class _Built(Exception):
    """Stands for the data set's build: the tools under test stop there."""


@pytest.mark.parametrize("tool", ["benchmarks.profile_pages", "benchmarks.cpu_split"])
def test_the_profiling_tools_prepare_a_fresh_database_before_building(monkeypatch, tool):
    """`make profile` on a new machine: the bench database is empty and has no static manifest."""
    import importlib

    from benchmarks import dataset

    steps = []
    monkeypatch.setattr(run, "setup_django", lambda: None)
    monkeypatch.setattr(run, "manage", lambda *args: steps.append(args[0]))

    def build():
        steps.append("build")
        raise _Built

    monkeypatch.setattr(dataset, "build", build)
    with pytest.raises(_Built):
        importlib.import_module(tool).main()
    assert steps == ["migrate", "collectstatic", "build"]
