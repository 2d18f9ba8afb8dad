#!/usr/bin/env bash
# Install the Debian packages listed in scripts/system-packages.txt (or in the
# list file given) that are missing. As root with apt-get this installs them;
# otherwise it says what to run.
set -euo pipefail
list="${1:-$(dirname "${BASH_SOURCE[0]}")/system-packages.txt}"
missing=()
while read -r pkg; do
  [ -z "$pkg" ] || [[ "$pkg" == \#* ]] && continue
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done < "$list"
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[golden-hour] Installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "[golden-hour] Missing system packages: ${missing[*]}" >&2
  echo "  Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
