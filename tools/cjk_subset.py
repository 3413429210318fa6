#!/usr/bin/env python3
"""Writes assets/fonts/NotoSansCJKtc-subset.otf: Noto Sans CJK TC Regular cut down to exactly the
characters of every `native_name` in the built-in scenarios (scenarios/**/*.ron).

The window embeds that font so that names such as 開封 or 李綱 render without the 16 MB of the whole
face. Rerun this after adding or changing a native_name; `cargo test` fails (tests/native_names.rs)
while a character is missing from the shipped font.

Needs fontTools (`pip install fonttools`) and the Noto CJK fonts (Debian: `apt-get install
fonts-noto-cjk`, which installs /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc), or
`--source` naming NotoSansCJKtc-Regular.otf or a .ttc that holds the TC face.

    python3 tools/cjk_subset.py [--source PATH]
"""
import argparse
import glob
import os
import re
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))
OUT = os.path.join(ROOT, "assets", "fonts", "NotoSansCJKtc-subset.otf")
DEFAULT_SOURCES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKtc-Regular.otf",
]
FAMILY = "Noto Sans CJK TC"

# `native_name: "開封"` or `native_name: Some("開封")`; the names hold no quotes or escapes, and a
# name that did would be refused by the check below rather than cut wrongly.
NATIVE = re.compile(r'\bnative_name:\s*(?:Some\(\s*)?"([^"\\]*)(\\?)')


def native_names():
    """Every native_name written in the built-in scenarios' files, with the file it is in."""
    names = []
    for path in sorted(glob.glob(os.path.join(ROOT, "scenarios", "**", "*.ron"), recursive=True)):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for m in NATIVE.finditer(text):
            if m.group(2):
                sys.exit(f"{path}: native_name {m.group(1)!r}... has an escape; write the characters themselves")
            names.append((os.path.relpath(path, ROOT), m.group(1)))
    return names


def tc_face(path):
    """The Regular face of Noto Sans CJK TC in `path` (a .otf, or a .ttc whose faces are searched by
    their name table, since the collection's order is not promised)."""
    if path.lower().endswith((".ttc", ".otc")):
        faces = TTCollection(path, lazy=True).fonts
        numbers = range(len(faces))
    else:
        faces, numbers = [TTFont(path, lazy=True)], [None]
    for number, face in zip(numbers, faces):
        name = face["name"]
        if name.getDebugName(1) == FAMILY and name.getDebugName(2) == "Regular":
            # Opened again on its own, without recalculating head.modified, so that the same
            # names cut the same bytes every time.
            return TTFont(path, fontNumber=number if number is not None else -1, recalcTimestamp=False)
    sys.exit(f"{path} holds no {FAMILY} Regular face")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", help="NotoSansCJK-Regular.ttc or NotoSansCJKtc-Regular.otf")
    args = parser.parse_args()
    source = args.source or next((p for p in DEFAULT_SOURCES if os.path.exists(p)), None)
    if source is None:
        sys.exit("Noto Sans CJK not found: apt-get install fonts-noto-cjk, or pass --source")

    names = native_names()
    if not names:
        sys.exit("no native_name found under scenarios/: nothing to cut")
    chars = sorted({c for _, name in names for c in name})
    font = tc_face(source)
    cmap = font.getBestCmap()
    missing = [c for c in chars if ord(c) not in cmap]
    if missing:
        sys.exit(f"{FAMILY} has no glyph for {' '.join(missing)}")

    options = subset.Options()
    # Keep the copyright, licence and URL records (name IDs 0-14): the OFL asks that the notice
    # travels with the font.
    options.name_IDs = list(range(15))
    options.notdef_outline = True
    options.layout_features = []  # only the plain glyphs of the names: no vertical forms or locl
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    font.save(OUT)
    print(f"{len(names)} native names, {len(chars)} characters from {source} -> "
          f"{os.path.relpath(OUT, ROOT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
