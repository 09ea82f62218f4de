"""What a Ray task carries (issue 22: Ray workers that do not hold a copy of everything).

A stand-in `ray` module records every task that `run_ray` submits and runs it here, so the
test needs no Ray: on a Ray of the run's own (no address) a task carries the job's names and
path and a reference to the options, and the worker reads the file; on a cluster (an
address) the document's bytes travel with the task, since the nodes need not see the files.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest

from plansum.batch.run import Job, RunOptions, run_ray


class _FakeRay(types.ModuleType):
    def __init__(self) -> None:
        super().__init__("ray")
        self.sent: list[tuple[Any, ...]] = []
        self.put_objects: list[Any] = []
        self.exceptions = types.SimpleNamespace(RayError=RuntimeError)

    def is_initialized(self) -> bool:
        return True  # as if the caller had started Ray: run_ray neither starts nor stops it

    def put(self, obj: Any) -> str:
        self.put_objects.append(obj)
        return f"ref:{len(self.put_objects) - 1}"

    def cluster_resources(self) -> dict[str, float]:
        return {"CPU": 2.0}

    def remote(self, **_: Any) -> Any:
        fake = self

        def wrap(fn: Any) -> Any:
            class Remote:
                @staticmethod
                def remote(*args: Any) -> tuple[Any, ...]:
                    fake.sent.append(args)
                    return (fn, args)

            return Remote

        return wrap

    def wait(self, refs: list[Any], num_returns: int = 1) -> tuple[list[Any], list[Any]]:
        return refs[:num_returns], refs[num_returns:]

    def get(self, ref: Any) -> Any:
        fn, args = ref
        job, opts_ref = args
        return fn(job, self.put_objects[int(opts_ref.split(":")[1])])

    def cancel(self, ref: Any, force: bool = False) -> None:
        pass

    def shutdown(self) -> None:
        pass


@pytest.fixture
def fake_ray(monkeypatch: pytest.MonkeyPatch) -> _FakeRay:
    fake = _FakeRay()
    monkeypatch.setitem(sys.modules, "ray", fake)
    return fake


def _jobs(tmp_path: Path) -> list[Job]:
    texts = ["一、总体目标\n地区生产总值增长6%左右。\n", "二、主要任务\n城镇新增就业1.2万人。\n"]
    jobs = []
    for i, text in enumerate(texts):
        p = tmp_path / f"d{i}.txt"
        p.write_text(text, encoding="utf-8")
        jobs.append(Job(f"d{i}", p.name, str(p)))
    return jobs


def test_a_local_ray_task_carries_the_path_not_the_bytes(fake_ray: _FakeRay, tmp_path: Path) -> None:
    results = list(run_ray(_jobs(tmp_path), RunOptions(engine="rules"), address=None, workers=2))
    assert [r.ok for r in results] == [True, True]
    assert len(fake_ray.sent) == 2 and len(fake_ray.put_objects) == 1  # the options once
    for job, opts_ref in fake_ray.sent:
        assert job.data is None and Path(job.path).is_file()
        assert isinstance(opts_ref, str)  # a reference, not the options themselves


def test_a_cluster_task_carries_the_bytes(fake_ray: _FakeRay, tmp_path: Path) -> None:
    jobs = _jobs(tmp_path)
    results = list(run_ray(jobs, RunOptions(engine="rules"), address="127.0.0.1:1", workers=2))
    assert [r.ok for r in results] == [True, True]
    assert [job.data for job, _ in fake_ray.sent] == [Path(j.path).read_bytes() for j in jobs]
