"""deploy.py: the planner and the orchestrator without the CLI; the Automation API layer with the real CLI.

The orchestrator is driven through injected executors (it is the unit under test; the CLI is not faked: what needs
it runs in ``test_automation_executor_runs_a_real_update_on_a_file_backend``, skipped without it). Policy events
are built with the SDK's own ``EngineEvent.from_json`` from the JSON the CLI writes to its event log.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

import pytest
from pulumi.automation import OutputValue
from pulumi.automation.events import EngineEvent

from components.config.network import SESSION_MANAGER_ENDPOINTS
from components.emr.tags import CLUSTER_TAG_KEY
from scripts.ops import deploy, deploy_checks, deploy_plan
from scripts.ops.aws import ClientFactory
from scripts.ops.deploy_checks import LinePrinter
from scripts.ops.deploy_plan import (
    DeploymentPlan,
    Phase,
    PlanError,
    PolicyViolationError,
    StackTask,
    plan_deployment,
    run_plan,
)

ROOT = Path(__file__).resolve().parents[3]
ENVS = {"dev": "dev", "staging": "staging", "prod": "prod", "dev-eu": "dev"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project tree with four valid stacks (the shipped files; dev-eu is a copy of dev), their policy configs and
    one policy pack."""
    (tmp_path / "stacks").mkdir()
    for stack, env in ENVS.items():
        shutil.copy(ROOT / "stacks" / f"Pulumi.{env}.yaml", tmp_path / "stacks" / f"Pulumi.{stack}.yaml")
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
        assert task.confirm is False


def test_up_follows_promotion_order_one_environment_per_wave(project: Path) -> None:
    plan = plan_deployment("up", ["prod", "staging", "dev-eu", "dev"], root=project)
    assert [sorted(t.stack for t in wave) for wave in plan.waves] == [["dev", "dev-eu"], ["staging"], ["prod"]]
    assert "wave 3: prod [prod]" in plan.describe()
    assert [t.stack for t in plan.tasks if t.confirm] == ["prod"], "prod asks unless --yes"
    assert not any(t.confirm for t in plan_deployment("up", root=project, assume_yes=True).tasks)


@pytest.mark.parametrize(
    ("action", "stacks", "edit", "message"),
    [
        ("up", ["qa"], None, "unknown stack 'qa'"),
        ("up", ["dev", "dev"], None, "listed twice"),
        ("up", ["staging"], ("stacks/policy-config.staging.json", None), "no policy pack config"),
        ("up", ["dev"], ("stacks/Pulumi.dev.yaml", "config:\n  hybrid-burst:environment: qa\n"),
         "hybrid-burst:environment"),
        ("up", ["dev"], ("stacks/Pulumi.dev.yaml", "config: [1, 2\n"), "line 2: while parsing a flow sequence"),
        ("up", ["dev"], ("stacks/Pulumi.dev.yaml", "- a list\n"), "the top level is a list, not a mapping"),
        ("destroy", ["prod"], None, "--yes-destroy-prod"),
    ],
)
def test_bad_requests_are_refused_with_the_reason(
    project: Path, action: deploy_plan.Action, stacks: list[str], edit: tuple[str, str | None] | None, message: str
) -> None:
    if edit:
        path, text = edit
        if text is None:
            (project / path).unlink()
        else:
            (project / path).write_text(text)
    with pytest.raises(PlanError, match=message.replace("-", r"\-")):
        plan_deployment(action, stacks, root=project)


def test_destroy_of_prod_is_planned_with_the_flag_and_always_confirmed(project: Path) -> None:
    plan = plan_deployment("destroy", ["dev", "prod"], root=project, yes_destroy_prod=True)
    assert [t.stack for t in plan.tasks if t.confirm] == ["dev", "prod"], "every destroy asks unless --yes"


def _plan(project: Path, action: deploy_plan.Action = "up", *, fail_fast: bool = True, parallel: int = 2,
          yes: bool = True) -> DeploymentPlan:
    return plan_deployment(action, root=project, fail_fast=fail_fast, parallel=parallel, assume_yes=yes)


def test_up_previews_every_stack_of_a_wave_before_applying_it(project: Path) -> None:
    calls: list[tuple[str, Phase]] = []
    lock = threading.Lock()

    def execute(task: StackTask, phase: Phase) -> Mapping[str, int]:
        with lock:
            calls.append((task.stack, phase))
        return {"same": 10} if phase == "preview" else {"update": 1}

    summary = run_plan(_plan(project), execute)
    assert summary.exit_code == 0
    wave1 = calls[:4]
    assert sorted(wave1) == [("dev", "apply"), ("dev", "preview"), ("dev-eu", "apply"), ("dev-eu", "preview")]
    assert set(wave1[:2]) == {("dev", "preview"), ("dev-eu", "preview")}, "both previews before any apply"
    assert calls[4:] == [("staging", "preview"), ("staging", "apply"), ("prod", "preview"), ("prod", "apply")]
    assert {r.stack: dict(r.changes) for r in summary.results}["prod"] == {"update": 1}


def _policy_event(rule: str, level: str, urn: str, message: str) -> EngineEvent:
    """An engine event as the CLI writes it to the event log (``--event-log``), parsed by the SDK."""
    return EngineEvent.from_json({
        "sequence": 7, "timestamp": 1764626400,
        "policyEvent": {"resourceUrn": urn, "message": message, "color": "never", "policyName": rule,
                        "policyPackName": "hybrid-burst-guardrails", "policyPackVersion": "0.1.0",
                        "policyPackVersionTag": "0.1.0", "enforcementLevel": level},
    })


URN = "urn:pulumi:staging::hybrid-burst::hybrid-burst:lake:StorageZones$aws:s3/bucket:Bucket::compute-zones-raw"
EVENTS = [
    EngineEvent.from_json(
        {"sequence": 1, "timestamp": 1764626400, "stdoutEvent": {"message": "Previewing", "color": ""}}
    ),
    _policy_event("s3-bucket-sse-kms", "mandatory", URN, "Bucket compute-zones-raw\nis not SSE-KMS encrypted."),
    _policy_event("spot-fleet-diversification", "advisory", "", "only 4 instance types"),
]


def test_policy_events_are_recognised_with_rule_resource_and_message() -> None:
    found = deploy_checks.violations_from_events(EVENTS)
    assert [(v.rule, v.level) for v in found] == [("s3-bucket-sse-kms", "mandatory"),
                                                   ("spot-fleet-diversification", "advisory")]
    (blocking,) = deploy_checks.mandatory(found)
    assert blocking.resource == URN
    assert blocking.message == "Bucket compute-zones-raw is not SSE-KMS encrypted."
    assert blocking.describe() == f"mandatory hybrid-burst-guardrails/s3-bucket-sse-kms on {URN}: {blocking.message}"


def test_mandatory_violations_stop_the_run_before_any_apply_and_exit_1(project: Path) -> None:
    applied: list[str] = []

    def execute(task: StackTask, phase: Phase) -> Mapping[str, int]:
        if phase == "apply":
            applied.append(task.stack)
        elif task.stack == "dev-eu":
            raise PolicyViolationError(deploy_checks.mandatory(deploy_checks.violations_from_events(EVENTS)))
        return {"same": 1}

    summary = run_plan(_plan(project), execute)
    status = {r.stack: r.status for r in summary.results}
    assert status == {"dev": "skipped", "dev-eu": "failed", "staging": "skipped", "prod": "skipped"}
    assert applied == [], "fail fast: nothing of the wave is applied when one preview fails"
    text = summary.describe()
    assert f"policy violation: mandatory hybrid-burst-guardrails/s3-bucket-sse-kms on {URN}" in text
    assert "CommandError" not in text
    assert summary.exit_code == 1


def test_a_cli_or_aws_error_exits_3_and_skips_the_later_waves(project: Path) -> None:
    def execute(task: StackTask, phase: Phase) -> Mapping[str, int]:
        if task.stack == "staging" and phase == "apply":
            raise RuntimeError("error: operation error EMR: RunJobFlow, AccessDeniedException")
        return {"same": 1}

    summary = run_plan(_plan(project), execute)
    assert {r.stack: r.status for r in summary.results}["prod"] == "skipped"
    assert summary.exit_code == 3
    assert "AccessDeniedException" in summary.describe()


def test_fail_fast_cancels_the_rest_of_the_wave_and_continue_runs_it(project: Path) -> None:
    def execute(task: StackTask, phase: Phase) -> Mapping[str, int]:
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

    def execute(task: StackTask, phase: Phase) -> Mapping[str, int]:
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


@pytest.mark.parametrize(("answer", "confirmed"), [("prod\n", True), ("yes\n", False), ("", False)])
def test_prod_is_applied_only_after_the_operator_types_its_name(project: Path, answer: str, confirmed: bool) -> None:
    applied: list[str] = []

    def execute(task: StackTask, phase: Phase) -> Mapping[str, int]:
        if phase == "apply":
            applied.append(task.stack)
        return {"update": 2} if task.stack == "prod" else {"same": 1}

    prompts = io.StringIO()
    plan = plan_deployment("up", ["dev", "prod"], root=project)
    summary = run_plan(plan, execute, confirm=deploy_plan.interactive_confirm(io.StringIO(answer), prompts))
    assert "up prod [prod]: update 2" in prompts.getvalue(), "the operator sees prod's preview before answering"
    assert applied == (["dev", "prod"] if confirmed else ["dev"])
    assert summary.exit_code == (0 if confirmed else 2)


def test_without_a_confirm_function_nothing_that_needs_one_is_applied(project: Path) -> None:
    summary = run_plan(plan_deployment("destroy", ["dev"], root=project), lambda t, p: {"delete": 3})
    assert [r.status for r in summary.results] == ["declined"]


def test_streamed_output_of_parallel_stacks_is_prefixed_with_the_stack_name(project: Path) -> None:
    stream = io.StringIO()
    printer = LinePrinter(stream)

    def execute(task: StackTask, phase: Phase) -> Mapping[str, int]:
        say = printer.for_stack(task.stack)
        for i in range(20):
            say(f"{phase} line {i} of {task.stack}")
        return {}

    run_plan(_plan(project, "preview", parallel=4), execute)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 80
    for line in lines:
        prefix, rest = line.split(" ", 1)
        assert prefix == f"[{rest.rsplit(' ', 1)[1]}]", line


def test_outputs_are_written_as_pulumi_stack_output_json_with_secrets_masked(tmp_path: Path) -> None:
    path = deploy_checks.write_outputs(
        "dev",
        {"regions": OutputValue({"onprem": "us-west-1", "compute": "us-east-1"}, False),
         "db_password": OutputValue("hunter2", True), "burst_cluster_id": OutputValue("j-1", False)},
        tmp_path,
    )
    assert path == tmp_path / "out" / "outputs" / "dev.json"
    assert json.loads(path.read_text()) == {
        "burst_cluster_id": "j-1", "db_password": "[secret]", "regions": {"onprem": "us-west-1", "compute": "us-east-1"}
    }


def test_plan_only_cli_prints_the_plan_without_the_pulumi_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert deploy.main(["preview", "--plan-only", "--stacks", "dev"]) == 0
    assert "wave 1: dev [dev]" in capsys.readouterr().out


def test_main_runs_the_injected_executor_and_reports_violations_on_stderr() -> None:
    def execute(task: StackTask, phase: Phase) -> Mapping[str, int]:
        raise PolicyViolationError(deploy_checks.mandatory(deploy_checks.violations_from_events(EVENTS)))

    out, err = io.StringIO(), io.StringIO()
    assert deploy.main(["preview", "--stacks", "dev"], executor=execute, stdout=out, stderr=err) == 1
    assert "policy violation: mandatory hybrid-burst-guardrails/s3-bucket-sse-kms" in err.getvalue()


def _closed() -> io.StringIO:
    stdin = io.StringIO()
    stdin.close()
    return stdin


@pytest.mark.parametrize("stdin", [_closed, io.StringIO], ids=["closed", "not-a-terminal"])
def test_prod_up_without_yes_refuses_a_closed_or_redirected_stdin(stdin: type[io.StringIO]) -> None:
    ran: list[str] = []
    err = io.StringIO()
    def execute(task: StackTask, phase: Phase) -> Mapping[str, int]:
        ran.append(task.stack)
        return {}

    code = deploy.main(["up", "--stacks", "prod"], executor=execute,
                       stdin=stdin(), stdout=io.StringIO(), stderr=err)
    assert code == 2
    assert ran == []
    assert "needs a confirmation" in err.getvalue()
    assert "--yes" in err.getvalue()


def test_prod_up_with_yes_runs_without_asking() -> None:
    ran: list[tuple[str, str]] = []
    def execute(task: StackTask, phase: Phase) -> Mapping[str, int]:
        ran.append((task.stack, phase))
        return {}

    code = deploy.main(["up", "--stacks", "prod", "--yes"], executor=execute,
                       stdin=_closed(), stdout=io.StringIO(), stderr=io.StringIO())
    assert code == 0
    assert ran == [("prod", "preview"), ("prod", "apply")]


def test_closed_stdin_is_refused_by_the_real_process() -> None:
    """The module as the workflow runs it, stdin from /dev/null: exit 2 before the CLI or AWS is touched."""
    done = subprocess.run(
        [sys.executable, "-m", "scripts.ops.deploy", "up", "--stacks", "prod"],
        cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120, check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "needs a confirmation" in done.stderr
    assert "Traceback" not in done.stderr


def test_destroy_prod_without_the_flag_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert deploy.main(["destroy", "--stacks", "prod", "--yes"], executor=lambda t, p: {}) == 2
    assert "--yes-destroy-prod" in capsys.readouterr().err


def test_without_the_pack_venv_and_the_cli_it_says_how_to_fix_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "policies" / "hybrid-burst-guardrails", pack, ignore=shutil.ignore_patterns("venv"))
    monkeypatch.setattr(deploy_plan, "discover_policy_packs", lambda root=ROOT: [pack])
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert deploy.main(["preview", "--stacks", "dev"]) == 2
    err = capsys.readouterr().err
    assert "declares 'virtualenv: venv'" in err
    assert "make pack-venv" in err
    assert "the Pulumi CLI is not on PATH; install it" in err
    assert "get.pulumi.com" in err

    monkeypatch.setattr(deploy, "policy_pack_problems", lambda packs: [])
    assert deploy.main(["preview", "--stacks", "dev"]) == 3, "a missing CLI alone is a CLI error"


@pytest.mark.slow
def test_make_pack_venv_leaves_an_interpreter_that_imports_pulumi_policy(tmp_path: Path) -> None:
    """The documented set-up (``make venv`` -> ``make pack-venv``) on a copy of the pack.

    Offline and fast: the venv is created beforehand without pip and sees the shared test venv's site-packages
    through a ``.pth`` file, so the target's ``pip install -r requirements.txt`` finds every pin already satisfied
    instead of downloading pulumi (CI's deploy workflow runs the same target with PyPI). The target's own
    ``python -m venv`` line is the one step skipped here (the interpreter exists).
    """
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "policies" / "hybrid-burst-guardrails", pack, ignore=shutil.ignore_patterns("venv"))
    problems = deploy_checks.policy_pack_problems([pack], tmp_path)
    assert len(problems) == 1
    assert "venv/bin/python does not exist" in problems[0]

    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(pack / "venv")], check=True, timeout=120)
    site = next((pack / "venv" / "lib").glob("python3*/site-packages"))
    shared = next(Path(p) for p in sys.path if p.endswith("site-packages") and Path(p).is_relative_to(sys.prefix))
    (site / "shared-test-venv.pth").write_text(f"{shared}\n")
    env = {**os.environ, "PIP_NO_INDEX": "1"}
    done = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "pack-venv", f"PACK={pack}"],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (pack / "venv" / ".requirements-installed").exists()
    assert deploy_checks.policy_pack_problems([pack], tmp_path) == []


def test_make_venv_creates_the_pack_venv_and_the_readme_says_so() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "\nvenv: $(STAMP) $(PACK_STAMP)\n" in makefile
    assert "\npack-venv: $(PACK_STAMP)\n" in makefile
    section = (ROOT / "README.md").read_text().split("## Deploying for real", 1)[1].split("\n## ", 1)[0]
    assert "make venv" in section
    assert "pack-venv" in section


def test_tcp_reachability_is_bounded_and_real() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    try:
        assert deploy_checks.tcp_reachable("127.0.0.1", port, 5.0) is True
    finally:
        server.close()
    assert deploy_checks.tcp_reachable("127.0.0.1", port, 5.0) is False, "nothing listens any more"


@pytest.mark.usefixtures("recorder_from_cache")
def test_eks_reachability_names_the_fix(monkeypatch: pytest.MonkeyPatch, aws: ClientFactory) -> None:
    """staging has EMR on EKS with a private endpoint: before the first deploy the check warns; once the cluster
    exists (moto's EKS), an unreachable endpoint is exit 3 with both supported fixes named."""
    code, message = deploy_checks.eks_reachability("staging", clients=aws, probe=lambda h, p, t: False)
    assert code == 0
    assert "does not exist yet" in message
    assert "private endpoint only" in message

    name = deploy_checks.eks_cluster_name("staging")
    assert name.startswith("hybrid-burst-staging-")
    aws("eks", "us-east-1").create_cluster(
        name=name, roleArn="arn:aws:iam::123456789012:role/eks", resourcesVpcConfig={"subnetIds": ["subnet-1"]}
    )
    code, message = deploy_checks.eks_reachability("staging", clients=aws, probe=lambda h, p, t: False, timeout=3)
    assert code == 3
    assert "not reachable within 3s" in message
    assert "self-hosted runner" in message
    assert "eks.publicAccessCidrs" in message
    seen: list[tuple[str, int]] = []

    def probe(host: str, port: int, timeout: float) -> bool:
        seen.append((host, port))
        return True

    code, _ = deploy_checks.eks_reachability("staging", clients=aws, probe=probe)
    assert code == 0
    assert seen
    assert seen[0][1] == 443
    assert seen[0][0].endswith(".amazonaws.com")
    assert deploy_checks.eks_reachability("dev", clients=aws)[1] == "dev: EMR on EKS is off; no Kubernetes API to reach"


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
    stream = io.StringIO()
    execute = deploy.automation_executor(
        work_dir=work,
        backend_url=f"file://{tmp_path / 'state'}",
        env={"PULUMI_CONFIG_PASSPHRASE": "test-only"},
        printer=LinePrinter(stream),
    )
    task = StackTask("ci", "dev", "up", (), ())
    assert execute(task, "preview").get("create") == 1
    changes = execute(task, "apply")
    assert changes.get("create") == 1  # the stack resource itself
    assert json.loads((work / "out" / "outputs" / "ci.json").read_text()) == {"answer": 42}
    assert all(line.startswith("[ci] ") for line in stream.getvalue().splitlines())
    assert execute(StackTask("ci", "dev", "preview", (), ()), "preview").get("same") == 1


def test_operations_doc_has_the_exit_codes_the_runner_path_and_port_forwarding() -> None:
    doc = (ROOT / "docs" / "operations.md").read_text()
    table = doc.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    for code in ("0", "1", "2", "3"):
        assert f"\n| {code} | " in table
    assert "`deploy.py`: a mandatory policy violation" in table
    runner = doc.split("## Private EKS and the deploy runner", 1)[1].split("\n## ", 1)[0]
    assert "DEPLOY_RUNNER_LABELS" in runner
    assert "publicAccessCidrs" in runner
    assert "DEPLOY_RUNNER_LABELS" in (ROOT / ".github" / "workflows" / "deploy.yml").read_text()
    ssm = doc.split("## Operator access", 1)[1].split("\n## ", 1)[0]
    # Both port-forwarding documents, the two UIs' ports, and what the stack builds (issue 10 item 6).
    assert ssm.count("--document-name AWS-StartPortForwardingSession \\") == 2
    assert "--document-name AWS-StartPortForwardingSessionToRemoteHost" in ssm
    assert '"portNumber":["8889"]' in ssm
    assert '"portNumber":["19999"]' in ssm
    assert f"`{CLUSTER_TAG_KEY}" in ssm
    assert all(f"`{endpoint}`" in ssm for endpoint in SESSION_MANAGER_ENDPOINTS)
    operator_policy = json.loads(ssm.split("```json", 1)[1].split("```", 1)[0])
    on_instances = [s for s in operator_policy["Statement"] if str(s["Resource"]).endswith(":instance/*")]
    assert [s["Action"] for s in on_instances] == ["ssm:StartSession"]
    assert f"ssm:resourceTag/{CLUSTER_TAG_KEY}" in on_instances[0]["Condition"]["StringLike"]
    assert "out/outputs/<stack>.json" in doc.split("## The stack outputs file", 1)[1].split("\n## ", 1)[0]
