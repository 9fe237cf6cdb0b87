#!/usr/bin/env bash
# gui-smoke.sh EXE OUTDIR: the Windows build's window under Wine and Xvfb
# (run inside with-pulse.sh and with-wine.sh), the counterpart of
# scripts/gui-smoke.sh: two null sinks, a microphone and a sample history;
# wait for the window and the history, screenshot it into
# OUTDIR/gui-smoke-wine.png, check the process is alive and the picture is
# not blank, then stop it with SIGINT (Wine turns it into the console
# Ctrl+C that Fyne quits on) and require exit status 0.
set -euo pipefail
exe=$(realpath "$1")
out=$(realpath -m "$2")
mkdir -p "$out"
: "${PULSE_SERVER:?run inside scripts/with-pulse.sh}" "${WINEPREFIX:?run inside scripts/with-wine.sh}"

work=$(mktemp -d "${TMPDIR:-/tmp}/mediadesk-wine-smoke.XXXXXX")
mods=()
cleanup() {
	for m in "${mods[@]}"; do pactl unload-module "$m" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

sink() { mods+=("$(pactl load-module module-null-sink "sink_name=$1" "sink_properties='device.description=\"$2\"'")"); }
sink smoke_desk "Desk Speakers"
sink smoke_headset "USB Headset"
mods+=("$(pactl load-module module-null-source source_name=smoke_mic "description='Desk Microphone'")")

# A Windows path for the Windows program (Wine's Z: is /).
export MEDIADESK_DB="Z:$work/history.db" FYNE_THEME=${FYNE_THEME:-light}
timeout 120 wine "$exe" calls sample --count "${SMOKE_CALLS:-2000}" >/dev/null

export SMOKE_EXE="$exe" SMOKE_OUT="$out" SMOKE_WORK="$work"
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
set -euo pipefail
for _ in $(seq 1 100); do xwininfo -root >/dev/null 2>&1 && break; sleep 0.05; done
start=$(date +%s%N)
MEDIADESK_STARTUP_TRACE=1 wine "$SMOKE_EXE" >"$SMOKE_WORK/app.out" 2>"$SMOKE_WORK/app.log" &
pid=$!
fail() { echo "wine gui-smoke: $1; the app'"'"'s log:" >&2; cat "$SMOKE_WORK/app.log" >&2; kill -9 $pid 2>/dev/null || true; exit 1; }
mapped=""
for _ in $(seq 1 600); do
	if xwininfo -root -tree 2>/dev/null | grep -q "\"MediaDesk\""; then mapped=$(date +%s%N); break; fi
	kill -0 $pid 2>/dev/null || fail "the app exited early"
	sleep 0.05
done
[ -n "$mapped" ] || fail "no MediaDesk window after 30 s"
for _ in $(seq 1 1200); do grep -q "history shown after" "$SMOKE_WORK/app.log" && break; sleep 0.05; done
grep -q "history shown after" "$SMOKE_WORK/app.log" || fail "the history did not show within 60 s"
# Let the device pickers fill and the first frames settle.
sleep ${SMOKE_SETTLE:-3}
import -window root "$SMOKE_OUT/gui-smoke-wine.png"
kill -0 $pid || fail "the app died after the screenshot"
# A window that rendered nothing (no GL context) is one or two colours.
colours=$(identify -format %k "$SMOKE_OUT/gui-smoke-wine.png")
[ "$colours" -gt 50 ] || fail "the screenshot has only $colours colours: nothing was drawn"
kill -INT $pid
set +e
for _ in $(seq 1 300); do kill -0 $pid 2>/dev/null || break; sleep 0.05; done
kill -0 $pid 2>/dev/null && fail "the app did not exit within 15 s of SIGINT"
wait $pid
code=$?
set -e
cp "$SMOKE_WORK/app.log" "$SMOKE_OUT/gui-smoke-wine.log"
[ $code -eq 0 ] || fail "exit status $code after SIGINT"
if grep -q -i "panic\|fatal error\|unimplemented function" "$SMOKE_WORK/app.log"; then fail "the log shows a crash"; fi
echo "wine gui-smoke: window mapped after $(( (mapped - start) / 1000000 )) ms; $(grep -o "window ready after [0-9]* ms" "$SMOKE_WORK/app.log" || echo "no first-frame trace"); $(grep -o "history shown after [0-9]* ms" "$SMOKE_WORK/app.log"); $colours colours; clean exit; screenshot $SMOKE_OUT/gui-smoke-wine.png"
'
