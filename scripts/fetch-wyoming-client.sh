#!/usr/bin/env bash
# The real Wyoming client for the tests: Debian's python3-wyoming from the `forky` suite, unpacked with a private
# apt state into a scratch folder, so nothing on the machine changes (no package installed, no apt list touched).
# Prints the PYTHONPATH to use. Pinned to 1.10.2-1, with the suite's current version as the fallback.
#   WYOMING_CLIENT_DIR (default ${TMPDIR:-/tmp}/gradium-wyoming-client)
set -euo pipefail
T="${WYOMING_CLIENT_DIR:-${TMPDIR:-/tmp}/gradium-wyoming-client}"
SITE="$T/x/usr/lib/python3/dist-packages"
if [ -f "$SITE/wyoming/client.py" ]; then
  echo "$SITE"
  exit 0
fi
mkdir -p "$T/lists/partial" "$T/cache/archives/partial"
# Debian's own mirror (the one this machine's sources name); the archive keys of the installed release verify forky.
MIRROR="${WYOMING_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR forky main" > "$T/sources.list"
APT=(-o "Dir::Etc::sourcelist=$T/sources.list" -o Dir::Etc::sourceparts=/dev/null -o "Dir::State::Lists=$T/lists" -o "Dir::Cache=$T/cache")
apt-get "${APT[@]}" update >"$T/update.log" 2>&1 || { cat "$T/update.log" >&2; exit 1; }
cd "$T"
rm -f python3-wyoming_*.deb
apt-get "${APT[@]}" download python3-wyoming=1.10.2-1 >&2 2>/dev/null || apt-get "${APT[@]}" download python3-wyoming >&2
dpkg -x python3-wyoming_*.deb "$T/x"
test -f "$SITE/wyoming/client.py"
echo "$SITE"
