"""The crate's layering: each top-level module of src/ refers only to modules in lower tiers.

The tiers are the numbered list in src/lib.rs's module docs, lowest first; the modules of one
item are siblings and do not refer to each other. The edges are read from the sources (no
build): every `crate::<module>` path, `use crate::{a, b}` group and `super::` chain that climbs
out of its top-level module.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT

SRC = ROOT / "src"

# Comments (doc links are not dependencies), then string and char literals, whose braces and
# colons would otherwise be read as code. Lifetimes ('a) have no closing quote and are kept.
_NOISE = re.compile(
    r"""//[^\n]*|/\*.*?\*/|b?r(#*)".*?"\1|b?"(?:\\.|[^"\\])*"|b?'(?:\\[^']{1,10}|[^'\\])'""",
    re.DOTALL,
)
_INLINE_MOD = re.compile(r"\bmod\s+(\w+)\s*\{")
_CRATE_PATH = re.compile(r"(?<![\w$])crate\s*::\s*(\{|\w+)")
_SUPER_CHAIN = re.compile(r"(?<![\w:])((?:super\s*::\s*)+)(\w+)")
_MOD_DECLARATION = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", re.MULTILINE)
_ROOT_REEXPORT = re.compile(r"pub\s+use\s+(\w+)\s*::\s*(\{[^}]*\}|\w+)")


def strip_noise(source: str) -> str:
    """The source with comments and literals blanked, newlines kept so offsets map to lines."""
    return _NOISE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), source)


def group_heads(code: str, open_brace: int) -> list[str]:
    """The first path segment of each item in the `{...}` group opening at `open_brace`."""
    depth, item, heads = 0, "", []
    for ch in code[open_brace:]:
        if ch == "{":
            depth += 1
            if depth == 1:
                continue
        elif ch == "}":
            depth -= 1
            if depth == 0:
                break
        if depth == 1 and ch == ",":
            heads.append(item)
            item = ""
        elif depth >= 1:
            item += ch
    heads.append(item)
    return [m.group(0) for h in heads if (m := re.match(r"\w+", h.strip()))]


def file_module_path(path: Path, src: Path) -> list[str]:
    """The module path of a source file, e.g. src/prosody/voice/pulses.rs -> prosody, voice, pulses."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "mod":
        parts.pop()
    return parts


def inline_modules(code: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of each inline `mod name { ... }` block."""
    blocks = []
    for m in _INLINE_MOD.finditer(code):
        depth = 0
        for end in range(m.end() - 1, len(code)):
            depth += {"{": 1, "}": -1}.get(code[end], 0)
            if depth == 0:
                break
        blocks.append((m.start(), end, m.group(1)))
    return blocks


def module_path_at(base: list[str], blocks: list[tuple[int, int, str]], offset: int) -> list[str]:
    """The module path in force at `offset`: the file's, plus the inline modules enclosing it."""
    return base + [name for start, end, name in blocks if start < offset < end]


def declared_modules(src: Path) -> set[str]:
    """The top-level modules lib.rs declares."""
    return set(_MOD_DECLARATION.findall(strip_noise((src / "lib.rs").read_text())))


def root_reexports(src: Path) -> dict[str, str]:
    """Names lib.rs re-exports at the crate root (`pub use error::{Result, SerError}`) -> their module."""
    names = {}
    for m in _ROOT_REEXPORT.finditer(strip_noise((src / "lib.rs").read_text())):
        for name in re.findall(r"\w+", m.group(2)):
            names[name] = m.group(1)
    return names


def tiers(src: Path) -> list[list[str]]:
    """The numbered items of lib.rs's module docs, lowest first: the declared modules each names."""
    declared = declared_modules(src)
    items: list[str] = []
    for line in (src / "lib.rs").read_text().splitlines():
        doc = line.removeprefix("//!")
        if line.startswith("//!") and re.match(r"\s*\d+\.\s", doc):
            items.append(doc)
        elif line.startswith("//!") and items and doc.startswith("    "):
            items[-1] += doc
        elif items:
            break
    return [[name for name in re.findall(r"`(\w+)`", item) if name in declared] for item in items]


def edges(path: Path, src: Path) -> list[tuple[int, str]]:
    """(line, top-level module) of every reference in `path` to a top-level module of the crate."""
    code = strip_noise(path.read_text())
    reexports = root_reexports(src)
    base = file_module_path(path, src)
    blocks = inline_modules(code)

    def line_of(offset: int) -> int:
        return code.count("\n", 0, offset) + 1

    found = []
    for m in _CRATE_PATH.finditer(code):
        heads = group_heads(code, m.start(1)) if m.group(1) == "{" else [m.group(1)]
        found += [(line_of(m.start()), reexports.get(head, head)) for head in heads if head not in ("self", "super")]
    for m in _SUPER_CHAIN.finditer(code):
        here = module_path_at(base, blocks, m.start())
        climbed = here[: len(here) - m.group(1).count("super")]
        if not climbed:  # climbed to the crate root: the next segment names a top-level module
            found.append((line_of(m.start()), reexports.get(m.group(2), m.group(2))))
    return found


def violations(path: Path, src: Path) -> list[str]:
    """`file:line: module -> target (why)` for each edge of `path` that does not point down."""
    tier_of = {module: rank for rank, tier in enumerate(tiers(src)) for module in tier}
    module = file_module_path(path, src)[0]
    wrong = []
    for line, target in edges(path, src):
        if target == module:
            continue
        where = f"src/{path.relative_to(src)}:{line}: {module} -> {target}"
        if target not in tier_of or module not in tier_of:
            wrong.append(f"{where}, and the module list in src/lib.rs does not place both")
        elif tier_of[target] >= tier_of[module]:
            wrong.append(f"{where} ({'a sibling' if tier_of[target] == tier_of[module] else 'a higher tier'})")
    return wrong


def sources(src: Path) -> list[Path]:
    return sorted(p for p in src.rglob("*.rs") if p != src / "lib.rs")


def test_every_module_has_one_tier():
    named = [module for tier in tiers(SRC) for module in tier]
    assert sorted(named) == sorted(declared_modules(SRC)), (
        f"src/lib.rs's numbered module list names {named}; it must name each module that lib.rs "
        f"declares ({sorted(declared_modules(SRC))}) exactly once"
    )


@pytest.mark.parametrize("path", sources(SRC), ids=lambda p: str(p.relative_to(SRC)))
def test_module_refers_only_to_lower_tiers(path):
    wrong = violations(path, SRC)
    assert not wrong, "layering broken:\n" + "\n".join(wrong) + f"\nallowed: only lower tiers of src/lib.rs's list {tiers(SRC)}"


# The checker itself, on a small crate, so that a pass above means the edges were found.
LIB = """//! The layers:
//!
//! 1. [`error`]: errors.
//! 2. [`signal`]: framing.
//! 3. [`feature`] and [`prosody`] (siblings), which
//!    continue on this line.
//! 4. `batch`: corpora.

pub mod batch;
pub mod error;
pub mod feature;
pub(crate) mod prosody;
pub mod signal;

pub use error::{Result, SerError};
"""


def small_crate(tmp_path: Path, relative: str, source: str) -> Path:
    (tmp_path / "lib.rs").write_text(LIB)
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)
    return path


def test_checker_reads_the_tiers_from_the_lib_docs(tmp_path):
    small_crate(tmp_path, "error.rs", "")
    assert tiers(tmp_path) == [["error"], ["signal"], ["feature", "prosody"], ["batch"]]


def test_checker_finds_paths_groups_and_root_reexports(tmp_path):
    source = (
        "use crate::signal::stft;\n"
        "use crate::{self as root, feature::{delta, stft}, prosody};\n"
        "fn f() -> crate::Result<()> { Err(crate::SerError::Internal(String::new())) }\n"
    )
    path = small_crate(tmp_path, "batch.rs", source)
    assert edges(path, tmp_path) == [(1, "signal"), (2, "feature"), (2, "prosody"), (3, "error"), (3, "error")]
    assert violations(path, tmp_path) == []


def test_checker_follows_super_out_of_the_module(tmp_path):
    source = (
        "use super::periodicity::Track;\n"  # prosody::voice: its own module
        "use super::super::pitch::yin;\n"  # prosody: its own module
        "use super::super::super::feature::x;\n"  # the crate root, then feature
        "#[cfg(test)]\nmod tests {\n"
        "    use super::*;\n"  # the file's own module
        "    use super::super::super::super::batch;\n"  # tests -> pulses -> voice -> prosody -> root
        "}\n"
    )
    path = small_crate(tmp_path, "prosody/voice/pulses.rs", source)
    assert edges(path, tmp_path) == [(3, "feature"), (7, "batch")]
    assert violations(path, tmp_path) == [
        "src/prosody/voice/pulses.rs:3: prosody -> feature (a sibling)",
        "src/prosody/voice/pulses.rs:7: prosody -> batch (a higher tier)",
    ]


def test_checker_ignores_comments_strings_and_dollar_crate(tmp_path):
    source = (
        "/// See [`crate::batch::run`].\n"
        "// crate::prosody\n"
        'const S: &str = "crate::batch::x {";\n'
        "const C: [char; 2] = ['{', '\\u{7b}'];\n"
        "macro_rules! m { () => { $crate::batch::go } }\n"
        "fn g<'a>(x: &'a str) {}\n"
        "use crate::error::Result;\n"
        "use crate::nowhere;\n"
    )
    path = small_crate(tmp_path, "feature/spectral.rs", source)
    assert edges(path, tmp_path) == [(7, "error"), (8, "nowhere")]
    assert violations(path, tmp_path) == ["src/feature/spectral.rs:8: feature -> nowhere, and the module list in src/lib.rs does not place both"]
