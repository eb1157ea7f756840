"""What every runbook in ``scripts/ops/`` shares: the stack outputs file, exit codes, error reporting, waiting with a
progress display, and results as a table plus JSON.

Exit codes (the same across ``plan.py``, ``deploy.py``, ``smoke``, ``spot_drill`` and every runbook):

====  =========================================================================================================
0     success: every check passed
1     the runbook ran, and a check failed (a step failed, a cluster is not usable, capacity did not come back)
2     bad input: a missing or incomplete outputs file, a bad option, a stack config that does not validate
3     an AWS error: access denied, no credentials, an endpoint that cannot be reached, a throttled or failed call
130   interrupted by the operator (Ctrl-C); steps already submitted keep running (the drill stops its experiment)
====  =========================================================================================================

Errors go to stderr as one ``error: ...`` paragraph that names what failed and how to fix it, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import boto3
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)

EXIT_OK = 0
EXIT_CHECKS_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_AWS_ERROR = 3
EXIT_INTERRUPTED = 130
"""Ctrl-C (128 + SIGINT, the shell's convention): the runbook stopped waiting; what it started on AWS goes on."""

REPO = Path(__file__).resolve().parents[2]
SQL_DIR = Path(__file__).resolve().parent / "sql"
DEFAULT_OUTPUT_DIR = REPO / "out" / "runbooks"

# Error codes AWS services return for a caller without permission (EMR: AccessDeniedException, S3: AccessDenied,
# EC2: UnauthorizedOperation, STS/IAM: AccessDenied; FIS: AccessDeniedException).
ACCESS_DENIED_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError", "Forbidden", "403"}
)
CREDENTIAL_CODES = frozenset(
    {"InvalidClientTokenId", "UnrecognizedClientException", "ExpiredToken", "ExpiredTokenException",
     "InvalidAccessKeyId", "SignatureDoesNotMatch"}
)


class RunbookError(Exception):
    """An error the runbook reports as one message and an exit code (never a traceback)."""

    exit_code = EXIT_CHECKS_FAILED


class BadInputError(RunbookError):
    exit_code = EXIT_BAD_INPUT


class AwsError(RunbookError):
    exit_code = EXIT_AWS_ERROR


class CheckFailedError(RunbookError):
    exit_code = EXIT_CHECKS_FAILED


# --- the stack outputs file --------------------------------------------------------------------------------------

OUTPUTS_HINT = "write it with: pulumi stack output --json -s <stack> > outputs.json"


@dataclass(frozen=True)
class Outputs:
    """The stack outputs (``pulumi stack output --json``) a runbook reads, checked up front."""

    path: str
    data: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def region(self, side: str) -> str:
        return str(self.data["regions"][side])


def _available_regions() -> frozenset[str]:
    # botocore's own endpoint data, every partition (no network call).
    session = boto3.session.Session()
    regions: set[str] = set()
    for partition in session.get_available_partitions():
        regions.update(session.get_available_regions("emr", partition_name=partition))
    return frozenset(regions)


def read_outputs_object(
    path: str, *, error: Callable[[str], Exception], hint: str, no_file: str, stdin: TextIO | None = None
) -> dict[str, Any]:
    """The outputs file (``-``: stdin) as a JSON object, or ``error`` naming the file and the fix: ``no_file`` when it
    does not exist, else what is wrong (unreadable, not JSON with line and column, not an object) and ``hint``.
    Shared by the runbooks (``load_outputs``) and ``smoke``."""
    source = "stdin" if path == "-" else path
    if path != "-" and not Path(path).is_file():
        raise error(no_file)
    try:
        text = (stdin or sys.stdin).read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise error(f"{source}: cannot read the outputs file ({err}); {hint}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise error(f"{source}: not JSON (line {err.lineno}, column {err.colno}: {err.msg}); {hint}") from None
    if not isinstance(data, dict):
        raise error(f"{source}: expected a JSON object of stack outputs, got {type(data).__name__}; {hint}")
    return data


def load_outputs(path: str, required: Iterable[str], *, sides: Sequence[str] = ("onprem", "compute")) -> Outputs:
    """Read and check the outputs file: it exists, is a JSON object, has every ``required`` key and valid regions.

    ``-`` reads stdin. Raises ``BadInputError`` naming the file, the missing keys and the fix.
    """
    data = read_outputs_object(
        path, error=BadInputError, hint=OUTPUTS_HINT, no_file=f"{path}: no such outputs file; {OUTPUTS_HINT}"
    )
    missing = sorted(k for k in {"regions", *required} if data.get(k) in (None, "", [], {}))
    if missing:
        raise BadInputError(
            f"{path}: incomplete stack outputs: missing {', '.join(missing)}. Is the stack fully deployed with this "
            f"version of the program (pulumi up), and was the file written after it? {OUTPUTS_HINT}"
        )
    regions = data["regions"]
    if not isinstance(regions, dict):
        raise BadInputError(f"{path}: 'regions' must be an object like {{\"onprem\": \"us-west-1\", ...}}")
    known = _available_regions()
    for side in sides:
        region = regions.get(side)
        if not region:
            raise BadInputError(f"{path}: regions.{side} is missing; {OUTPUTS_HINT}")
        if region not in known:
            raise BadInputError(
                f"{path}: regions.{side} is {region!r}, which is not an AWS region with EMR (botocore's endpoint "
                "data); fix the outputs file or write it again from the stack"
            )
    return Outputs(path=path, data=data)


# --- AWS errors -----------------------------------------------------------------------------------------------------


def describe_aws_error(err: Exception, *, region: str | None = None) -> RunbookError:
    """A one-paragraph message for a botocore error, with the fix; access denied and credentials named as such."""
    where = f" in {region}" if region else ""
    if isinstance(err, ClientError):
        error = err.response.get("Error", {})
        code = str(error.get("Code", ""))
        message = str(error.get("Message", "")) or code
        if message.lstrip().startswith("<?xml") and "<Message>" in message:
            # An error document botocore could not parse (emulators answer JSON-protocol calls with XML): its message.
            message = message.split("<Message>", 1)[1].split("</Message>", 1)[0]
        op = err.operation_name
        if code in ACCESS_DENIED_CODES or "AccessDenied" in code or "NotAuthorized" in code:
            return AwsError(
                f"access denied: {op}{where}: {message}. The caller needs permission for this call; see the "
                "permissions listed for this runbook in docs/operations.md"
            )
        if code in CREDENTIAL_CODES:
            return AwsError(f"invalid AWS credentials for {op}{where}: {message}; refresh them (aws sso login)")
        return AwsError(f"AWS error {code} from {op}{where}: {message}")
    if isinstance(err, NoCredentialsError | PartialCredentialsError):
        return AwsError("no AWS credentials found; set AWS_PROFILE or pass --profile (or export credentials)")
    if isinstance(err, NoRegionError):
        return AwsError("no AWS region; the runbooks take regions from the outputs file - is it complete?")
    if isinstance(err, EndpointConnectionError):
        return AwsError(
            f"cannot reach the AWS endpoint{where}: {err}. Is the region right (regions in the outputs file) and is "
            "the network up? With --endpoint-url, is the emulator running?"
        )
    return AwsError(f"AWS client error{where}: {err}")


def not_found_in_region(what: str, ident: str, region: str, outputs: Outputs, key: str) -> RunbookError:
    """A resource from the outputs file is not in the region the file names: wrong region or wrong account."""
    return BadInputError(
        f"{what} {ident} (stack output {key!r}) does not exist in {region} (the region {outputs.path} names). Is the "
        "outputs file from this stack and this AWS account/profile, and are its regions right?"
    )


# --- waiting ---------------------------------------------------------------------------------------------------------


@dataclass
class Clock:
    """Time as the runbooks see it; tests pass a fake one so that waits take no real time."""

    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], float] = time.monotonic


@dataclass
class Progress:
    """A progress display on stderr: one rewritten line on a terminal, one line per change otherwise."""

    stream: TextIO = field(default_factory=lambda: sys.stderr)
    quiet: bool = False
    _last: str = ""

    @property
    def tty(self) -> bool:
        return bool(getattr(self.stream, "isatty", lambda: False)())

    def update(self, what: str, status: str, elapsed: float, limit: float) -> None:
        if self.quiet:
            return
        line = f"{what}: {status} ({_mmss(elapsed)} of {_mmss(limit)})"
        if self.tty:
            self.stream.write("\r\033[K" + line)
            self.stream.flush()
        elif status != self._last:
            self.stream.write(line + "\n")
        self._last = status

    def done(self, what: str, status: str, elapsed: float) -> None:
        if self.quiet:
            return
        prefix = "\r\033[K" if self.tty else ""
        self.stream.write(f"{prefix}{what}: {status} after {_mmss(elapsed)}\n")
        self._last = ""

    def note(self, message: str) -> None:
        if not self.quiet:
            self.stream.write(message + "\n")


def _mmss(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class WaitTimeoutError(CheckFailedError):
    """A bounded wait ran out."""


def wait_until(
    poll: Callable[[], tuple[bool, str]],
    *,
    what: str,
    timeout: float,
    interval: float,
    clock: Clock,
    progress: Progress,
) -> float:
    """Call ``poll`` every ``interval`` seconds until it returns ``(True, status)``; at most ``timeout`` seconds.

    Returns the seconds waited; raises ``WaitTimeoutError`` naming what and the last status.
    """
    started = clock.now()
    while True:
        finished, status = poll()
        elapsed = clock.now() - started
        if finished:
            progress.done(what, status, elapsed)
            return elapsed
        if elapsed >= timeout:
            progress.done(what, f"gave up: {status}", elapsed)
            raise WaitTimeoutError(f"{what}: still {status} after {timeout:.0f}s (the limit; raise it with the option)")
        progress.update(what, status, elapsed, timeout)
        clock.sleep(min(interval, max(timeout - elapsed, 0.0)) if interval > 0 else 0.0)


# --- results ---------------------------------------------------------------------------------------------------------


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain aligned text table (numbers right-aligned)."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    numeric = [all(_is_number(r[i]) for r in cells) and bool(cells) for i in range(len(headers))]

    def fmt(row: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(row, widths, numeric, strict=True)).rstrip()

    lines = [fmt(list(headers)), "  ".join("-" * w for w in widths)]
    lines.extend(fmt(row) for row in cells)
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return text == "-"
    return True


def run_id() -> str:
    """A short, sortable id for one runbook run (UTC timestamp), used in S3 keys, table names and file names."""
    return datetime.now(UTC).strftime("%Y%m%dt%H%M%S")


def write_json(path: Path, result: Mapping[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    return path


# --- the command line ------------------------------------------------------------------------------------------------


def parser(doc: str | None, *, outputs: bool = True) -> argparse.ArgumentParser:
    """An argument parser with the options every runbook has."""
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    if outputs:
        p.add_argument("outputs", help="stack outputs JSON (pulumi stack output --json > outputs.json), or - for stdin")
    p.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR,
                   help="where the JSON result (and charts) go; default out/runbooks/")
    p.add_argument("--quiet", action="store_true", help="no progress display on stderr")
    p.add_argument("--endpoint-url", help="send every AWS call to this endpoint (an emulator such as moto)")
    p.add_argument("--profile", help="AWS profile")
    return p


def positive(value: str) -> float:
    """argparse type: a number of seconds >= 0."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value!r}: must be 0 or more")
    return number


def run(body: Callable[[], int], *, region: str | None = None, stderr: TextIO | None = None) -> int:
    """Run a runbook's body and turn every expected failure into ``error: ...`` on stderr and its exit code."""
    err_stream = stderr or sys.stderr
    try:
        return body()
    except RunbookError as err:
        print(f"error: {err}", file=err_stream)
        return err.exit_code
    except (ClientError, BotoCoreError) as err:
        print(f"error: {describe_aws_error(err, region=region)}", file=err_stream)
        return EXIT_AWS_ERROR
    except KeyboardInterrupt:
        print(
            "\nerror: interrupted; EMR steps already submitted keep running (see the cluster's Steps tab, or "
            "aws emr cancel-steps)",
            file=err_stream,
        )
        return EXIT_INTERRUPTED


# --- the stack's config ----------------------------------------------------------------------------------------------

STACKS_DIR = REPO / "stacks"


def load_stack_config(stack: str, stacks_dir: Path = STACKS_DIR) -> Any:
    """The validated config of ``stacks/Pulumi.<stack>.yaml`` (a ``StackConfig``); any problem: ``BadInputError``."""
    from components.config import ConfigError, load_stack_file

    path = stacks_dir / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        known = sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in stacks_dir.glob("Pulumi.*.yaml"))
        raise BadInputError(f"--stack {stack!r}: no stack file {path}; known stacks: {', '.join(known) or 'none'}")
    try:
        return load_stack_file(path, stack=stack)  # the program's strict reader: YAML and key errors with lines
    except (ConfigError, ValueError) as err:
        raise BadInputError(f"{path}: {err}") from None


def duration_seconds(value: str) -> float:
    """An Alluxio/Airlift duration (``500ms``, ``30s``, ``1m``, ``2h``, ``1d``) in seconds."""
    units = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
    for unit in ("ms", "s", "m", "h", "d"):
        number = value.removesuffix(unit)
        if number != value and number.isdigit():
            return int(number) * units[unit]
    raise BadInputError(f"{value!r} is not a duration; write a number and a unit (ms, s, m, h, d), e.g. 30s")
