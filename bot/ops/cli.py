"""The ``golden-hour`` command: one entry point for the operators' and trainers'
tools, each still runnable on its own as ``python -m <module>``.

    golden-hour scenario run|check|debrief PATH ...   role-play scenarios
    golden-hour trainer [--group CODE] [--json]        the trainer's view
    golden-hour export REF [--pdf FILE]                a case's latest draft
    golden-hour retention [--days N]                   delete what is past retention
    golden-hour production [--lb-port N]               the production topology on one machine
    golden-hour haproxy-errors [--check]               the load balancer's safety answers
    golden-hour schemas [--check]                      JSON Schema of the content, for editors
"""

from __future__ import annotations

import importlib
import sys

# command -> (module with main(argv) -> int, what it does)
COMMANDS: dict[str, tuple[str, str]] = {
    "scenario": ("bot.training.runner", "play, check or debrief role-play scenarios"),
    "trainer": ("bot.training.report", "a group's practice sessions and most-missed indicators"),
    "export": ("bot.export", "print or write as PDF the latest draft of a case"),
    "retention": ("bot.store.retention", "delete cases, conversations and sessions past retention"),
    "production": ("bot.ops.topology", "HAProxy, two Rasa servers and the action server, here"),
    "haproxy-errors": ("bot.ops.haproxy_errors", "write the load balancer's safety answers"),
    "schemas": ("bot.schemas", "write the guidance and scenario JSON Schema for editors"),
}


def usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = ["usage: golden-hour COMMAND [ARGS...]", "", "commands:"]
    lines += [f"  {name:<{width}}  {what}" for name, (_module, what) in COMMANDS.items()]
    lines += ["", "golden-hour COMMAND --help says more about each."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(usage())
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"golden-hour: unknown command {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[name][0])
    return int(module.main(rest, prog=f"golden-hour {name}"))


if __name__ == "__main__":
    sys.exit(main())
