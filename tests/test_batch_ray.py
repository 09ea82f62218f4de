"""--runner ray on a local Ray cluster that the test starts (`ray start --head`) and stops.

Opt in (about 20 s): PLANSUM_RUN_RAY=1 or PLANSUM_RUN_SLOW=1, with the ray extra installed."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import CORPUS, ROOT
from plansum.batch.run import run_batch
from plansum.cli import app
from test_batch import _table

RUN = os.environ.get("PLANSUM_RUN_RAY") == "1" or os.environ.get("PLANSUM_RUN_SLOW") == "1"
pytestmark = [
    pytest.mark.ray,
    pytest.mark.slow,
    pytest.mark.skipif(not RUN, reason="starts a Ray cluster; set PLANSUM_RUN_RAY=1"),
    pytest.mark.timeout(300),
]


LOCAL_ONLY = {
    "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
    "RAY_AUTH_MODE": "disabled",
    "RAY_USAGE_STATS_ENABLED": "0",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def ray_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # A test cluster stays on the loopback interface and needs no token (before ray's import).
    saved = {k: os.environ.get(k) for k in LOCAL_ONLY}
    os.environ.update(LOCAL_ONLY)
    pytest.importorskip("ray")
    ray_bin = Path(sys.executable).with_name("ray")
    if not ray_bin.exists():
        ray_bin = Path(shutil.which("ray") or "ray")
    port = _free_port()
    # Ray's session files (and its note of the current cluster) in a short directory of ours.
    temp_dir = tempfile.mkdtemp(prefix="plansum-ray-")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    log = (tmp_path_factory.mktemp("ray") / "ray.log").open("w")
    proc = subprocess.Popen(
        [
            str(ray_bin), "start", "--head", "--block", f"--port={port}",
            "--node-ip-address=127.0.0.1", "--num-cpus=2", "--include-dashboard=false",
            "--disable-usage-stats", f"--temp-dir={temp_dir}",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped below by that id alone
    )
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"ray start exited with {proc.returncode}; see {log.name}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        else:
            pytest.fail("Ray did not start within 90 s")
        yield address
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=8)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()
        shutil.rmtree(temp_dir, ignore_errors=True)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_ray_engine_gives_the_rows_of_the_local_engine(ray_address: str, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for p in CORPUS.glob("*.txt"):
        shutil.copy(p, src / p.name)
    (src / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    res = CliRunner().invoke(
        app,
        ["batch", str(src), "-o", str(tmp_path / "ray"), "--runner", "ray", "--address", ray_address,
         "--offline", "--no-progress", "--no-parquet"],
    )
    assert res.exit_code == 0, res.output
    assert "failed: scan.txt [input]" in res.stderr
    run_batch(src, tmp_path / "local", runner="inline", parquet=False)
    for table in ("documents", "headings", "indicators", "goals", "projects"):
        assert _table(tmp_path / "ray" / "plansum.sqlite", table) == _table(
            tmp_path / "local" / "plansum.sqlite", table
        ), table
    # Resume works the same: a second Ray run skips everything that is done.
    again = run_batch(src, tmp_path / "ray", runner="ray", address=ray_address, parquet=False)
    assert again.done == 0 and again.skipped == len(list(CORPUS.glob("*.txt")))
