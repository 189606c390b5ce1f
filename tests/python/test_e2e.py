#!/usr/bin/env python3
"""End-to-end test of the built okx-mcp binary through the official MCP Python SDK client.

The script starts fake-okx on 127.0.0.1 with a free port, then starts okx-mcp over stdio for
each case with `mcp.Client`, once with the initialize handshake (mode="legacy") and once with
2026-07-28 discovery (mode="auto"). It exits with status 1 if any case fails and ends with the
line "N passed, M failed".

Usage: test_e2e.py [OKX_MCP_BINARY [FAKE_OKX_BINARY]]

The binaries default to $OKX_MCP_BIN and $FAKE_OKX_BIN, then to target/debug/okx-mcp and
target/debug/fake-okx of this repository. RUST_LOG sets both binaries' log level (default warn).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import jsonschema
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.shared.exceptions import MCPError

REPOSITORY = Path(__file__).resolve().parents[2]
FIXTURES = REPOSITORY / "tests" / "fixtures" / "okx"

# The fake's live-environment test key, from tests/fake-okx/src/keys.rs (LIVE_TEST_KEY).
LIVE_KEY = "7c1f9d2e-4b6a-4e8d-9a3f-52b0c7e1d864"
LIVE_SECRET = "5E0A93C1B7D24F6E8A1C3B5D7F9E2A40"
LIVE_PASSPHRASE = "Fake#Live-Pass_2024!"

# JSON-RPC "Invalid params", which okx-mcp returns for a tool name it does not serve.
INVALID_PARAMS = -32602

# The protocol version that mode="auto" must reach through server/discover.
MODERN_PROTOCOL_VERSION = "2026-07-28"

MODES = ("legacy", "auto")

# Seconds allowed for fake-okx to print its address, and for each case.
STARTUP_TIMEOUT = 30
CASE_TIMEOUT = 60


class Context:
    """Binary paths and the fake's base URL, shared by all cases."""

    def __init__(self, server_binary: str, base_url: str) -> None:
        self.server_binary = server_binary
        self.base_url = base_url
        self.log_level = os.environ.get("RUST_LOG", "warn")

    def client(self, mode: str, *, credentials: bool, toolsets: str = "default", secret: str = LIVE_SECRET) -> Client:
        """Build a client that starts okx-mcp against the fake, with or without the live test key.

        The SDK passes only a short list of safe variables (PATH, HOME, ...) from this process to
        the server, so OKX_* variables of the caller's shell cannot leak into a case.
        """
        env = {
            "OKX_BASE_URL": self.base_url,
            "OKX_TOOLSETS": toolsets,
            "RUST_LOG": self.log_level,
        }
        if credentials:
            env["OKX_API_KEY"] = LIVE_KEY
            env["OKX_API_SECRET"] = secret
            env["OKX_API_PASSPHRASE"] = LIVE_PASSPHRASE
        parameters = StdioServerParameters(command=self.server_binary, env=env, cwd=str(REPOSITORY))
        return Client(parameters, mode=mode)


class FakeOkx:
    """A fake-okx child process, which runs while its stdin is open and stops when stop() closes it."""

    def __init__(self, binary: str) -> None:
        env = dict(os.environ)
        env["RUST_LOG"] = os.environ.get("RUST_LOG", "warn")
        command = [binary, "--addr", "127.0.0.1:0", "--fixtures", str(FIXTURES)]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        self.base_url = self._read_address()

    def _read_address(self) -> str:
        lines: queue.Queue[str] = queue.Queue()
        assert self.process.stdout is not None
        threading.Thread(target=lambda: lines.put(self.process.stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=STARTUP_TIMEOUT)
        except queue.Empty:
            self.stop()
            raise RuntimeError(f"fake-okx printed no address within {STARTUP_TIMEOUT} s") from None
        prefix = "listening "
        if not line.startswith(prefix):
            self.stop()
            raise RuntimeError(f"fake-okx did not start: expected 'listening http://...' on stdout, got {line!r}")
        return line[len(prefix) :].strip()

    def stop(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# Helpers


async def list_all_tools(client: Client) -> list[Any]:
    """Return every listed tool, following next_cursor across pages."""
    tools: list[Any] = []
    cursor: str | None = None
    for _ in range(100):
        page = await client.list_tools(cursor=cursor)
        tools.extend(page.tools)
        cursor = page.next_cursor
        if cursor is None:
            return tools
    raise AssertionError("tools/list returned more than 100 pages; the cursor does not seem to end")


def find_tool(tools: list[Any], name: str) -> Any:
    for tool in tools:
        if tool.name == name:
            return tool
    raise AssertionError(f"tool {name} is not listed; listed: {sorted(tool.name for tool in tools)}")


def fixture_data(path: str) -> Any:
    """Return `response.data` of the fixture that fake-okx serves for /api/v5/<path>."""
    with open(FIXTURES / f"{path}.json", encoding="utf-8") as file:
        return json.load(file)["response"]["data"]


def string_leaves(value: Any, path: str = "data") -> list[tuple[str, str]]:
    """Return (JSON path, value) for every string inside `value`, in document order."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in string_leaves(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in string_leaves(item, f"{path}[{index}]")]
    return []


def value_at(root: Any, path: str) -> Any:
    """Return the value at a path built by string_leaves, or raise KeyError or IndexError."""
    value = root
    for part in path.replace("[", ".[").split(".")[1:]:
        if part.startswith("["):
            value = value[int(part[1:-1])]
        else:
            value = value[part]
    return value


def text_of(result: Any) -> str:
    texts = [block.text for block in result.content if getattr(block, "type", None) == "text"]
    assert len(texts) == 1, f"expected exactly one text block, got {len(texts)}: {result.content!r}"
    return texts[0]


def check_success(tool: Any, result: Any, endpoint: str, fixture_path: str) -> None:
    """Check a successful result: output schema, envelope fields, text block and the fixture's strings."""
    assert not result.is_error, f"{tool.name} returned isError: {text_of(result)}"
    structured = result.structured_content
    assert isinstance(structured, dict), f"{tool.name}: structuredContent is not an object: {structured!r}"

    validator_class = jsonschema.validators.validator_for(tool.output_schema, default=jsonschema.Draft202012Validator)
    errors = sorted(validator_class(tool.output_schema).iter_errors(structured), key=lambda error: list(error.path))
    messages = [f"at {'/'.join(map(str, error.path)) or '(root)'}: {error.message}" for error in errors[:10]]
    assert not errors, f"{tool.name}: structuredContent does not match outputSchema ({len(errors)} errors):\n  " + "\n  ".join(messages)

    assert structured.get("endpoint") == endpoint, f"{tool.name}: endpoint is {structured.get('endpoint')!r}, expected {endpoint!r}"
    assert structured.get("site") == "custom", f"{tool.name}: site is {structured.get('site')!r}, expected 'custom' under OKX_BASE_URL"
    assert structured.get("environment") == "live", f"{tool.name}: environment is {structured.get('environment')!r}, expected 'live'"

    text = text_of(result)
    assert json.loads(text) == structured, f"{tool.name}: the text block is not the JSON of structuredContent: {text[:200]!r}"

    expected = fixture_data(fixture_path)
    leaves = string_leaves(expected)
    assert leaves, f"fixture {fixture_path}.json has no string values to compare"
    mismatches = []
    for path, expected_value in leaves:
        try:
            actual_value = value_at(structured["data"], path)
        except (KeyError, IndexError, TypeError):
            mismatches.append(f"{path}: missing, expected {expected_value!r}")
            continue
        if not isinstance(actual_value, str) or actual_value.encode("utf-8") != expected_value.encode("utf-8"):
            mismatches.append(f"{path}: got {actual_value!r}, expected {expected_value!r}")
    assert not mismatches, f"{tool.name}: {len(mismatches)} of {len(leaves)} strings differ from the fixture:\n  " + "\n  ".join(mismatches[:20])
    assert structured["data"] == expected, f"{tool.name}: data differs from the fixture beyond string values"


# Cases


async def case_negotiated_version(context: Context, mode: str) -> None:
    async with context.client(mode, credentials=False) as client:
        version = client.protocol_version
    if mode == "auto":
        assert version == MODERN_PROTOCOL_VERSION, f"mode=auto negotiated {version!r}, expected {MODERN_PROTOCOL_VERSION!r}"
    else:
        assert version < MODERN_PROTOCOL_VERSION, f"mode=legacy negotiated {version!r}, expected a handshake-era version"


async def case_tool_annotations(context: Context, mode: str) -> None:
    async with context.client(mode, credentials=True, toolsets="all") as client:
        tools = await list_all_tools(client)
    assert tools, "tools/list returned no tools"

    names = [tool.name for tool in tools]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert not duplicates, f"tool names listed more than once: {duplicates}"

    expected_hints = {"read_only_hint": True, "destructive_hint": False, "idempotent_hint": True, "open_world_hint": True}
    problems = []
    for tool in tools:
        if tool.annotations is None:
            problems.append(f"{tool.name}: no annotations")
            continue
        for hint, expected in expected_hints.items():
            actual = getattr(tool.annotations, hint)
            if actual is not expected:
                problems.append(f"{tool.name}: {hint} is {actual!r}, expected {expected!r}")
        if not tool.output_schema:
            problems.append(f"{tool.name}: no outputSchema")
            continue
        try:
            validator_class = jsonschema.validators.validator_for(tool.output_schema, default=jsonschema.Draft202012Validator)
            validator_class.check_schema(tool.output_schema)
        except jsonschema.SchemaError as error:
            problems.append(f"{tool.name}: outputSchema is not a valid JSON Schema: {error.message}")
    assert not problems, f"{len(problems)} problems in {len(tools)} tools:\n  " + "\n  ".join(problems[:30])


async def case_private_tools_hidden(context: Context, mode: str) -> None:
    async with context.client(mode, credentials=False, toolsets="all") as client:
        public_names = {tool.name for tool in await list_all_tools(client)}
    async with context.client(mode, credentials=True, toolsets="all") as client:
        all_names = {tool.name for tool in await list_all_tools(client)}

    assert "account_balance" in all_names, "account_balance is not listed even with credentials"
    assert "account_balance" not in public_names, "account_balance is listed without credentials"
    assert "market_ticker" in public_names, "market_ticker is not listed without credentials"
    extra = sorted(public_names - all_names)
    assert not extra, f"tools listed only without credentials: {extra}"

    # Every tool of the account toolset needs an API key (spec/account.yaml).
    account_listed = sorted(name for name in public_names if name.startswith("account_"))
    assert not account_listed, f"account tools listed without credentials: {account_listed}"


async def case_public_call(context: Context, mode: str) -> None:
    async with context.client(mode, credentials=False) as client:
        tool = find_tool(await list_all_tools(client), "market_ticker")
        result = await client.call_tool("market_ticker", {"instId": "BTC-USDT"})
    check_success(tool, result, "/api/v5/market/ticker", "market/ticker")


async def case_private_call(context: Context, mode: str) -> None:
    async with context.client(mode, credentials=True) as client:
        tool = find_tool(await list_all_tools(client), "account_balance")
        result = await client.call_tool("account_balance", {"ccy": "BTC,ETH"})
    check_success(tool, result, "/api/v5/account/balance", "account/balance")


async def case_full_page(context: Context, mode: str) -> None:
    """A full page carries nextPage; the client validates structuredContent against outputSchema itself."""
    rows = len(fixture_data("market/candles"))
    async with context.client(mode, credentials=False) as client:
        tool = find_tool(await list_all_tools(client), "market_candles")
        result = await client.call_tool("market_candles", {"instId": "BTC-USDT", "limit": rows})
    assert not result.is_error, f"market_candles returned isError: {text_of(result)}"
    structured = result.structured_content
    next_page = structured.get("nextPage")
    assert isinstance(next_page, dict), f"a full page of {rows} rows has no nextPage: {structured!r}"
    validator_class = jsonschema.validators.validator_for(tool.output_schema, default=jsonschema.Draft202012Validator)
    errors = [error.message for error in validator_class(tool.output_schema).iter_errors(structured)]
    assert not errors, f"market_candles: a full page does not match outputSchema: {errors[:5]}"
    assert next_page.get("after") == structured["data"][-1]["ts"], f"nextPage.after is not the last row's ts: {next_page!r}"


async def case_wrong_secret(context: Context, mode: str) -> None:
    wrong_secret = "0" * len(LIVE_SECRET)
    async with context.client(mode, credentials=True, secret=wrong_secret) as client:
        await list_all_tools(client)
        result = await client.call_tool("account_balance", {"ccy": "BTC,ETH"})
    text = text_of(result)
    assert result.is_error is True, f"expected isError for a wrong secret, got: {text}"

    lines = text.split("\n")
    assert len(lines) >= 3, f"expected summary, hint and JSON lines, got: {text!r}"
    assert lines[1].startswith("Hint: "), f"second line is not a hint: {lines[1]!r}"
    assert "OKX_API_SECRET" in lines[1], f"hint does not mention OKX_API_SECRET: {lines[1]!r}"

    payload = json.loads("\n".join(lines[2:]))
    error = payload.get("error")
    assert isinstance(error, dict), f"JSON has no error object: {payload!r}"
    assert str(error.get("code")) == "50113", f"error code is {error.get('code')!r}, expected 50113"
    assert error.get("source") == "okx", f"error source is {error.get('source')!r}, expected 'okx'"
    assert "OKX_API_SECRET" in str(error.get("hint")), f"error.hint does not mention OKX_API_SECRET: {error.get('hint')!r}"
    assert error.get("msg"), f"error.msg is empty: {error!r}"


async def case_unknown_tool(context: Context, mode: str) -> None:
    async with context.client(mode, credentials=False) as client:
        await list_all_tools(client)
        try:
            result = await client.call_tool("no_such_tool", {})
        except MCPError as error:
            assert error.code == INVALID_PARAMS, f"error code is {error.code}, expected {INVALID_PARAMS}: {error.message}"
            assert "no_such_tool" in error.message, f"error message does not name the tool: {error.message!r}"
            return
    raise AssertionError(f"calling an unknown tool raised no MCP error; result: {result!r}")


CASES: list[Callable[[Context, str], Awaitable[None]]] = [
    case_negotiated_version,
    case_tool_annotations,
    case_private_tools_hidden,
    case_public_call,
    case_private_call,
    case_full_page,
    case_wrong_secret,
    case_unknown_tool,
]


async def run_cases(context: Context) -> tuple[int, list[str]]:
    passed = 0
    failures: list[str] = []
    for mode in MODES:
        for case in CASES:
            name = f"{case.__name__.removeprefix('case_')} [mode={mode}]"
            started = time.monotonic()
            try:
                with anyio.fail_after(CASE_TIMEOUT):
                    await case(context, mode)
            except AssertionError as error:
                failures.append(name)
                print(f"FAIL {name}: {error}", flush=True)
            except Exception:  # noqa: BLE001 - any other exception is a failure of this case too
                failures.append(name)
                print(f"FAIL {name}: unexpected exception\n{traceback.format_exc()}", flush=True)
            else:
                passed += 1
                print(f"ok   {name} ({time.monotonic() - started:.1f} s)", flush=True)
    return passed, failures


def binary_path(arguments: list[str], index: int, variable: str, default: str) -> str:
    if len(arguments) > index:
        path = Path(arguments[index])
    elif os.environ.get(variable):
        path = Path(os.environ[variable])
    else:
        path = REPOSITORY / default
    if not path.is_file():
        sys.exit(f"error: binary not found: {path} (build it with `cargo build --workspace --bins`, or pass its path)")
    return str(path.resolve())


def main() -> int:
    if len(sys.argv) > 3 or (len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help")):
        print(__doc__)
        return 2
    server_binary = binary_path(sys.argv, 1, "OKX_MCP_BIN", "target/debug/okx-mcp")
    fake_binary = binary_path(sys.argv, 2, "FAKE_OKX_BIN", "target/debug/fake-okx")

    fake = FakeOkx(fake_binary)
    try:
        print(f"fake-okx at {fake.base_url}; okx-mcp: {server_binary}", flush=True)
        passed, failures = anyio.run(run_cases, Context(server_binary, fake.base_url))
    finally:
        fake.stop()

    if failures:
        print("failed cases:\n  " + "\n  ".join(failures))
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
