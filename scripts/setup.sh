#!/usr/bin/env bash
# Idempotent machine setup: Debian packages, the Python environment and front-end assets.
# A second run finds everything in place and changes nothing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fail() { echo "setup: $*" >&2; exit 1; }  # the failing tool has printed its own error above
pg_major=15
debs=(postgresql "postgresql-$pg_major" "postgresql-$pg_major-orafce" "postgresql-$pg_major-plpgsql-check"
      "postgresql-$pg_major-cron" ora2pg chromium python3-venv)

missing=()
for pkg in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq || fail "apt-get update failed (output above): check the network and the apt sources"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    fail "apt-get could not install ${missing[*]} (output above): install them by hand, then run again"
fi

venv="$root/.venv"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$root/requirements.txt" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: building the Python environment in .venv"
  python3 -m venv "$venv" || fail "python3 -m venv failed (output above): is python3-venv installed?"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$root/requirements.txt" ||
    fail "pip could not install requirements.txt (output above): check the network or pip's index settings"
  echo "$want" > "$stamp"
fi
