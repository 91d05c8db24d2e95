"""docs/cli.md, the command-line reference, generated from the argparse parser itself.

    .venv/bin/python packaging/cli_reference.py           # writes docs/cli.md
    .venv/bin/python packaging/cli_reference.py --check   # exit 1 if docs/cli.md is out of date

The page is built from the parser's actions, not from ``format_help()``: argparse's help text
depends on the terminal's width and on the Python version, the reference must not.
``tests/test_docs.py`` fails when the file differs from what this prints.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "cli.md"
COMMAND = ".venv/bin/python packaging/cli_reference.py"
PROG = "finpics-desktop"

# How the reference groups the commands; a command not listed here lands in "Other commands",
# so a new one is never left out.
SECTIONS = (
    ("Publishing and browsing", ("upload", "picsets", "photos", "search", "check", "reindex")),
    ("Curation", ("order", "cover", "rename", "move", "copy", "delete", "trash", "restore",
                  "renumber", "push")),
    ("People", ("name", "unname", "people", "person", "suggest", "confirm", "reject", "merge",
                "rename-person", "hide", "clusters", "add-face")),
    ("Cloud", ("deploy", "reprocess", "local-cloud", "aws-keys")),
    ("Desktop", ("install-desktop-entry",)),
)


def _visible(action: argparse.Action) -> bool:
    return action.help != argparse.SUPPRESS and not isinstance(
        action, argparse._HelpAction | argparse._VersionAction | argparse._SubParsersAction)


def _metavar(action: argparse.Action) -> str:
    if action.metavar is not None:
        return action.metavar if isinstance(action.metavar, str) else " ".join(action.metavar)
    if action.choices is not None:
        return "{" + ",".join(map(str, action.choices)) + "}"
    return action.dest.upper()


def _args(action: argparse.Action) -> str:
    """What follows an option (or stands for a positional), as argparse's usage writes it."""
    if action.nargs == 0:
        return ""
    name = _metavar(action)
    if isinstance(action.nargs, int):
        return " ".join([name] * action.nargs)
    return {"?": f"[{name}]", "*": f"[{name} ...]", "+": f"{name} [{name} ...]"}.get(
        action.nargs, name)


def _invocation(action: argparse.Action) -> str:
    if not action.option_strings:
        return _args(action)
    args = _args(action)
    return ", ".join(action.option_strings) + (f" {args}" if args else "")


def _help(parser: argparse.ArgumentParser, action: argparse.Action) -> str:
    text = action.help or ""
    if "%" in text:
        text = text % {**vars(action), "prog": parser.prog}
    default = action.default
    if (default not in (None, False, [], argparse.SUPPRESS) and action.nargs != 0
            and "default" not in text):
        text = f"{text} (default: `{default}`)" if text else f"default: `{default}`"
    if action.choices is not None and action.metavar is not None:
        text += f" (one of: {', '.join(f'`{c}`' for c in action.choices)})"
    if action.required and action.option_strings:
        text += " (required)"
    if text.startswith(("[", "{")):  # a JSON shape
        text = f"`{text}`"
    return text


def _usage(name: str, parser: argparse.ArgumentParser) -> str:
    parts = [PROG, "[OPTIONS]", name]
    for action in parser._actions:
        if not _visible(action):
            continue
        words = _invocation(action).split(", ")[-1] if action.option_strings else _args(action)
        parts.append(words if action.required or not action.option_strings else f"[{words}]")
    return " ".join(parts)


def _items(parser: argparse.ArgumentParser, actions) -> list[str]:
    return [f"- `{_invocation(a)}`" + (f": {h}" if (h := _help(parser, a)) else "")
            for a in actions if _visible(a)]


def _anchor(name: str) -> str:
    return re.sub(r"[^\w\- ]", "", name.lower()).replace(" ", "-")


def _exit_codes(epilog: str | None) -> list[str]:
    found = re.findall(r"(\d) ([^;]+)", (epilog or "").removeprefix("exit codes:"))
    if not found:
        return [epilog or ""]
    return ["| code | meaning |", "| --- | --- |"] + [f"| `{c}` | {m.strip()} |" for c, m in found]


def render(parser: argparse.ArgumentParser) -> str:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {a.dest: a.help for a in sub._choices_actions}
    commands = dict(sub.choices)
    listed = [n for _, names in SECTIONS for n in names]
    sections = [(title, [n for n in names if n in commands]) for title, names in SECTIONS]
    others = [n for n in commands if n not in listed]
    if others:
        sections.append(("Other", others))

    lines = [
        "# Command-line reference",
        "",
        f"<!-- generated from the argparse parser by `{COMMAND}`; do not edit by hand -->",
        "",
        f"`{PROG} [OPTIONS] COMMAND [ARGS]`. {parser.description} "
        "The options below go before the command and hold for every command (and for the "
        "window). For what the commands do in depth, see the [user guide](README.md).",
        "",
        "## Options",
        "",
    ]
    for group in parser._action_groups:
        items = _items(parser, group._group_actions)
        if not items:
            continue
        if group.title not in ("options", "optional arguments"):
            lines += [f"**{group.title}**", ""]
        lines += [*items, ""]
    lines += ["## Exit codes", "", *_exit_codes(parser.epilog), "", "## Commands", ""]
    for title, names in sections:
        lines.append(f"- {title}: " + ", ".join(f"[`{n}`](#{_anchor(n)})" for n in names))
    lines.append("")
    for title, names in sections:
        lines += [f"## {title} commands", ""]
        for name in names:
            command = commands[name]
            summary = (helps.get(name) or "").strip()
            lines += [f"### {name}", "", f"{summary[:1].upper()}{summary[1:]}.", "", "```",
                      _usage(name, command), "```", ""]
            positionals = [a for a in command._actions if not a.option_strings]
            options = [a for a in command._actions if a.option_strings]
            for heading, actions in (("Arguments", positionals), ("Options", options)):
                items = _items(command, actions)
                if items:
                    lines += [f"{heading}:", "", *items, ""]
            lines += _nested(name, command)
    return "\n".join(lines).rstrip() + "\n"


def _nested(name: str, command: argparse.ArgumentParser) -> list[str]:
    """The commands within a command (``people ignore``...), each as a command of its own."""
    lines: list[str] = []
    for nested in (a for a in command._actions if isinstance(a, argparse._SubParsersAction)):
        helps = {a.dest: a.help for a in nested._choices_actions}
        for sub_name, sub in nested.choices.items():
            full, summary = f"{name} {sub_name}", (helps.get(sub_name) or "").strip()
            lines += [f"#### {full}", "", f"{summary[:1].upper()}{summary[1:]}.", "", "```",
                      _usage(full, sub), "```", ""]
            for heading, actions in (("Arguments", [a for a in sub._actions
                                                    if not a.option_strings]),
                                     ("Options", [a for a in sub._actions if a.option_strings])):
                items = _items(sub, actions)
                if items:
                    lines += [f"{heading}:", "", *items, ""]
    return lines


def parser() -> argparse.ArgumentParser:
    """The command line's parser (the one place that names where it is built)."""
    sys.path.insert(0, str(REPO))
    from finpics_desktop.cli.main import build_parser

    return build_parser()


def current() -> str:
    return render(parser())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="only say whether docs/cli.md is up to date (exit 1 if not)")
    args = ap.parse_args(argv)
    text = current()
    if args.check:
        if OUT.is_file() and OUT.read_text(encoding="utf-8") == text:
            return 0
        print(f"{OUT.relative_to(REPO)} is out of date: run `{COMMAND}`", file=sys.stderr)
        return 1
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
