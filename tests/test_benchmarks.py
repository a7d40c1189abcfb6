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
