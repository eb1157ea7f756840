"""CI plumbing: the GitHub workflows, ``.ci/run`` and the Makefile the README's two commands rely on.

Workflows are validated offline with check-jsonschema's built-in GitHub-workflow schema and zizmor (the strictest
"auditor" persona, offline audits); ``.ci/run`` with ``bash -n`` and shellcheck, and its handling of pytest's
outcomes is exercised against a stub Makefile.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.offline.layout import deployed_stacks, is_example, policy_config, policy_packs, stacks
from tests.tools import tool

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
CI_RUN = ROOT / ".ci" / "run"
README = ROOT / "README.md"
MAKEFILE = ROOT / "Makefile"
POLICY_PACK = "policies/hybrid-burst-guardrails"
SHA_PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text())
    assert isinstance(doc, dict)
    return doc


def triggers(doc: dict[str, Any]) -> dict[str, Any]:
    on = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` key as the boolean true
    return on if isinstance(on, dict) else dict.fromkeys([on] if isinstance(on, str) else on)


def steps(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(job_id, step) for job_id, job in doc["jobs"].items() for step in job.get("steps", [])]


def run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, capture_output=True, text=True, timeout=300, check=False, stdin=subprocess.DEVNULL, **kwargs
    )


# --- the workflow files ---------------------------------------------------------------------------------------


def test_the_pr_deploy_and_policy_pack_workflows_exist() -> None:
    assert {p.name for p in WORKFLOWS} >= {"pr.yml", "deploy.yml", "policy-pack.yml"}


@pytest.mark.slow
def test_workflows_match_the_github_workflow_schema() -> None:
    done = run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)])
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_zizmor_finds_nothing_even_as_an_auditor() -> None:
    """Offline audits, the strictest persona, no ignore comments honoured: zero findings of any severity."""
    done = run(
        [tool("zizmor"), "--offline", "--persona", "auditor", "--no-ignores", "--format", "json", *map(str, WORKFLOWS)],
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode in (0, 10, 11, 12, 13, 14), done.stderr  # zizmor's exit codes encode the worst finding
    findings = json.loads(done.stdout or "[]")
    described = [
        f"{f['ident']} ({f['determinations']['severity']}): "
        + "; ".join(loc["symbolic"]["annotation"] for loc in f["locations"])
        for f in findings
    ]
    assert described == []
    assert done.returncode == 0


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_and_pinned_actions(path: Path) -> None:
    doc = load(path)
    assert doc.get("permissions") == {}, "workflow-level permissions: {} (each job asks for what it needs)"
    for job_id, job in doc["jobs"].items():
        assert "permissions" in job, f"{job_id}: explicit job permissions"
        assert all(v in ("read", "write", "none") for v in job["permissions"].values())
    for job_id, step in steps(doc):
        uses = step.get("uses")
        if uses:
            assert SHA_PINNED.match(uses), f"{job_id}: {uses} is not pinned to a full commit SHA"
        if uses and uses.startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, f"{job_id}: persist-credentials"
        # Expressions never reach a shell directly (template injection): they go through env.
        assert "${{" not in step.get("run", ""), f"{job_id}: expression inside run: {step.get('run')}"


def test_pr_workflow_runs_lint_tests_offline_plan_preview_and_cli_tests() -> None:
    doc = load(ROOT / ".github" / "workflows" / "pr.yml")
    assert "pull_request" in triggers(doc)
    assert "pull_request_target" not in triggers(doc), "never run PR code with a write token"
    jobs = doc["jobs"]
    assert {"lint", "test", "offline-plan", "preview", "cli-tests"} <= set(jobs)

    runs = {job_id: "\n".join(s.get("run", "") for s in job["steps"]) for job_id, job in jobs.items()}
    assert "make lint" in runs["lint"]
    assert "bash .ci/run" in runs["test"]

    plan = jobs["offline-plan"]
    assert sorted(plan["strategy"]["matrix"]["stack"]) == deployed_stacks()
    assert 'scripts/plan.py --stack "$STACK" --report' in runs["offline-plan"]
    # The plan diff against the PR's base commit goes into the same report (and so the same PR comment).
    assert '--diff "$BASE_SHA"' in runs["offline-plan"]
    diff_step = next(s for s in plan["steps"] if "--diff" in s.get("run", ""))
    assert diff_step["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    checkout = next(s for s in plan["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0, "the base commit must be in the clone"
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") for s in plan["steps"])
    assert "write" not in plan["permissions"].values(), "the job running repository code has no write token"

    comment = jobs["plan-comment"]
    assert comment["permissions"] == {"pull-requests": "write"}
    assert not any("actions/checkout@" in s.get("uses", "") for s in comment["steps"]), "no repository code"

    # The PR preview runs against the team's real state (not a throwaway backend) with a read-only OIDC role,
    # and never for forks (no OIDC token, no secrets): they get the offline plan and its diff only.
    preview = jobs["preview"]
    assert "vars.AWS_PREVIEW_ROLE_ARN != ''" in preview["if"]
    assert "vars.PULUMI_BACKEND_URL != ''" in preview["if"]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in preview["if"]
    assert "offline-plan" in preview["needs"]
    assert sorted(preview["strategy"]["matrix"]["stack"]) == deployed_stacks()
    assert preview["permissions"] == {"contents": "read", "id-token": "write"}
    assert preview["env"]["PULUMI_BACKEND_URL"] == "${{ vars.PULUMI_BACKEND_URL }}"
    assert 'pulumi login "$PULUMI_BACKEND_URL"' in runs["preview"]
    assert "file://" not in runs["preview"], "no throwaway backend: every resource would show as new"
    assert "--create" not in runs["preview"], "a read-only preview never creates a stack in the team's backend"
    assert f"--policy-pack {POLICY_PACK}" in runs["preview"]
    assert '--policy-pack-config "stacks/policy-config.$STACK.json"' in runs["preview"]
    (creds,) = [s for s in preview["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]
    assert creds["with"]["role-to-assume"] == "${{ vars.AWS_PREVIEW_ROLE_ARN }}", "the read-only role, not deploy's"
    preview_step = next(s for s in preview["steps"] if "pulumi preview" in s.get("run", ""))
    assert preview_step["env"]["PULUMI_CONFIG_PASSPHRASE"] == "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}"
    assert preview["environment"] == "preview", "its secret lives in a dedicated environment"
    # The offline plan (with its diff against the PR base) has no condition: forks get it too.
    assert "if" not in plan

    assert "pytest -m cli" in runs["cli-tests"]
    assert "get.pulumi.com" in runs["cli-tests"]


def test_policy_pack_workflow_tests_the_pack_and_builds_its_wheel_on_pack_changes() -> None:
    """Its own job: on pull requests and pushes to main that touch the pack (or what its tests read), with a
    timeout and a read-only token; runs tests/policies, builds the wheel as ``make pack-wheel`` does (offline, no
    build isolation) and keeps it as an artifact."""
    path = ROOT / ".github" / "workflows" / "policy-pack.yml"
    doc = load(path)
    on = triggers(doc)
    assert set(on) == {"pull_request", "push"}
    assert "pull_request_target" not in on
    assert on["push"]["branches"] == ["main"]
    paths = on["pull_request"]["paths"]
    assert on["push"]["paths"] == paths, "the same paths for pull requests and pushes"
    assert {"policies/**", "tests/policies/**", ".github/workflows/policy-pack.yml"} <= set(paths)
    for pattern in paths:
        assert next(ROOT.glob(pattern), None) is not None, f"paths filter {pattern!r} matches no file"

    (job,) = doc["jobs"].values()
    assert 0 < job["timeout-minutes"] <= 30
    assert job["permissions"] == {"contents": "read"}
    runs = [s.get("run", "") for s in job["steps"]]
    assert "make venv" in runs, "the program's venv and the pack's own (PulumiPolicy.yaml: virtualenv: venv)"
    test_run = next(r for r in runs if "pytest" in r)
    assert "tests/policies" in test_run.split()
    assert "make pack-wheel" in runs
    assert runs.index("make venv") < runs.index(test_run) < runs.index("make pack-wheel")
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "dist/*.whl"
    assert upload["with"]["if-no-files-found"] == "error"

    target = re.search(r"^pack-wheel: \$\(STAMP\)\n((?:\t.*\n)+)", MAKEFILE.read_text(), re.MULTILINE)
    assert target, "Makefile: a pack-wheel target after the venv"
    recipe = target.group(1).replace("\\\n", " ")
    for flag in ("wheel", "--no-deps", "--no-build-isolation", "--no-index", '"$(PACK)"', "-w dist/"):
        assert flag in recipe, f"make pack-wheel: {flag}"


def test_everything_the_workflows_reference_exists() -> None:
    assert (ROOT / POLICY_PACK / "PulumiPolicy.yaml").exists()
    assert ROOT / POLICY_PACK in policy_packs()
    for stack in stacks():
        assert policy_config(stack).exists(), stack
    assert (ROOT / "scripts" / "plan.py").exists()
    assert (ROOT / "scripts" / "ops" / "deploy.py").exists()


def test_example_stacks_are_planned_but_never_previewed_or_deployed() -> None:
    """Issue 13: ``example-*`` stacks (stacks/Pulumi.example-external.yaml) are fixtures and docs, not deployments:
    no workflow matrix or deploy option names them; the test suite plans them (tests/stack/test_external_mode.py)."""
    examples = [s for s in stacks() if is_example(s)]
    assert "example-external" in examples
    for path in WORKFLOWS:
        text = path.read_text()
        for example in examples:
            assert example not in text, f"{path.name} names the example stack {example}"
    assert not set(examples) & set(deployed_stacks())


def test_deploy_is_manual_environment_protected_and_uses_the_ops_script() -> None:
    doc = load(ROOT / ".github" / "workflows" / "deploy.yml")
    on = triggers(doc)
    assert set(on) == {"workflow_dispatch"}
    assert sorted(on["workflow_dispatch"]["inputs"]["stack"]["options"]) == deployed_stacks()
    job = doc["jobs"]["deploy"]
    assert job["environment"] == "${{ inputs.stack }}", "each stack deploys behind its GitHub environment"
    assert doc["concurrency"]["cancel-in-progress"] is False, "never cancel a running deploy"
    script = "\n".join(s.get("run", "") for s in job["steps"])
    assert "python -m scripts.ops.deploy up --stacks" in script


def test_deploy_cannot_hang_on_a_private_eks_endpoint() -> None:
    """staging/prod run on the self-hosted runner named by a variable; a bounded reachability check runs before
    pulumi up; every job has a timeout; the pack's venv comes from make venv; prod is confirmed by the environment."""
    doc = load(ROOT / ".github" / "workflows" / "deploy.yml")
    runner, deploy_job = doc["jobs"]["runner"], doc["jobs"]["deploy"]
    assert all("timeout-minutes" in job for job in doc["jobs"].values())
    assert deploy_job["needs"] == "runner"
    assert deploy_job["runs-on"] == "${{ fromJSON(needs.runner.outputs.labels) }}"
    choose = runner["steps"][0]
    assert choose["env"]["SELF_HOSTED"] == "${{ vars.DEPLOY_RUNNER_LABELS }}"
    assert 'if [ "$STACK" = dev ]' in choose["run"], "only dev (no EKS) may use a GitHub-hosted runner"
    assert runner["permissions"] == {}
    names = [s.get("name", s.get("uses", "")) for s in deploy_job["steps"]]
    reach = next(s for s in deploy_job["steps"] if "scripts.ops.deploy reach" in s.get("run", ""))
    assert 0 < reach["timeout-minutes"] <= 5
    assert "--timeout" in reach["run"]
    up = next(s for s in deploy_job["steps"] if "scripts.ops.deploy up" in s.get("run", ""))
    assert names.index(reach["name"]) < names.index(up["name"]), "the check runs before pulumi up"
    assert "--yes" in up["run"], "the GitHub environment's reviewers are the confirmation"
    assert "make venv" in "\n".join(s.get("run", "") for s in deploy_job["steps"])


# --- .ci/run and the README's commands ------------------------------------------------------------------------


def readme_commands() -> list[str]:
    """The commands in the fenced block under the README's "The two commands" heading."""
    text = README.read_text()
    section = text.split("## The two commands", 1)[1]
    block = re.search(r"```(?:bash|sh)?\n(.*?)```", section, re.DOTALL)
    assert block, "README: a fenced block of commands under 'The two commands'"
    return [line.split("#", 1)[0].strip() for line in block.group(1).splitlines() if line.split("#", 1)[0].strip()]


def test_readme_has_exactly_two_commands_and_ci_runs_the_test_one() -> None:
    if not README.exists() or "## The two commands" not in README.read_text():
        pytest.skip("README.md has no 'The two commands' section yet")
    commands = readme_commands()
    assert len(commands) == 2, commands
    test_command = next(c for c in commands if "test" in c)
    ci_lines = [ln.strip() for ln in CI_RUN.read_text().splitlines() if not ln.strip().startswith("#")]
    assert any(ln.startswith(test_command + " ") or ln == test_command for ln in ci_lines), test_command


def test_makefile_targets_install_the_venv_first() -> None:
    text = MAKEFILE.read_text()
    for target in ("plan", "test", "lint"):
        assert re.search(rf"^{target}: \$\(STAMP\)$", text, re.MULTILINE), f"make {target} depends on the venv"
    assert re.search(r"^\$\(STAMP\): requirements\.txt requirements-dev\.txt$", text, re.MULTILINE)
    assert "-r requirements-dev.txt" in text


@pytest.mark.parametrize(
    "path",
    [".pulumi-state/.pulumi/stacks/hybrid-burst/dev.json", "out/outputs/dev.json", ".venv/bin/python",
     "policies/hybrid-burst-guardrails/venv/bin/python", "dist/hybrid_burst_guardrails-0.2.0-py3-none-any.whl"],
)
def test_local_state_outputs_and_venvs_are_never_committed(path: str, tmp_path: Path) -> None:
    """deploy.py's default file backend (.pulumi-state/, which holds the stacks' state and encrypted secrets), the
    outputs files and the virtualenvs are ignored by git, so a `git add -A` after a first deploy commits none of them.
    Checked in a fresh repository holding only the project's .gitignore and the path (a checkout's own venv may be a
    symlink, which git refuses to look through)."""
    shutil.copy(ROOT / ".gitignore", tmp_path / ".gitignore")
    assert run(["git", "init", "-q", str(tmp_path)]).returncode == 0
    (tmp_path / path).parent.mkdir(parents=True)
    (tmp_path / path).write_text("x")
    done = run(["git", "check-ignore", "-q", path], cwd=tmp_path)
    assert done.returncode == 0, f"{path} is not git-ignored: add it to .gitignore"


def test_ci_run_is_strict_bash() -> None:
    text = CI_RUN.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    done = run(["bash", "-n", str(CI_RUN)])
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_ci_run_passes_shellcheck() -> None:
    done = run([tool("shellcheck"), str(CI_RUN)])
    assert done.returncode == 0, done.stdout + done.stderr


STUB_OUTCOMES = [
    pytest.param("3 passed in 0.10s", 0, 0, "ci: ok", id="passed"),
    pytest.param("1 failed, 2 passed in 0.10s", 1, 2, "tests failed", id="failed"),
    pytest.param("no tests ran in 0.01s", 5, 1, "collected no tests", id="no-tests"),
    pytest.param("no tests ran in 0.01s", 0, 1, "collected no tests", id="no-tests-exit-0"),
    pytest.param("", 0, 1, "no pytest summary line", id="no-summary"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("summary", "pytest_rc", "expected_rc", "message"), STUB_OUTCOMES)
def test_ci_run_judges_the_pytest_outcome(
    tmp_path: Path, summary: str, pytest_rc: int, expected_rc: int, message: str
) -> None:
    """``.ci/run`` against a stub Makefile whose ``test`` target prints a pytest summary and exits."""
    (tmp_path / ".ci").mkdir()
    shutil.copy(CI_RUN, tmp_path / ".ci" / "run")
    venv_bin = tmp_path / "venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "shellcheck").symlink_to(tool("shellcheck"))
    (tmp_path / "Makefile").write_text(
        f"venv:\n\t@true\ntest:\n\t@echo 'collecting ...'\n\t@echo '{summary}'\n\t@exit {pytest_rc}\n"
    )
    env = {**os.environ, "VENV": str(tmp_path / "venv"), "CI": "true"}
    done = run(["bash", str(tmp_path / ".ci" / "run")], env=env)
    output = done.stdout + done.stderr
    assert done.returncode == expected_rc, output
    assert message in output
    if summary:
        assert f"ci: pytest summary: {summary}" in output, "the summary line is printed"


def test_readme_layout_names_every_stack_module_and_component_domain() -> None:
    """The README's layout section is the map a new engineer reads first: it names each stack/ module and each
    components/ domain that exists."""
    text = README.read_text()
    layout = text[text.index("## Layout") :].split("```")[1]
    stack_modules = {p.stem for p in (ROOT / "stack").glob("*.py") if p.stem != "__init__"}
    domains = {p.name for p in (ROOT / "components").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert stack_modules
    assert domains
    assert sorted(m for m in stack_modules if not re.search(rf"\b{m}\b", layout)) == []
    assert sorted(d for d in domains if f"{d}/" not in layout) == []
