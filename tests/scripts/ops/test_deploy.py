"""deploy.py: the planner and the orchestrator without the CLI; the Automation API layer with the real CLI."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

import pytest

from scripts.ops import deploy
from scripts.ops.deploy import DeploymentPlan, PlanError, StackTask, plan_deployment, run_plan

ENVS = {"dev": "dev", "staging": "staging", "prod": "prod", "dev-eu": "dev"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project tree with four stacks, their policy configs and one policy pack."""
    (tmp_path / "stacks").mkdir()
    for stack, env in ENVS.items():
        (tmp_path / "stacks" / f"Pulumi.{stack}.yaml").write_text(
            f"config:\n  hybrid-burst:environment: {env}\n"
        )
        (tmp_path / "stacks" / f"policy-config.{stack}.json").write_text('{"all": "mandatory"}')
    (tmp_path / "policies" / "guardrails").mkdir(parents=True)
    (tmp_path / "policies" / "guardrails" / "PulumiPolicy.yaml").write_text("runtime: python\n")
    return tmp_path


def test_preview_is_one_parallel_wave_with_each_stacks_policy_config(project: Path) -> None:
    plan = plan_deployment("preview", root=project, parallel=3)
    assert len(plan.waves) == 1
    assert {t.stack for t in plan.waves[0]} == set(ENVS)
    for task in plan.waves[0]:
        assert task.policy_packs == (project / "policies" / "guardrails",)
        assert task.policy_pack_configs == (project / "stacks" / f"policy-config.{task.stack}.json",)


def test_up_follows_promotion_order_one_environment_per_wave(project: Path) -> None:
    plan = plan_deployment("up", ["prod", "staging", "dev-eu", "dev"], root=project)
    assert [sorted(t.stack for t in wave) for wave in plan.waves] == [["dev", "dev-eu"], ["staging"], ["prod"]]
    assert "wave 3: prod [prod]" in plan.describe()


@pytest.mark.parametrize(
    ("stacks", "remove", "message"),
    [
        (["qa"], None, "unknown stack 'qa'"),
        (["dev", "dev"], None, "listed twice"),
        (["staging"], "stacks/policy-config.staging.json", "no policy pack config"),
    ],
)
def test_bad_requests_are_refused_with_the_reason(
    project: Path, stacks: list[str], remove: str | None, message: str
) -> None:
    if remove:
        (project / remove).unlink()
    with pytest.raises(PlanError, match=message):
        plan_deployment("up", stacks, root=project)


def _plan(project: Path, action: deploy.Action = "up", *, fail_fast: bool = True, parallel: int = 2) -> DeploymentPlan:
    return plan_deployment(action, root=project, fail_fast=fail_fast, parallel=parallel)


def test_a_failed_wave_skips_the_later_waves(project: Path) -> None:
    ran: list[str] = []

    def execute(task: StackTask) -> Mapping[str, int]:
        ran.append(task.stack)
        if task.stack == "staging":
            raise RuntimeError("policy violations")
        return {"same": 10}

    summary = run_plan(_plan(project), execute)
    status = {r.stack: r.status for r in summary.results}
    assert status == {"dev": "succeeded", "dev-eu": "succeeded", "staging": "failed", "prod": "skipped"}
    assert "prod" not in ran
    assert summary.exit_code == 1
    assert "RuntimeError: policy violations" in summary.describe()


def test_fail_fast_cancels_the_rest_of_the_wave_and_continue_runs_it(project: Path) -> None:
    def execute(task: StackTask) -> Mapping[str, int]:
        if task.stack == "dev":
            raise RuntimeError("boom")
        return {"update": 1}

    fast = run_plan(_plan(project, "preview", parallel=1), execute)
    assert [r.status for r in fast.results if r.stack != "dev"] == ["skipped"] * 3
    slow = run_plan(_plan(project, "preview", fail_fast=False, parallel=1), execute)
    assert sorted(r.status for r in slow.results) == ["failed", "succeeded", "succeeded", "succeeded"]


def test_parallelism_is_bounded(project: Path) -> None:
    lock = threading.Lock()
    running = peak = 0

    def execute(task: StackTask) -> Mapping[str, int]:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return {}

    summary = run_plan(_plan(project, "preview", parallel=2), execute)
    assert summary.ok
    assert peak == 2


def test_plan_only_cli_prints_the_plan_without_the_pulumi_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert deploy.main(["preview", "--plan-only", "--stacks", "dev"]) == 0
    assert "wave 1: dev [dev]" in capsys.readouterr().out


@pytest.mark.cli
@pytest.mark.skipif(shutil.which("pulumi") is None, reason="needs the Pulumi CLI on PATH (runs in the GitHub workflow)")
def test_automation_executor_runs_a_real_update_on_a_file_backend(tmp_path: Path) -> None:
    """The execution layer drives the real CLI: a tiny Python project, a file backend, no cloud resources."""
    work = tmp_path / "proj"
    work.mkdir()
    (work / "Pulumi.yaml").write_text(
        f"name: ops-smoke\nruntime:\n  name: python\n  options:\n    virtualenv: {Path(sys.prefix)}\n"
    )
    (work / "__main__.py").write_text("import pulumi\npulumi.export('answer', 42)\n")
    execute = deploy.automation_executor(
        work_dir=work,
        backend_url=f"file://{tmp_path / 'state'}",
        env={"PULUMI_CONFIG_PASSPHRASE": "test-only"},
    )
    task = StackTask("ci", "dev", "up", (), ())
    changes = execute(task)
    assert changes.get("create") == 1  # the stack resource itself
    assert execute(StackTask("ci", "dev", "preview", (), ())).get("same") == 1
