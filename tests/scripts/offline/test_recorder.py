"""The recording monitor: what it records must be what the engine would receive.

Each test builds a tiny program inside the test and records it; the URN oracle is the SDK's own
``pulumi.create_urn``, which builds URNs the way the engine does.
"""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pulumi_aws as aws
import pytest

from scripts.offline.recorder import UNKNOWN, Plan, RecordedResource, record


class Outer(pulumi.ComponentResource):
    """A two-level component: Outer > Inner > an AWS resource, plus an AWS resource directly under Outer."""

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("test:index:Outer", name, None, opts)
        inner = pulumi.ComponentResource("test:index:Inner", f"{name}-inner", None, pulumi.ResourceOptions(parent=self))
        self.deep = aws.ssm.Parameter(
            f"{name}-deep", type="String", value="v", opts=pulumi.ResourceOptions(parent=inner)
        )
        self.shallow = aws.ec2.Vpc(f"{name}-vpc", cidr_block="10.0.0.0/16", opts=pulumi.ResourceOptions(parent=self))
        self.inner = inner
        self.register_outputs({})


def test_urns_are_built_like_the_engine_does(run_program: Callable[..., Plan]) -> None:
    def program() -> None:
        top = aws.ec2.Vpc("top", cidr_block="10.1.0.0/16")
        outer = Outer("o")
        pulumi.export("urn_top", pulumi.create_urn("top", "aws:ec2/vpc:Vpc"))
        pulumi.export("urn_outer", pulumi.create_urn("o", "test:index:Outer"))
        pulumi.export("urn_inner", pulumi.create_urn("o-inner", "test:index:Inner", parent=outer))
        pulumi.export("urn_deep", pulumi.create_urn("o-deep", "aws:ssm/parameter:Parameter", parent=outer.inner))
        pulumi.export("sdk_top", top.urn)
        pulumi.export("sdk_deep", outer.deep.urn)

    plan = run_program(program, stack="urns")
    out = plan.outputs
    assert plan.one("aws:ec2/vpc:Vpc", "top").urn == out["urn_top"] == out["sdk_top"]
    assert plan.one("test:index:Outer").urn == out["urn_outer"]
    assert plan.one("test:index:Inner").urn == out["urn_inner"]
    assert plan.one("aws:ssm/parameter:Parameter").urn == out["urn_deep"] == out["sdk_deep"]
    # Spelled out: top-level resources carry no Stack$ prefix; nested ones carry their ancestors' types.
    assert out["urn_top"] == "urn:pulumi:urns::hybrid-burst::aws:ec2/vpc:Vpc::top"
    assert out["urn_deep"].split("::")[2] == "test:index:Outer$test:index:Inner$aws:ssm/parameter:Parameter"
    assert all("pulumi:pulumi:Stack$" not in r.urn for r in plan.resources)


def test_parent_and_component_helpers_follow_the_urns(run_program: Callable[..., Plan]) -> None:
    plan = run_program(lambda: Outer("o"))
    outer = plan.one("test:index:Outer")
    deep = plan.one("aws:ssm/parameter:Parameter")
    assert deep.parent == plan.one("test:index:Inner").urn
    assert plan.component_of(deep) is None, "test:* components are not hybrid-burst components"
    assert {r.name for r in plan.descendants(outer)} == {"o-inner", "o-deep", "o-vpc"}
    assert {r.name for r in plan.children(outer)} == {"o-inner", "o-vpc"}
    assert [r.name for r in plan.custom_resources] == [r.name for r in plan.resources if r.custom]
    with pytest.raises(LookupError, match="expected one"):
        plan.one("test:index:Missing")


def test_stack_outputs_are_captured(run_program: Callable[..., Plan]) -> None:
    def program() -> None:
        vpc = aws.ec2.Vpc("v", cidr_block="10.2.0.0/16")
        pulumi.export("count", 3)
        pulumi.export("names", ["a", "b"])
        pulumi.export("vpc_id", vpc.id)
        pulumi.export("nested", {"cidr": vpc.cidr_block})

    plan = run_program(program)
    vpc = plan.one("aws:ec2/vpc:Vpc")
    assert plan.outputs == {"count": 3, "names": ["a", "b"], "vpc_id": vpc.id, "nested": {"cidr": "10.2.0.0/16"}}
    assert vpc.id.startswith("vpc-")


def test_secrets_are_unwrapped_and_listed(run_program: Callable[..., Plan]) -> None:
    def program() -> None:
        aws.ssm.Parameter(
            "p",
            type="SecureString",
            value=pulumi.Output.secret("s3cr3t"),
            tags={"owner": pulumi.Output.secret("team-a"), "plain": "yes"},
            description="not secret",
        )

    res = run_program(program).one("aws:ssm/parameter:Parameter")
    assert res.inputs["value"] == "s3cr3t"
    assert res.inputs["tags"] == {"owner": "team-a", "plain": "yes"}
    # Top-level keys holding a secret anywhere below them.
    assert res.secret_paths == ["tags", "value"]
    assert "description" not in res.secret_paths


def test_resource_references_become_urns(run_program: Callable[..., Plan]) -> None:
    def program() -> None:
        outer = Outer("o")
        pulumi.CustomResource("test:index:Holder", "h", {"custom": outer.shallow, "component": outer})

    plan = run_program(program)
    holder = plan.one("test:index:Holder")
    assert holder.inputs["custom"] == plan.one("aws:ec2/vpc:Vpc").urn
    assert holder.inputs["component"] == plan.one("test:index:Outer").urn


def test_integers_stay_integers(run_program: Callable[..., Plan]) -> None:
    def program() -> None:
        aws.ec2.FlowLog(
            "f", vpc_id="vpc-0123456789abcdef0", traffic_type="ALL", max_aggregation_interval=60,
            log_destination="arn:aws:s3:::bucket",
        )
        pulumi.CustomResource("test:index:Numbers", "n", {"i": 7, "f": 0.25, "big": 2**40, "list": [1, 2.5]})

    plan = run_program(program)
    interval = plan.one("aws:ec2/flowLog:FlowLog").inputs["maxAggregationInterval"]
    assert interval == 60
    assert type(interval) is int
    numbers = plan.one("test:index:Numbers").inputs
    assert type(numbers["i"]) is int
    assert type(numbers["big"]) is int
    assert numbers["f"] == 0.25
    assert [type(v) for v in numbers["list"]] == [int, float]


@pytest.mark.parametrize("how", ["providers", "provider"])
def test_provider_region_reaches_every_descendant(run_program: Callable[..., Plan], how: str) -> None:
    def program() -> None:
        west = aws.Provider("west", region="us-west-1")
        east = aws.Provider("east", region="us-east-1")
        opts = pulumi.ResourceOptions(providers=[west]) if how == "providers" else pulumi.ResourceOptions(provider=west)
        Outer("o", opts)
        aws.ec2.Vpc("explicit", cidr_block="10.3.0.0/16", opts=pulumi.ResourceOptions(provider=east))
        aws.ec2.Vpc("default", cidr_block="10.4.0.0/16")

    plan = run_program(program)
    west = plan.one("pulumi:providers:aws", "west")
    assert west.region == "us-west-1"
    for name in ("o-deep", "o-vpc"):
        res = next(r for r in plan.resources if r.name == name)
        assert res.region == "us-west-1", f"{name} via {how}="
        assert res.provider_urn == west.urn
    assert plan.one("aws:ec2/vpc:Vpc", "explicit").region == "us-east-1"
    assert plan.one("aws:ec2/vpc:Vpc", "default").region is None, "no explicit provider, no region"
    assert plan.one("test:index:Outer").region is None, "components have no region"


def test_mock_outputs_follow_the_provider_region(run_program: Callable[..., Plan]) -> None:
    def program() -> None:
        aws.kms.Key("k", opts=pulumi.ResourceOptions(provider=aws.Provider("west", region="us-west-1")))

    key = run_program(program).one("aws:kms/key:Key")
    assert key.outputs["arn"].startswith("arn:aws:kms:us-west-1:")
    assert key.outputs["id"] == key.id


def test_an_unknown_invoke_raises_a_clear_error(run_program: Callable[..., Plan]) -> None:
    def program() -> None:
        aws.ec2.get_vpc_output(id="vpc-0123456789abcdef0")

    with pytest.raises(NotImplementedError, match=r"no mock answer for invoke aws:ec2/getVpc:getVpc.*INVOKES"):
        run_program(program)


def test_known_invokes_answer_for_the_providers_region(run_program: Callable[..., Plan]) -> None:
    def program() -> None:
        west = aws.Provider("west", region="us-west-1")
        azs = aws.get_availability_zones_output(opts=pulumi.InvokeOutputOptions(provider=west))
        pulumi.export("azs", azs.names)

    azs = run_program(program).outputs["azs"]
    assert azs
    assert all(az.startswith("us-west-1") for az in azs)


def test_reading_an_existing_resource_is_refused(run_program: Callable[..., Plan]) -> None:
    def program() -> None:
        aws.ec2.Vpc.get("existing", "vpc-0123456789abcdef0")

    with pytest.raises(NotImplementedError, match="cannot look it up"):
        run_program(program)


def test_a_failing_program_carries_its_partial_plan(run_program: Callable[..., Plan]) -> None:
    def program() -> None:
        aws.ec2.Vpc("before", cidr_block="10.5.0.0/16")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom") as caught:
        run_program(program)
    partial: Plan = caught.value.plan  # type: ignore[attr-defined]
    assert [r.name for r in partial.resources] == ["before"]


def test_options_are_recorded(run_program: Callable[..., Plan]) -> None:
    def program() -> None:
        first = aws.ec2.Vpc("first", cidr_block="10.6.0.0/16")
        aws.ec2.Vpc(
            "second",
            cidr_block="10.7.0.0/16",
            opts=pulumi.ResourceOptions(
                protect=True, retain_on_delete=True, ignore_changes=["tags"], depends_on=[first]
            ),
        )

    plan = run_program(program)
    first, second = plan.one("aws:ec2/vpc:Vpc", "first"), plan.one("aws:ec2/vpc:Vpc", "second")
    assert second.options["protect"] is True
    assert second.options["retainOnDelete"] is True
    assert second.options["ignoreChanges"] == ["tags"]
    assert first.urn in second.dependencies
    assert first.options["protect"] is False


def test_preview_leaves_computed_values_unknown() -> None:
    def program() -> None:
        vpc = aws.ec2.Vpc("v", cidr_block="10.8.0.0/16")
        aws.ec2.Subnet("s", vpc_id=vpc.id, cidr_block="10.8.0.0/20")

    plan = record(program, stack="test", config={}, preview=True)
    subnet = plan.one("aws:ec2/subnet:Subnet")
    # Under the mock the id is known even in preview; the property dependency still points at the VPC.
    assert subnet.property_dependencies["vpcId"] == [plan.one("aws:ec2/vpc:Vpc").urn]
    assert subnet.inputs["vpcId"] in {plan.one("aws:ec2/vpc:Vpc").id, UNKNOWN}


def test_two_runs_in_a_row_do_not_leak_state(run_program: Callable[..., Plan]) -> None:
    def first() -> None:
        aws.ec2.Vpc("only-in-first", cidr_block="10.9.0.0/16")
        pulumi.export("first", 1)
        pulumi.export("stack", pulumi.get_stack())

    def second() -> None:
        pulumi.export("stack", pulumi.get_stack())
        pulumi.export("config", pulumi.Config("hybrid-burst").get("leak"))

    one = record(first, stack="one", config={"hybrid-burst:leak": "yes"})
    two = run_program(second, stack="two")
    assert [r.name for r in one.resources] == ["only-in-first"]
    assert one.outputs == {"first": 1, "stack": "one"}
    assert two.resources == []
    # The first run's config is gone (an export of None is dropped, as the SDK does).
    assert two.outputs == {"stack": "two"}


def test_recorded_resources_serialise_to_plain_json(run_program: Callable[..., Plan]) -> None:
    import json

    plan = run_program(lambda: Outer("o"))
    for res in plan.resources:
        assert isinstance(res, RecordedResource)
        again = json.loads(json.dumps(res.to_dict()))
        assert again["urn"] == res.urn
        assert set(again) >= {"urn", "type", "name", "custom", "id", "parent", "provider", "region", "inputs",
                              "outputs", "dependencies", "property_dependencies", "options", "secret_paths"}


def test_generated_certificates_share_one_key_per_process_only_while_recording(
    run_program: Callable[..., Plan],
) -> None:
    """The recorder lends every self-signed certificate one key per process (a plan is never deployed); outside a
    recording, certificates get a key each (ADR 0004)."""
    import base64
    import io
    import zipfile

    from components.emr.security_configuration import self_signed_pem_zip

    def key_of(zipped: bytes) -> bytes:
        with zipfile.ZipFile(io.BytesIO(zipped)) as zf:
            return zf.read("privateKey.pem")

    def program() -> None:
        for i, suffix in enumerate(("ec2.internal", "us-west-1.compute.internal")):
            zipped = self_signed_pem_zip(suffix, validity_days=30)
            content = base64.b64encode(zipped).decode()
            aws.s3.BucketObjectv2(f"certs-{i}", bucket="b", key=f"k{i}", content_base64=content)

    keys = [key_of(base64.b64decode(o.inputs["contentBase64"])) for o in run_program(program).resources if o.custom]
    again = [key_of(base64.b64decode(o.inputs["contentBase64"])) for o in run_program(program).resources if o.custom]
    assert len(keys) == 2
    assert len(set(keys + again)) == 1
    assert key_of(self_signed_pem_zip("ec2.internal", validity_days=30)) not in keys


def test_aliases_are_recorded_as_the_former_urns(run_program: Callable[..., Plan]) -> None:
    """Alias specs resolve like the engine resolves them: a field left out is the resource's own; the oracle is the
    SDK's ``create_urn`` of the former address."""

    def program() -> None:
        outer = Outer("o")
        old_parent = pulumi.create_urn("g", "test:index:Guardrails")
        aws.ec2.Vpc(
            "moved",
            cidr_block="10.2.0.0/16",
            opts=pulumi.ResourceOptions(
                parent=outer,
                aliases=[
                    pulumi.Alias(name="g-vpc", parent=old_parent),  # renamed and re-parented
                    pulumi.Alias(parent=pulumi.ROOT_STACK_RESOURCE),  # was at the top level, same name
                    "urn:pulumi:urns::hybrid-burst::aws:ec2/vpc:Vpc::spelled-out",
                ],
            ),
        )
        pulumi.export("old", pulumi.create_urn("g-vpc", "aws:ec2/vpc:Vpc", parent=old_parent))
        pulumi.export("top", pulumi.create_urn("moved", "aws:ec2/vpc:Vpc"))

    plan = run_program(program, stack="urns")
    moved = plan.one("aws:ec2/vpc:Vpc", "moved")
    assert moved.aliases == [
        plan.outputs["old"],
        plan.outputs["top"],
        "urn:pulumi:urns::hybrid-burst::aws:ec2/vpc:Vpc::spelled-out",
    ]
    assert plan.outputs["old"].split("::")[2] == "test:index:Guardrails$aws:ec2/vpc:Vpc"
    assert plan.one("aws:ec2/vpc:Vpc", "o-vpc").aliases == []
