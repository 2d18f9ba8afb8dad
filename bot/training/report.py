"""The trainer's view: a group's practice sessions by pseudonym with their scores,
and the indicators the group most often missed. From the training store only.

    .venv/bin/python -m bot.training.report [--group CODE] [--json]

The same view is a page at /webhooks/widget/trainer (bot/channels/widget/trainer.py),
behind the trainer's password (GOLDEN_HOUR_TRAINER_TOKEN).
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from typing import Any

from bot.i18n import _
from bot.knowledge import Knowledge


def gather(store: Any, group: str | None) -> dict[str, Any]:
    return {
        "group": group,
        "sessions": store.sessions(group),
        "most_missed": store.most_missed(group),
    }


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


def report_text(view: dict[str, Any], kb: Knowledge) -> str:
    sessions = view["sessions"]
    lines = [
        _("Training sessions: {n}").format(n=len(sessions))
        + (" (" + _("group {code}").format(code=view["group"]) + ")" if view["group"] else "")
    ]
    for s in sessions:
        score = f"{s['score']}/100" if s["score"] is not None else _("not finished")
        lines.append(f"- {s['pseudonym']}  {_when(s['started'])}  {s['scenario']}  {score}")
    if view["most_missed"]:
        lines += ["", _("Most often missed:")]
        for indicator, count in view["most_missed"]:
            question = (
                kb.indicators[indicator].question if indicator in kb.indicators else indicator
            )
            lines.append(f"- {count} x {_(question)}")
    return "\n".join(lines)


def report_html(
    view: dict[str, Any], kb: Knowledge, *, notice: str | None = None, lang: str = "en-GB"
) -> str:
    """A plain page; every value escaped."""
    e = html.escape
    not_finished = _("not finished")
    rows = "".join(
        "<tr>"
        f"<td>{e(s['pseudonym'])}</td><td>{e(s['group_code'] or '-')}</td>"
        f"<td>{e(s['scenario'])}</td><td>{e(_when(s['started']))}</td>"
        f"<td>{e(str(s['turns']) if s['turns'] is not None else '-')}</td>"
        f"<td>{e(str(s['score']) if s['score'] is not None else not_finished)}</td>"
        "</tr>"
        for s in view["sessions"]
    )
    missed = "".join(
        f"<li>{count} &times; {e(_(kb.indicators[i].question) if i in kb.indicators else i)}</li>"
        for i, count in view["most_missed"]
    )
    # Plain calls, not inside f-strings, so `pybabel extract` finds every one.
    title = e(_("Training sessions"))
    caption = e(_("Sessions by pseudonym, newest first"))
    headings = [
        _("Learner"),
        _("Group"),
        _("Scenario"),
        _("Started"),
        _("Turns"),
        _("Score out of 100"),
    ]
    most_missed = e(_("Most often missed"))
    note = f"<p>{e(notice)}</p>" if notice else ""
    head = "".join(f"<th scope='col'>{e(h)}</th>" for h in headings)
    return (
        f"<!doctype html><html lang='{e(lang)}'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title><link rel='stylesheet' href='/webhooks/widget/widget.css'>"
        "</head><body class='gh-page'><main class='gh-report'>"
        f"<h1>{title}</h1>{note}"
        f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        f"<h2>{most_missed}</h2><ol>{missed}</ol>"
        "</main></body></html>"
    )


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    parser.add_argument("--group", help="only this group's sessions")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)

    from bot.composition import stores
    from bot.runtime import knowledge
    from bot.training.ids import clean_group

    group = clean_group(args.group) if args.group is not None else None
    if args.group is not None and group is None:
        print(_("A group code is 1 to 16 letters and digits."), file=sys.stderr)
        return 2
    view = gather(stores().training, group)
    if args.json:
        print(json.dumps(view, default=str, indent=2))
    else:
        print(report_text(view, knowledge()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
