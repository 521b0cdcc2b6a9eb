"""Event-socket sessions recorded from a real FreeSWITCH (``captures/``, see its README), read back unedited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CAPTURES = Path(__file__).resolve().parent / "captures"

Record = dict[str, Any]


def records(name: str) -> list[Record]:
    """Every message of capture ``name`` in order: ``{"t", "dir": "sent", "line"}`` or
    ``{"t", "dir": "recv", "headers", "body"}``."""
    return [json.loads(line) for line in (CAPTURES / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]


def events(name: str) -> list[dict[str, str]]:
    """The events FreeSWITCH sent, as header dicts (the reference capture holds nothing else)."""
    out = []
    for r in records(name):
        if "dir" not in r:  # shared/reference's capture: one event per line
            out.append(r)
        elif r["dir"] == "recv" and r["headers"].get("Content-Type") == "text/event-json":
            out.append(json.loads(r["body"]))
    return out


def lists(name: str) -> dict[str, list[dict[str, str]]]:
    """The callcenter_config lists of the capture's snapshot, by argument ("agent list" …)."""
    out = {}
    for r in records(name):
        if r.get("dir") == "recv" and r["headers"].get("Content-Type") == "api/response" \
                and r["body"].startswith("{"):
            answer = json.loads(r["body"])
            out[answer["data"]["arguments"]] = answer["response"]
    return out


def wire(headers: dict[str, str], body: str = "") -> bytes:
    """One message as FreeSWITCH frames it (Content-Length counted in bytes)."""
    raw = body.encode("utf-8")
    head = {k: v for k, v in headers.items() if k != "Content-Length"}
    if raw:
        head["Content-Length"] = str(len(raw))
    return "".join(f"{k}: {v}\n" for k, v in head.items()).encode() + b"\n" + raw
