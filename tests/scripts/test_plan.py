"""The offline plan's command line: exit codes, report content, config errors before anything is recorded."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from scripts import plan
from scripts.offline import layout
from tests import plan_cache


@pytest.fixture(scope="module", autouse=True)
def _recordings_from_the_session_cache() -> Iterator[None]:
    """plan.py's recordings of the shipped stacks come from the session cache (tests/plan_cache.py): these tests
    test the command line, the recorder is tested in tests/scripts/offline/test_recorder.py."""
    with plan_cache.serving_recorder():
        yield


@pytest.fixture(scope="module")
def dev_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, dict]:
    out = tmp_path_factory.mktemp("plan")
    code = plan.main(
        ["--stack", "dev", "--quiet", "--report", str(out / "plan-{stack}.md"), "--json", str(out / "{stack}.json")]
    )
    return code, (out / "plan-dev.md").read_text(), json.loads((out / "dev.json").read_text())


def test_dev_plan_passes_its_own_pack_and_writes_the_report(dev_report: tuple[int, str, dict]) -> None:
    code, report, _ = dev_report
    assert code == plan.EXIT_OK
    for heading in (
        "### EMR fleets, capacity pools and hourly cost (estimate)",
        "### Deploy critical path (typical creation times)",
        "### Lake Formation grants (who can read what)",
        "### Policy pack hybrid-burst-guardrails",
        "### What this plan cannot know",
    ):
        assert heading in report
    assert "**0 mandatory**" in report


def test_the_mermaid_diagram_is_drawn_from_the_recorded_graph(dev_report: tuple[int, str, dict]) -> None:
    _, report, records = dev_report
    diagram = report.split("```mermaid", 1)[1].split("```", 1)[0]
    nodes = re.findall(r"^\s+(n_\w+)\[", diagram, flags=re.MULTILINE)
    assert len(nodes) == len(set(nodes)), "one node per component"
    components = {
        r["urn"] for r in records["resources"] if r["type"].startswith("hybrid-burst:") and r["parent"].endswith("-dev")
    }
    assert len(nodes) == len(components), "every top-level component is drawn"
    assert 'subgraph us_west_1["us-west-1"]' in diagram
    assert 'subgraph us_east_1["us-east-1"]' in diagram
    # The peering component reads both VPCs: edges from both networks into it.
    assert "n_RegionalNetwork_compute --> n_CrossRegionPeering_burst_link" in diagram
    assert "n_RegionalNetwork_onprem --> n_CrossRegionPeering_burst_link" in diagram
    # Parallel creation: no edge from the on-prem cluster into the burst cluster.
    assert "n_EmrCluster_onprem --> n_EmrCluster_burst" not in diagram


def _bad_stacks_dir(tmp_path: Path, mutate: dict) -> Path:
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    doc = yaml.safe_load(layout.stack_file("dev").read_text())
    doc["config"].update(mutate)
    layout.stack_file("bad", stacks).write_text(yaml.safe_dump(doc))
    shutil.copy(layout.policy_config("dev"), layout.policy_config("bad", stacks))
    return stacks


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        ({"hybrid-burst:regions": {"onprem": "us-east-1", "compute": "us-east-1"}}, "hybrid-burst:regions.compute"),
        ({"hybrid-burst:netwrk": {}}, "hybrid-burst:netwrk"),
        ({"hybrid-burst:environment": "qa"}, "hybrid-burst:environment"),
        # Issue 10 item 3: the account baseline's owner must name its Lake Formation admins; ownership is own|shared.
        (
            {"hybrid-burst:accountBaseline": {"ownership": "own", "accountId": "111111111111"}},
            "hybrid-burst:accountBaseline.lakeFormationAdmins",
        ),
        (
            {"hybrid-burst:accountBaseline": {"ownership": "mine", "accountId": "111111111111"}},
            "hybrid-burst:accountBaseline.ownership",
        ),
    ],
)
def test_bad_config_exits_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mutate: dict, key: str
) -> None:
    stacks = _bad_stacks_dir(tmp_path, mutate)
    code = plan.main(["--stack", "bad", "--stacks-dir", str(stacks), "--report", str(tmp_path / "r.md")])
    assert code == plan.EXIT_CONFIG
    err = capsys.readouterr().err
    assert key in err
    assert not (tmp_path / "r.md").exists(), "nothing half-done: no report for a bad config"


def test_mandatory_violations_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Prod's pack demands 15 task-fleet types; a dev-sized fleet of 12 types fails it as mandatory."""
    stacks = _bad_stacks_dir(tmp_path, {})
    policy = json.loads(layout.policy_config("prod").read_text())
    (layout.policy_config("bad", stacks)).write_text(json.dumps(policy))
    doc = yaml.safe_load(layout.stack_file("bad", stacks).read_text())
    doc["config"]["hybrid-burst:emr"] = {"burst": {"task": {"maxTypes": 12}}}
    layout.stack_file("bad", stacks).write_text(yaml.safe_dump(doc))
    code = plan.main(["--stack", "bad", "--stacks-dir", str(stacks)])
    out = capsys.readouterr().out
    assert code == plan.EXIT_VIOLATIONS, out[-2000:]
    assert "[mandatory] emr-fleet-spot-diversification burst-task" in out
    assert "FAIL (mandatory policy violations)" in out


def _copy_stacks(tmp_path: Path, names: tuple[str, ...]) -> Path:
    """A stacks directory holding copies of shipped stack files (and their policy configs), under the same names:
    their recordings come from the session cache."""
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    for name in names:
        shutil.copy(layout.stack_file(name), layout.stack_file(name, stacks))
        shutil.copy(layout.policy_config(name), layout.policy_config(name, stacks))
    return stacks


_TIMINGS = re.compile(r"\d+(\.\d+)?s\b")


def test_stacks_planned_in_two_workers_print_what_one_process_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--all --jobs 2`` forks two workers after the imports; the output is the same (timings aside), in the
    stacks' order, and so are the reports."""
    stacks = _copy_stacks(tmp_path, ("dev", "staging"))
    for name in ("dev", "staging"):  # recorded here, so the forked workers find them in the inherited cache
        plan_cache.recorded(name)
    printed, reports = [], []
    report = tmp_path / "out" / "plan-{stack}.md"
    for jobs in ("1", "2"):
        code = plan.main(["--all", "--stacks-dir", str(stacks), "--no-policy", "--jobs", jobs, "--report", str(report)])
        assert code == plan.EXIT_OK
        printed.append(_TIMINGS.sub("<t>", capsys.readouterr().out))
        written = (tmp_path / "out" / f"plan-{s}.md" for s in ("dev", "staging"))
        reports.append([_TIMINGS.sub("<t>", path.read_text()) for path in written])
    assert printed[0] == printed[1]
    assert printed[1].index("stack dev: ") < printed[1].index("stack staging: ")
    assert reports[0] == reports[1]


def test_a_bad_stack_among_good_ones_fails_the_run_in_workers_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stacks = _copy_stacks(tmp_path, ("dev",))
    (tmp_path / "bad").mkdir()
    bad = _bad_stacks_dir(tmp_path / "bad", {"hybrid-burst:netwrk": {}})
    shutil.copy(layout.stack_file("bad", bad), layout.stack_file("zz-bad", stacks))
    plan_cache.recorded("dev")  # recorded here, so the forked worker finds it in the inherited cache
    code = plan.main(["--all", "--stacks-dir", str(stacks), "--no-policy", "--quiet", "--jobs", "2"])
    out, err = capsys.readouterr()
    assert code == plan.EXIT_CONFIG
    assert re.search(r"^stack dev: \d+ resources, ok$", out, flags=re.MULTILINE), out
    assert "Pulumi.zz-bad.yaml" in err
    assert "hybrid-burst:netwrk" in err


def test_jobs_below_one_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert plan.main(["--all", "--jobs", "0", "--no-policy"]) == plan.EXIT_CONFIG
    assert "--jobs 0" in capsys.readouterr().err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_pack_that_cannot_start_is_a_tool_error_naming_the_pack_and_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    from scripts.offline.analyzer import PackSession, PackStartError

    def refuse(self: PackSession) -> None:
        raise PackStartError(f"policy pack {self.pack_dir.name} exited with 1 before printing its port")

    monkeypatch.setattr(PackSession, "connect", refuse)
    stacks = _copy_stacks(tmp_path, ("dev", "staging"))
    code = plan.main(["--all", "--stacks-dir", str(stacks), "--jobs", jobs, "--report", str(tmp_path / "{stack}.md")])
    err = capsys.readouterr().err
    assert code == plan.EXIT_TOOL
    assert "error: policy pack hybrid-burst-guardrails could not start for stack dev" in err
    assert "fix: make pack-venv" in err
    assert not list(tmp_path.glob("*.md")), "nothing half-done: no report without the policy check"


def test_a_worker_that_dies_is_a_tool_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def die(*_args: object, **_kwargs: object) -> int:
        os._exit(9)  # what the OOM killer would do to a worker

    monkeypatch.setattr(plan, "plan_stack", die)
    stacks = _copy_stacks(tmp_path, ("dev", "staging"))
    assert plan.main(["--all", "--stacks-dir", str(stacks), "--jobs", "2", "--no-policy"]) == plan.EXIT_TOOL
    assert "error: a planning worker died" in capsys.readouterr().err
