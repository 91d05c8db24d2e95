"""The documentation stays true and whole: the CLI reference is the parser's, every relative
link and anchor of README.md and docs/ leads somewhere, the README stays short."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)


def _generator():
    spec = importlib.util.spec_from_file_location("cli_reference",
                                                  REPO / "packaging" / "cli_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_the_parsers():
    generator = _generator()
    written = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == generator.current(), (
        f"docs/cli.md is out of date with the command line's parser: run `{generator.COMMAND}` "
        "and commit docs/cli.md")


def test_cli_reference_lists_every_command():
    written = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    sub = next(a for a in _generator().parser()._actions if hasattr(a, "choices") and
               isinstance(a.choices, dict))
    assert sub.choices, "the parser has no commands?"
    missing = [name for name in sub.choices if f"\n### {name}\n" not in written]
    assert missing == []


def _without_code(text: str) -> str:
    text = FENCE.sub("", text)
    return re.sub(r"`[^`\n]*`", "", text)


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation out, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link: its text
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found: set[str] = set()
    for line in FENCE.sub("", page.read_text(encoding="utf-8")).splitlines():
        if match := re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line):
            slug = base = _slug(match.group(1))
            n = 0
            while slug in found:
                n += 1
                slug = f"{base}-{n}"
            found.add(slug)
    return found


def _links(page: Path) -> list[str]:
    return LINK.findall(_without_code(page.read_text(encoding="utf-8")))


def test_every_relative_link_leads_somewhere():
    broken = []
    for page in PAGES:
        for target in _links(page):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
                continue
            path, _, anchor = target.partition("#")
            dest = (page.parent / path).resolve() if path else page
            where = f"{page.relative_to(REPO)}: ({target})"
            if not dest.is_relative_to(REPO):
                broken.append(f"{where} leaves the repository")
            elif not dest.exists():
                broken.append(f"{where} names no file")
            elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                broken.append(f"{where} names no heading of {dest.relative_to(REPO)}")
    assert broken == []


def test_the_link_check_sees_a_broken_link(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Title\n\nSee [a](missing.md), [b](#title), [c](#nowhere) "
                    "and ![d](../x.png).\n\n```\n[not](a-link.md)\n```\n")
    assert _links(page) == ["missing.md", "#title", "#nowhere", "../x.png"]
    assert anchors(page) == {"title"}
    assert _slug("`upload`: the *one* way, step 2") == "upload-the-one-way-step-2"


def test_every_screenshot_is_shown():
    shown = "\n".join(target for page in PAGES for target in _links(page))
    unused = [p.name for p in sorted((REPO / "resources" / "screenshots").glob("*.png"))
              if f"screenshots/{p.name}" not in shown]
    assert unused == []


def test_readme_is_a_newcomers_page():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    lines = len(readme.splitlines())
    assert lines <= 200, f"README.md has {lines} lines: move the details into docs/"
    # .ci/run runs exactly the README's test command
    assert "bash packaging/dev.sh app" in readme
    assert "bash packaging/dev.sh test" in readme
