#!/usr/bin/env python3
"""Prints the parameter tables of docs/rules.md from src/scenario/rules.rs (the test
tests/shipped_docs.rs checks the document against the code; this writes the tables to paste)."""
import re
import sys
from pathlib import Path

source = Path(__file__).resolve().parent.parent / "src" / "scenario" / "rules.rs"
text = source.read_text()
body = text[text.index("rules! {\n    // ----"):]
body = body[: body.index("\n}\n")]
section, docs = None, []
for line in body.split("\n"):
    s = line.strip()
    if s.startswith("// ----"):
        section = s[len("// ----"):].strip()
        title = section if section.isupper() else section[0].upper() + section[1:]
        print(f"\n### {title}\n\n| parameter | default | range | what it does |\n|---|---|---|---|")
    elif s.startswith("///"):
        docs.append(s[3:].strip())
    elif s and not s.startswith("rules!"):
        m = re.match(r"(\w+)\s*:\s*([^,]+),\s*([^,]+),\s*([^,;]+)", s)
        if not m:
            sys.exit(f"cannot read: {s}")
        name, default, low, high = m.groups()
        print(f"| `{name}` | {default} | {low} to {high} | {' '.join(docs)} |")
        docs = []
