# Shared settings for the scripts (sourced, not run). Every value can be
# overridden from the environment.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
RUN_DIR="$ROOT/.run"
MODELS_DIR="$ROOT/models"
SPACY_DIR="$ROOT/build/spacy/golden_hour_en"
ENCODER_DIR="$ROOT/build/encoder/all-MiniLM-L6-v2"

export RASA_TELEMETRY_ENABLED=false
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export TF_CPP_MIN_LOG_LEVEL=2
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore}"

export GOLDEN_HOUR_RASA_HOST="${GOLDEN_HOUR_RASA_HOST:-127.0.0.1}"
export GOLDEN_HOUR_RASA_PORT="${GOLDEN_HOUR_RASA_PORT:-5005}"
export GOLDEN_HOUR_ACTION_HOST="${GOLDEN_HOUR_ACTION_HOST:-127.0.0.1}"
export GOLDEN_HOUR_ACTION_PORT="${GOLDEN_HOUR_ACTION_PORT:-5055}"
export GOLDEN_HOUR_ACTION_URL="${GOLDEN_HOUR_ACTION_URL:-http://127.0.0.1:${GOLDEN_HOUR_ACTION_PORT}/webhook}"
# Rasa sends this with every action call and the action server refuses calls
# without it. Unset, a random one for this run: both servers started from the
# same shell see the same value. A deployment sets its own.
export GOLDEN_HOUR_ACTION_SECRET="${GOLDEN_HOUR_ACTION_SECRET:-$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')}"
export GOLDEN_HOUR_TRACKER_DB="${GOLDEN_HOUR_TRACKER_DB:-$RUN_DIR/conversations.db}"

hash_of() { # hash of the named files and folders' contents (sorted, stable)
  find "$@" -type f ! -name '*.pyc' ! -name '*.mo' ! -path '*/__pycache__/*' -print0 2>/dev/null \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16
}

say() { printf '\033[1m[golden-hour]\033[0m %s\n' "$*"; }
