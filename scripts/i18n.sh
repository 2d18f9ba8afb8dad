#!/usr/bin/env bash
# Catalogue upkeep (developers): re-extract every message into locales/messages.pot
# and merge it into each language's .po. Set-up compiles the .po files to .mo.
#   scripts/i18n.sh           extract + update
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
"$VENV/bin/pybabel" -q extract -F babel.cfg -k N_ --no-location --sort-output \
  --project "Golden Hour" --copyright-holder "Golden Hour" -o locales/messages.pot . >/dev/null
for lang in en_GB cy; do
  if [ -f "locales/$lang/LC_MESSAGES/messages.po" ]; then
    "$VENV/bin/pybabel" -q update -i locales/messages.pot -d locales -l "$lang" --no-fuzzy-matching >/dev/null
  else
    "$VENV/bin/pybabel" -q init -i locales/messages.pot -d locales -l "$lang" >/dev/null
  fi
done
# British English is the source language: its catalogue repeats each message.
# Every catalogue is rewritten at one line width, so a merge changes only the
# messages that changed.
"$VENV/bin/python" - <<'PY'
from babel.messages.pofile import read_po, write_po
for lang in ("en_GB", "cy"):
    path = f"locales/{lang}/LC_MESSAGES/messages.po"
    with open(path, "rb") as f:
        catalog = read_po(f, locale=lang)
    for message in catalog:
        empty = not any(message.string) if isinstance(message.string, tuple) else not message.string
        if lang == "en_GB" and message.id and empty:
            message.string = message.id
        if lang == "en_GB":
            message.flags.discard("fuzzy")
    with open(path, "wb") as f:
        write_po(f, catalog, width=100, omit_header=False)
with open("locales/messages.pot", "rb") as f:
    template = read_po(f)
with open("locales/messages.pot", "wb") as f:
    write_po(f, template, width=100, omit_header=False)
PY
echo "catalogues updated: $(grep -c '^msgid "' locales/messages.pot) messages"
