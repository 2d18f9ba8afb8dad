#!/usr/bin/env bash
# Train the Rasa model when its inputs have changed, and point models/CURRENT at it.
# Called by scripts/setup.sh; scripts/test runs it in the background.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
mkdir -p "$MODELS_DIR"

# The Rasa model: retrained only when its inputs change (the Welsh catalogue is
# one: the spelling step keeps its words, bot/nlp/spelling.py)
# bot/choices.py too: its word lists are features (bot/nlp/context_features.py).
model_hash="$(hash_of config.yml domain.yml data constraints.txt locales/cy/LC_MESSAGES/messages.po bot/choices.py \
  "$SPACY_DIR/.build-hash" "$ENCODER_DIR/.build-hash")"
model_name="golden-hour-$model_hash"
if [ ! -f "$MODELS_DIR/$model_name.tar.gz" ]; then
  say "Training the Rasa model (inputs changed; the first training takes a few minutes)"
  start=$SECONDS
  "$VENV/bin/rasa" train --fixed-model-name "$model_name" --out "$MODELS_DIR" --quiet
  find "$MODELS_DIR" -name 'golden-hour-*.tar.gz' ! -name "$model_name.tar.gz" -delete
  say "Model trained in $((SECONDS - start)) s"
else
  say "Rasa model is up to date ($model_name); not retraining"
fi
echo "$MODELS_DIR/$model_name.tar.gz" > "$MODELS_DIR/CURRENT"
