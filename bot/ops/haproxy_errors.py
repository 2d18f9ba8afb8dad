"""The answers HAProxy gives when no Rasa server could (deploy/haproxy.cfg): the
safety message with the emergency contacts, in each channel's format.

- ``json``: REST and Teams; the REST channel's own reply shape, a sorry line and
  the safety message marked ``{"kind": "safety"}``.
- ``page``: the widget's pages; a plain page with the message, in English and
  Welsh.
- ``sms``: Twilio's webhook; TwiML that texts the message back. Twilio reads
  TwiML only from a 2xx answer, so this one is sent as 200.

``golden-hour haproxy-errors`` writes them into deploy/haproxy-errors/ from the
guidance; ``--check`` fails when the files there are out of date (as a test does).
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from bot.advice import safety_message
from bot.i18n import LANGUAGES, use
from bot.knowledge import Knowledge
from bot.runtime import knowledge

FOLDER = Path(__file__).resolve().parents[2] / "deploy" / "haproxy-errors"
STATUSES = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


def _response(status: int, reason: str, content_type: str, body: str) -> bytes:
    payload = body.encode("utf-8")
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(payload)}\r\n"
        "Cache-Control: no-store\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + payload


def _json(kb: Knowledge, status: int) -> bytes:
    body = [{"recipient_id": "", "text": safety_message(kb), "custom": {"kind": "safety"}}]
    return _response(status, STATUSES[status], "application/json", json.dumps(body))


def _page(kb: Knowledge, status: int) -> bytes:
    paragraphs = []
    for language in LANGUAGES:
        with use(language):
            code = "en" if language.startswith("en") else language
            paragraphs.append(f'<p lang="{code}">{html.escape(safety_message(kb))}</p>')
    body = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Golden Hour</title></head><body><main>"
        + "".join(paragraphs)
        + "</main></body></html>"
    )
    return _response(status, STATUSES[status], "text/html; charset=utf-8", body)


def _sms(kb: Knowledge, _status: int) -> bytes:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<Response><Message>{escape(safety_message(kb))}</Message></Response>"
    )
    return _response(200, "OK", "text/xml; charset=utf-8", body)


def render(kb: Knowledge) -> dict[str, bytes]:
    """Every error file by name: json-502.http, page-503.http, sms-504.http, ..."""
    files = {}
    for name, build in (("json", _json), ("page", _page), ("sms", _sms)):
        for status in STATUSES:
            files[f"{name}-{status}.http"] = build(kb, status)
    return files


def stale(folder: Path, files: dict[str, bytes]) -> list[str]:
    """The names in ``files`` whose copy in ``folder`` is missing or different."""
    return [
        name
        for name, data in files.items()
        if not (folder / name).is_file() or (folder / name).read_bytes() != data
    ]


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the files are stale")
    parser.add_argument("--folder", type=Path, default=FOLDER)
    args = parser.parse_args(argv)
    files = render(knowledge())
    behind = stale(args.folder, files)
    if args.check:
        for name in behind:
            print(f"out of date: {args.folder / name}", file=sys.stderr)
        return 1 if behind else 0
    args.folder.mkdir(parents=True, exist_ok=True)
    for name in behind:
        (args.folder / name).write_bytes(files[name])
    print(f"{len(behind)} of {len(files)} error files written to {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
