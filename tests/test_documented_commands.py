"""Every command the README, CONTRIBUTING and the docs name exists, with the options they use."""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path
from types import ModuleType

import click
import pytest

from lgds_components.cli.app import _register_commands, cli

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md"))]
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
_OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")


def command_lines() -> list[tuple[str, str]]:
    """``(where, line)`` for each shell line in a sh/text/console block, continuations joined."""
    found = []
    for page in PAGES:
        if "_build" in page.parts:
            continue
        for match in _FENCE.finditer(page.read_text(encoding="utf-8")):
            if match.group(1) not in ("sh", "text", "console", "bash", "shell", ""):
                continue
            text = match.group(2).replace("\\\n", " ")
            for line in text.splitlines():
                line = line.strip().removeprefix("$ ")
                line = re.sub(r"^([A-Z_]+=\S+\s+)+", "", line)  # LGDS_BENCH_X=1 python3 ...
                if line.startswith(("lgds ", "python3 dev.py", "python dev.py")):
                    found.append((f"{page.relative_to(ROOT)} ({line[:50]})", line))
    return found


LINES = command_lines()


def dev_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def resolve(words: list[str], chain: list[click.Command]) -> tuple[list[click.Command], list[str]]:
    """The commands the leading words name, from ``chain``'s last group down, and the rest."""
    chain = list(chain)
    while words and isinstance(chain[-1], click.Group) and words[0] in chain[-1].commands:
        chain.append(chain[-1].commands[words[0]])
        words = words[1:]
    return chain, words


def options_of(chain: list[click.Command]) -> set[str]:
    """Every option the last command takes, its groups' included (``lgds pay --provider``)."""
    names = {"--help", "-h"}
    for command in chain:
        for param in command.params:
            names |= set(param.opts) | set(param.secondary_opts)
    return names


def test_the_pages_name_commands() -> None:
    assert len(LINES) > 20
    assert any(line.startswith("python3 dev.py bench") for _, line in LINES)


@pytest.mark.parametrize(("where", "line"), [item for item in LINES if "dev.py" in item[1]],
                         ids=[where for where, line in LINES if "dev.py" in line])
def test_every_dev_py_command_exists(where: str, line: str) -> None:
    words = shlex.split(line.split("#", 1)[0])
    assert words[2] in dev_module().COMMANDS, where


@pytest.mark.parametrize(("where", "line"), [item for item in LINES if item[1].startswith("lgds")],
                         ids=[where for where, line in LINES if line.startswith("lgds")])
def test_every_lgds_command_and_option_exists(where: str, line: str) -> None:
    _register_commands()
    # a synopsis ("lgds address postcode P | uprn N") lists alternatives after " | "
    segments = line.split(" | ")
    chain, _ = resolve(segments[0].split()[1:], [cli])
    checked = [(chain, segments[0])]
    for segment in segments[1:]:
        words = segment.replace("(", " ").split()
        if words and len(chain) > 1 and words[0] in chain[-2].commands:  # a sibling command
            chain, _ = resolve(words, chain[:-1])
        elif words and words[0] == "lgds":
            chain, _ = resolve(words[1:], [cli])
        checked.append((chain, segment))
    for chain, segment in checked:
        known = options_of(chain)
        for option in _OPTION.findall(segment.split("#", 1)[0]):
            assert option in known, f"{where}: lgds {' '.join(c.name or '' for c in chain[1:])} " \
                                    f"has no option {option}"
