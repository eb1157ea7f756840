"""The offline plan diff: added/removed/changed resources, replacement flags from our force-new table, secrets
masked, ignoreChanges honoured, and a clear exit 2 for a diff base that is neither a record file nor a revision."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from scripts import plan
from scripts.offline import plan_diff
from scripts.offline.force_new import FORCE_NEW, NOTE

CLUSTER = "aws:emr/cluster:Cluster"
PREFIX = "urn:pulumi:prod::hybrid-burst::"


def rec(
    name: str,
    type_: str = "aws:s3/bucket:Bucket",
    secret_paths: list[str] | None = None,
    ignore: list[str] | None = None,
    **inputs: Any,
) -> dict[str, Any]:
    return {
        "urn": f"{PREFIX}{type_}::{name}",
        "type": type_,
        "name": name,
        "custom": True,
        "inputs": inputs,
        "provider": f"{PREFIX}pulumi:providers:aws::compute::prod-compute-provider",
        "options": {"protect": False, "ignoreChanges": ignore or []},
        "secret_paths": secret_paths or [],
    }


def test_added_removed_and_changed_are_matched_by_urn() -> None:
    old = [rec("logs", bucket="hb-logs"), rec("gone", bucket="hb-gone"), rec("same", bucket="hb-same")]
    new = [rec("logs", bucket="hb-logs", forceDestroy=True), rec("same", bucket="hb-same"), rec("new", bucket="hb-new")]
    diff = plan_diff.diff_records("prod", "base", old, new)
    assert [r["name"] for r in diff.added] == ["new"]
    assert [r["name"] for r in diff.removed] == ["gone"]
    ((changed),) = diff.changed
    assert changed.urn.endswith("::logs")
    assert [(c.path, c.old, c.new) for c in changed.changes] == [("forceDestroy", plan_diff.ABSENT, True)]
    assert changed.replaced_by == [], "forceDestroy is updated in place"
    text = plan_diff.to_console(diff, plan_diff.masker_for(old, new))
    assert f"+ {PREFIX}aws:s3/bucket:Bucket::new" in text
    assert f"- {PREFIX}aws:s3/bucket:Bucket::gone    DELETED: S3 bucket" in text
    assert "forceDestroy: (absent) -> true" in text
    assert "1 added, 1 removed, 1 changed; 0 stateful/slow replaced, 1 stateful deleted" in text


def test_no_change_is_an_empty_diff() -> None:
    records = [rec("a", bucket="x"), rec("c", CLUSTER, releaseLabel="emr-7.5.0")]
    diff = plan_diff.diff_records("prod", "base", records, copy.deepcopy(records))
    assert diff.empty
    assert "No resource added, removed or changed." in plan_diff.to_markdown(diff, plan_diff.masker_for(records))


@pytest.mark.parametrize(
    ("type_", "before", "after", "replaced_by"),
    [
        (CLUSTER, {"releaseLabel": "emr-7.5.0"}, {"releaseLabel": "emr-7.6.0"}, ["releaseLabel"]),
        (CLUSTER, {"ec2Attributes": {"subnetId": "a"}}, {"ec2Attributes": {"subnetId": "b"}}, ["ec2Attributes"]),
        (CLUSTER, {"stepConcurrencyLevel": 1}, {"stepConcurrencyLevel": 4}, []),  # updated in place
        ("aws:s3/bucket:Bucket", {"bucket": "hb-a"}, {"bucket": "hb-b"}, ["bucket"]),
        ("aws:kms/key:Key", {"multiRegion": False}, {"multiRegion": True}, ["multiRegion"]),
        ("aws:kms/key:Key", {"enableKeyRotation": False}, {"enableKeyRotation": True}, []),
        ("aws:ec2/subnet:Subnet", {"cidrBlock": "10.0.0.0/24"}, {"cidrBlock": "10.0.1.0/24"}, ["cidrBlock"]),
        ("aws:iam/role:Role", {"path": "/a/"}, {"path": "/b/"}, []),  # not a stateful type: never flagged
    ],
)
def test_replacement_flag_comes_from_the_force_new_table(
    type_: str, before: dict[str, Any], after: dict[str, Any], replaced_by: list[str]
) -> None:
    diff = plan_diff.diff_records("prod", "base", [rec("r", type_, **before)], [rec("r", type_, **after)])
    (changed,) = diff.changed
    assert changed.replaced_by == replaced_by
    text = plan_diff.to_console(diff, plan_diff.masker_for())
    assert ("REPLACED (force-new:" in text) == bool(replaced_by)
    assert NOTE in text, "the output says the replacement list is ours, not the engine's"


def test_every_force_new_entry_cites_its_source() -> None:
    for type_, facts in FORCE_NEW.items():
        assert facts.source.startswith("hashicorp/terraform-provider-aws internal/service/"), type_
        assert len(facts.source.rsplit("@ ", 1)[1]) == 40, f"{type_}: cite the commit"
        assert facts.inputs
        assert facts.kind


def test_secrets_are_masked_even_where_copied() -> None:
    old = [
        rec(
            "o",
            "aws:s3/bucketObjectv2:BucketObjectv2",
            secret_paths=["content"],
            content="old-SECRET-value",
            key="a",
            metadata={"copy": "x"},
        )
    ]
    new = [
        rec(
            "o",
            "aws:s3/bucketObjectv2:BucketObjectv2",
            secret_paths=["content"],
            content="new-SECRET-value",
            key="b",
            metadata={"copy": "new-SECRET-value"},
        )
    ]
    diff = plan_diff.diff_records("prod", "base", old, new)
    masker = plan_diff.masker_for(old, new)
    text = plan_diff.to_console(diff, masker) + plan_diff.to_markdown(diff, masker)
    assert "SECRET" not in text
    assert "content: [secret] -> [secret]" in text
    assert 'metadata.copy: "x" -> "[secret]"' in text
    assert 'key: "a" -> "b"' in text


def test_ignore_changes_inputs_are_not_changes() -> None:
    type_ = "aws:s3/bucketObjectv2:BucketObjectv2"
    old = [rec("o", type_, ignore=["contentBase64"], contentBase64="AAAA", key="k")]
    new = [rec("o", type_, ignore=["contentBase64"], contentBase64="BBBB", key="k")]
    assert plan_diff.diff_records("prod", "base", old, new).empty


def test_json_strings_are_compared_as_json_and_list_insertions_stay_local() -> None:
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"]}]}
    grown = copy.deepcopy(policy)
    grown["Statement"][0]["Action"].insert(0, "s3:ListBucket")
    old = [rec("p", "aws:iam/rolePolicy:RolePolicy", policy=json.dumps(policy), args=["--a", "1", "--b", "2"])]
    new = [
        rec(
            "p",
            "aws:iam/rolePolicy:RolePolicy",
            policy=json.dumps(grown, indent=2),
            args=["--a", "1", "--x", "y", "--b", "2"],
        )
    ]
    (changed,) = plan_diff.diff_records("prod", "base", old, new).changed
    assert [(c.path, c.old, c.new) for c in changed.changes] == [
        ("args[2]", plan_diff.ABSENT, "--x"),
        ("args[3]", plan_diff.ABSENT, "y"),
        ("policy.Statement[0].Action[0]", plan_diff.ABSENT, "s3:ListBucket"),
    ]


# --- the command line ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "message"),
    [
        ("no-such-revision-4f1c", "neither a plan record file nor a git revision"),
        ("", "needs a git revision or a plan record file"),
        ("{tmp}/missing.json", "no such record file"),
        ("{tmp}/garbage.json", "not a readable plan record"),
        ("{tmp}/list.json", "not a plan record"),
        ("{tmp}/dev.json", "is the record of stack 'dev', not 'prod'"),
    ],
)
def test_a_bad_base_exits_2_with_the_fix_before_anything_is_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], base: str, message: str
) -> None:
    (tmp_path / "garbage.json").write_text("{not json")
    (tmp_path / "list.json").write_text("[1, 2]")
    (tmp_path / "dev.json").write_text(json.dumps({"stack": "dev", "resources": []}))
    code = plan.main(["--stack", "prod", "--quiet", "--no-policy", "--diff", base.replace("{tmp}", str(tmp_path))])
    err = capsys.readouterr().err
    assert code == plan.EXIT_CONFIG
    assert message in err
    assert "fix:" in err or "--diff needs" in err
    assert "Traceback" not in err


def test_all_with_one_record_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "one.json").write_text(json.dumps({"resources": []}))
    assert plan.main(["--all", "--quiet", "--no-policy", "--diff", str(tmp_path / "one.json")]) == plan.EXIT_CONFIG
    assert "put {stack} in the path" in capsys.readouterr().err


@pytest.mark.usefixtures("recorder_from_cache")
def test_diff_against_a_record_file_prints_and_reports_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The real dev plan against an edited copy of itself: one resource more, one less, a new release label."""
    assert plan.main(["--stack", "dev", "--quiet", "--no-policy", "--json", str(tmp_path / "head.json")]) == 0
    doc = json.loads((tmp_path / "head.json").read_text())
    resources = doc["resources"]
    cluster = next(r for r in resources if r["type"] == CLUSTER and r["name"] == "burst-cluster")
    cluster["inputs"]["releaseLabel"] = "emr-6.15.0"
    dropped = next(r for r in resources if r["type"] == "aws:sns/topic:Topic")
    resources.remove(dropped)
    resources.append({**copy.deepcopy(resources[-1]), "urn": resources[-1]["urn"] + "-retired"})
    (tmp_path / "base.json").write_text(json.dumps(doc))
    capsys.readouterr()

    code = plan.main(
        [
            "--stack",
            "dev",
            "--quiet",
            "--no-policy",
            "--diff",
            str(tmp_path / "base.json"),
            "--report",
            str(tmp_path / "plan-{stack}.md"),
        ]
    )
    out = capsys.readouterr().out
    assert code == plan.EXIT_OK, "a non-empty diff is not a failure"
    assert "1 added, 1 removed, 1 changed; 1 stateful/slow replaced" in out
    assert f"+ {dropped['urn']}" in out
    assert f"- {resources[-1]['urn']}" in out
    assert f"~ {cluster['urn']}    REPLACED (force-new: releaseLabel): EMR cluster" in out
    assert 'releaseLabel: "emr-6.15.0" -> ' in out
    report = (tmp_path / "plan-dev.md").read_text()
    assert f"### Plan diff against `{tmp_path / 'base.json'}`" in report
    assert "```diff" in report
    assert NOTE in report


@pytest.mark.slow
def test_a_git_revision_is_recorded_in_a_temporary_tree_and_cleaned_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    # A temporary directory of this test's own: other plan diffs running on the machine create their trees in /tmp.
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(own_tmp))
    made: list[str] = []
    real_mkdtemp = tempfile.mkdtemp

    def recording_mkdtemp(*args: Any, **kwargs: Any) -> str:
        made.append(real_mkdtemp(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(tempfile, "mkdtemp", recording_mkdtemp)
    bases = plan_diff.load_base("HEAD", ["dev", "no-such-stack"])
    assert bases["no-such-stack"] is None, "a stack without a stack file at the base: everything is added"
    dev = bases["dev"]
    assert dev
    assert all(r["urn"].startswith("urn:pulumi:dev::hybrid-burst::") for r in dev)
    assert any(r["type"] == CLUSTER for r in dev)
    assert made, "the base is recorded in a temporary tree"
    assert all(Path(m).parent == own_tmp for m in made)
    assert not [m for m in made if Path(m).exists()], "the temporary tree is removed"


def test_a_resource_moved_by_alias_is_a_move_not_a_delete_and_a_create() -> None:
    """Issue 10 item 3: the account singletons moved under AccountBaseline with ``pulumi.Alias``; the diff pairs the
    old URN with the new resource that names it as an alias and compares their inputs."""
    settings = "aws:lakeformation/dataLakeSettings:DataLakeSettings"
    old = [rec("lake-settings", settings, admins=["arn:aws:iam::123456789012:user/me"]), rec("gone", bucket="x")]
    moved = rec("compute-account-baseline-lake-settings", settings, admins=["arn:aws:iam::123456789012:role/admin"])
    moved["aliases"] = [old[0]["urn"]]
    stale = rec("other", bucket="y")
    stale["aliases"] = [f"{PREFIX}aws:s3/bucket:Bucket::never-existed"]
    diff = plan_diff.diff_records("prod", "base", old, [moved, stale])
    assert diff.moved == [(old[0]["urn"], moved["urn"])]
    assert [r["name"] for r in diff.added] == ["other"], "an alias naming nothing in the base is a plain addition"
    assert [r["name"] for r in diff.removed] == ["gone"]
    ((changed),) = diff.changed
    assert changed.urn == moved["urn"]
    assert {c.path for c in changed.changes} == {"admins[0]"}
    text = plan_diff.to_console(diff, plan_diff.masker_for(old, [moved, stale]))
    assert f"> {moved['urn']}    MOVED (alias) from {old[0]['urn']}" in text
    assert "1 added, 1 removed, 1 changed, 1 moved by alias;" in text
