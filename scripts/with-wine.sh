#!/usr/bin/env bash
# with-wine.sh CMD [ARGS…]: run CMD with a private Wine prefix in WINEPREFIX.
#
# The prefix is made for this run (wineboot: 8-10 s on an idle machine,
# 20-40 s on a busy one) in a temporary directory, with the Wine 8 gap that
# the project closes itself: bcryptprimitives.dll (ProcessPrng, which every
# Go ≥ 1.22 program needs) is built from scripts/wine/processprng/ with
# mingw-w64 and copied into this prefix's system32 only. (The other two
# gaps are closed in devices/internal/mmdevice/mmdevice_windows.c and scripts/wine/build.sh.)
# Run it inside with-pulse.sh: Wine's
# winepulse driver reaches the private PulseAudio through PULSE_SERVER.
# The prefix, its wineserver and every Wine process in it are stopped when
# CMD ends, whatever its exit status, and CMD's status is returned.
set -euo pipefail
: "${PULSE_SERVER:?run with-wine.sh inside scripts/with-pulse.sh}"
here=$(cd "$(dirname "$0")" && pwd)

dir=$(mktemp -d "${TMPDIR:-/tmp}/mediadesk-wine.XXXXXX")
# No Mono or Gecko install prompts (nothing may be downloaded), no menu
# entries or icons written into the user's home (winemenubuilder); quiet
# unless the caller asks for a WINEDEBUG channel. HOME and the XDG
# directories stay the caller's: Go's build cache and settings live there.
export WINEPREFIX="$dir/prefix" WINEARCH=win64 WINEDEBUG="${WINEDEBUG:--all}" WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"

stop_wine() {
	# -k kills every process of this prefix's wineserver (a test that
	# failed half-way may leave one); the prefix goes with the directory.
	local t=$SECONDS
	wineserver -k 2>/dev/null || true
	wineserver -w 2>/dev/null || true
	rm -rf "$dir"
	echo "with-wine: prefix stopped and removed in $((SECONDS - t)) s" >&2
}
trap stop_wine EXIT

start=$(date +%s%N)
timeout 300 wineboot -i >"$dir/wineboot.log" 2>&1 || { echo "with-wine: wineboot failed; its log:" >&2; cat "$dir/wineboot.log" >&2; exit 1; }
timeout 120 wineserver -w || { echo "with-wine: wineserver did not settle within 120 s" >&2; exit 1; }
sys32="$WINEPREFIX/drive_c/windows/system32"
[ -d "$sys32" ] || { echo "with-wine: wineboot made no $sys32" >&2; exit 1; }
x86_64-w64-mingw32-gcc -shared -O2 -Wall -Werror -o "$sys32/bcryptprimitives.dll" "$here/wine/processprng/processprng.c" -ladvapi32
echo "with-wine: private prefix $WINEPREFIX ready in $(( ($(date +%s%N) - start) / 1000000 )) ms ($(wine --version))" >&2

set +e
"$@"
status=$?
set -e
exit $status
