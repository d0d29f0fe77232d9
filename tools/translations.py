"""Check the Korean catalogs: complete, consistent with the glossary, the markup kept.

    python -m tools.translations [PO ...]    every problem of these catalogs (default: all)

A problem is a message without a Korean entry, an empty or fuzzy one, a glossary term
translated otherwise, or a translation that changes the message's code, math, roles or URLs.
"""
import re
import sys
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ROOT / "locales" / "ko" / "LC_MESSAGES"
GLOSSARY = ROOT / "locales" / "ko" / "glossary.yml"
# What must pass through translation unchanged: roles with their targets, inline code,
# math, and link targets (the Colab link's target is the Korean notebook's).
MARKUP = re.compile(r"\{[\w:-]+\}`[^`]*`|``[^`]+``|`[^`]+`|\$[^$]+\$|\]\(([^)\s]+)\)")
ROLE = re.compile(r"(\{[\w:-]+\}`)(?:[^`<]*<([^`>]+)>|([^`]*))`")  # {ref}`title <target>`
HANGUL = re.compile(r"[\uac00-\ud7a3]")
COLAB = re.compile(r"(notebooks/)(\w+\.ipynb)")


def messages(path):
    """(msgid, msgstr, fuzzy) of every message of the catalog at ``path``."""
    with open(path, "rb") as file:
        return [(m.id, m.string, m.fuzzy) for m in read_po(file) if m.id]


def korean(path):
    """{msgid: msgstr} of the catalog at ``path``, without its empty and fuzzy entries."""
    return {msgid: msgstr for msgid, msgstr, fuzzy in messages(path) if msgstr and not fuzzy}


def markup(text, korean=False):
    """The sorted pieces of ``text`` that translation keeps, as they read in Korean."""
    # a role is its name and target: a translation may give {ref}`sec-a` a title
    pieces = [ROLE.sub(lambda m: f"{m[1]}<{m[2] or m[3]}>`", match.group(0))
              for match in MARKUP.finditer(text)]
    if not korean:
        pieces = [COLAB.sub(r"\1ko/\2", piece) if "colab.research.google.com" in piece else piece
                  for piece in pieces]
    return sorted(pieces)


def prose(text):
    """``text`` without its markup, for the glossary."""
    return MARKUP.sub(" ", text)


def glossary():
    return yaml.safe_load(GLOSSARY.read_text())


def glossary_misses(msgid, msgstr, terms):
    """The English terms of ``msgid`` whose Korean term ``msgstr`` lacks (a longer term
    first: "gradient descent" is not also "gradient")."""
    english, korean, misses = prose(msgid), prose(msgstr), []
    for term in sorted(terms, key=len, reverse=True):
        english, found = re.subn(rf"\b{re.escape(term)}(s|es)?\b", " ", english, flags=re.IGNORECASE)
        if found and terms[term] not in korean:
            misses.append(term)
    return misses


def problems(path, terms):
    """One line per problem of the catalog at ``path``."""
    found = []
    for msgid, msgstr, fuzzy in messages(path):
        where = f"{path.relative_to(ROOT)}: {msgid[:70]!r}"
        if not msgstr.strip():
            found.append(f"{where}: not translated")
        elif fuzzy:
            found.append(f"{where}: fuzzy (the English changed): review the translation")
        elif markup(msgid) != markup(msgstr, korean=True):
            found.append(f"{where}: code, math, roles or links differ: "
                         f"{markup(msgid)} vs {markup(msgstr, korean=True)}")
        else:
            found += [f"{where}: '{term}' is translated '{terms[term]}' everywhere"
                      for term in glossary_misses(msgid, msgstr, terms)]
    return found


def main(paths):
    paths = [Path(p).resolve() for p in paths] or sorted(CATALOGS.rglob("*.po"))
    terms = glossary()
    found = [line for path in paths for line in problems(path, terms)]
    print("\n".join(found) or f"{len(paths)} catalogs: no problem")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
