"""A small HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions API, for tests.

It answers from the JSON schema the client asks for (``response_format.json_schema``), with
settable latency and injected faults (429 with Retry-After, 500, truncated JSON, output that
breaks the schema, a hang past the client's timeout), and records every request it receives.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Fault = str  # "429" | "500" | "truncated" | "wrong_schema" | "hang"
Plan = Callable[[int, dict[str, Any]], Fault | None]
"""(request number, request body) -> the fault to inject, or None for a good answer."""


def from_schema(schema: dict[str, Any], defs: dict[str, Any], rng: random.Random) -> Any:
    """A value that satisfies a (strict, OpenAI-style) JSON schema."""
    if "$ref" in schema:
        return from_schema(defs[schema["$ref"].split("/")[-1]], defs, rng)
    if "anyOf" in schema:
        return from_schema(schema["anyOf"][0], defs, rng)
    if "enum" in schema:
        return rng.choice(schema["enum"])
    kind = schema.get("type")
    if kind == "object":
        return {k: from_schema(v, defs, rng) for k, v in schema.get("properties", {}).items()}
    if kind == "array":
        items = schema.get("items", {})
        item = items.get("$ref") and defs[items["$ref"].split("/")[-1]] or items
        enum = item.get("properties", {}).get("option", {}).get("enum")
        if enum:  # one entry per option, as a seat's scores must be
            return [{**from_schema(item, defs, rng), "option": o} for o in enum]
        return [from_schema(items, defs, rng) for _ in range(2)]
    if kind == "number":
        low, high = schema.get("minimum", -1.0), schema.get("maximum", 1.0)
        return round(rng.uniform(low, high), 3)
    if kind == "integer":
        return rng.randint(schema.get("minimum", 0), schema.get("maximum", 10))
    if kind == "boolean":
        return rng.random() < 0.5
    return "Because the facts and the principles at stake point this way."


@dataclass
class FakeOpenAI:
    """The server. Use as a context manager; ``url`` is the base URL to give the client."""

    latency: float = 0.0
    plan: Plan | None = None
    retry_after: str = "0"
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAI:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real endpoints do
            disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with fake._lock:
                    number = len(fake.requests)
                    fake.requests.append(body)
                    fake.headers.append({k.lower(): v for k, v in self.headers.items()})
                    fake.arrivals.append(time.monotonic())
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                try:
                    self._serve(number, body)
                finally:
                    with fake._lock:
                        fake.in_flight -= 1

            def _serve(self, number: int, body: dict[str, Any]) -> None:
                fault = fake.plan(number, body) if fake.plan else None
                if fake.latency:
                    time.sleep(fake.latency)
                if fault == "hang":
                    fake._stop.wait(30)
                    return
                if fault in ("429", "500"):
                    payload = json.dumps(
                        {"error": {"message": f"injected {fault}", "type": "server_error"}}
                    ).encode()
                    self.send_response(int(fault))
                    if fault == "429":
                        self.send_header("Retry-After", fake.retry_after)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                self._answer(body, fault)

            def _answer(self, body: dict[str, Any], fault: Fault | None) -> None:
                spec = body["response_format"]["json_schema"]
                schema = spec["schema"]
                seed = hashlib.sha256(json.dumps(body["messages"]).encode()).digest()
                rng = random.Random(seed)
                content = json.dumps(
                    from_schema(schema, schema.get("$defs", {}), rng), ensure_ascii=False
                )
                if fault == "truncated":
                    content = content[: len(content) // 2]
                elif fault == "wrong_schema":
                    content = json.dumps({"verdict": "yes"})
                prompt_chars = sum(len(str(m.get("content", ""))) for m in body["messages"])
                usage = {
                    "prompt_tokens": prompt_chars // 4 + 1,
                    "completion_tokens": len(content) // 4 + 1,
                }
                usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
                payload = json.dumps(
                    {
                        "id": f"chatcmpl-{len(fake.requests)}",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body["model"],
                        "choices": [
                            {
                                "index": 0,
                                "finish_reason": "stop",
                                "message": {"role": "assistant", "content": content},
                            }
                        ],
                        "usage": usage,
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # a council's worth of connections at once

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()


def main() -> None:
    """Serve on 127.0.0.1 until killed (``python tests/fake_openai.py LATENCY``); print the URL."""
    import sys

    latency = float(sys.argv[1]) if len(sys.argv) > 1 else 0.0
    with FakeOpenAI(latency=latency) as fake:
        print(fake.url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
