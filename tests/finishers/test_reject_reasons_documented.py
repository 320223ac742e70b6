"""Every reject reason the crawler can write is documented, and every documented one exists.

The reasons are read from the code itself (the places that carry a reason into
``raw_finishers.rejects``: ``PageRejected(reason, ...)``, ``_BodyError(reason, ...)``,
``SitemapReject(url, reason, ...)``, ``error=``/``reason=`` arguments, assignments to
``.error``/``.reason`` and ``*REASON`` constants), so a new reason added anywhere in
the package fails this test until ``ingestion/README.md`` lists it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ingestion.warehouse import REPO_ROOT

PACKAGE = REPO_ROOT / "ingestion" / "finishers"
RAW_CONTRACT = REPO_ROOT / "ingestion" / "README.md"
# Calls whose argument at this position is a rejects reason.
REASON_ARGUMENT = {"PageRejected": 0, "_BodyError": 0, "SitemapReject": 1}
REASON_NAMES = {"error", "reason"}


def _values(node: ast.expr) -> set[str]:
    """The reason strings an expression can evaluate to (``<name>`` for a formatted part)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.JoinedStr):
        text = ""
        for part in node.values:
            if isinstance(part, ast.Constant):
                text += str(part.value)
            else:
                inner = part.value  # type: ignore[attr-defined]
                name = inner.attr if isinstance(inner, ast.Attribute) else ast.unparse(inner)
                text += f"<{name}>"
        return {text}
    if isinstance(node, ast.BoolOp):
        return set().union(*(_values(v) for v in node.values))
    if isinstance(node, ast.IfExp):
        return _values(node.body) | _values(node.orelse)
    return set()


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def reasons_in_code(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            position = REASON_ARGUMENT.get(_name(node.func))
            if position is not None and len(node.args) > position:
                found |= _values(node.args[position])
            for keyword in node.keywords:
                if keyword.arg in REASON_NAMES and _name(node.func) != "update":
                    found |= _values(keyword.value)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                # a module constant such as page_choice.REASON = "duplicate_event_id"
                if isinstance(target, ast.Name) and target.id.endswith("REASON"):
                    found |= _values(node.value)
                pairs = (
                    zip(target.elts, node.value.elts, strict=False)
                    if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                    else [(target, node.value)]
                )
                for left, right in pairs:
                    if isinstance(left, ast.Attribute) and left.attr in REASON_NAMES:
                        found |= _values(right)
        elif isinstance(node, ast.FunctionDef) and node.name == "reason":
            for ret in ast.walk(node):
                if isinstance(ret, ast.Return) and ret.value is not None:
                    found |= _values(ret.value)
    return found


def code_reasons() -> set[str]:
    found: set[str] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        if "snapshot" not in path.parts:
            found |= reasons_in_code(path)
    return found


def documented_reasons() -> set[str]:
    text = RAW_CONTRACT.read_text(encoding="utf-8")
    section = text.split("### `rejects`", 1)[1].split("\n### ", 1)[0]
    listing = section.split("`reason`", 1)[1].split("`severity`", 1)[0]
    return set(re.findall(r"`([^`]+)`", listing))


def _matches(reason: str, documented: set[str]) -> bool:
    """``reason`` is one of ``documented``, where ``<name>`` in a listed reason is any word."""
    for doc in documented:
        pattern = "[^ ]+".join(re.escape(piece) for piece in re.split(r"<[^>]+>", doc))
        if reason == doc or re.fullmatch(pattern, reason):
            return True
    return False


def test_the_code_writes_known_reasons() -> None:
    # A guard on the scan itself: reasons of each kind of place are found.
    found = code_reasons()
    assert {"not_utf8", "no_next_data", "timeout", "invalid_sitemap", "bad_redirect"} <= found
    assert "http_<status>" in found and "validation: <field>" in found


def test_every_reason_the_code_writes_is_documented() -> None:
    documented = documented_reasons()
    missing = sorted(r for r in code_reasons() if not _matches(r, documented))
    assert missing == [], f"reasons written by the code but not listed in {RAW_CONTRACT.name}"


def test_every_documented_reason_is_written_by_the_code() -> None:
    written = code_reasons()
    stale = sorted(d for d in documented_reasons() if not _matches(d, written))
    assert stale == [], "reasons listed in the README that no code writes any more"
