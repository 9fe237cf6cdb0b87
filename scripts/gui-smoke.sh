#!/usr/bin/env bash
# gui-smoke.sh BINARY OUTDIR: open the real MediaDesk window under Xvfb,
# against the private sound server (run this inside with-pulse.sh or
# with-pipewire.sh) with two null sinks, a microphone and a sample
# history; wait for the window, screenshot it into
# OUTDIR/gui-smoke.png, check the process is alive, then close it with
# SIGTERM and require a clean exit. Prints the startup figures.
set -euo pipefail
bin=$(realpath "$1")
out=$(realpath -m "$2")
mkdir -p "$out"
: "${PULSE_SERVER:?run gui-smoke.sh inside scripts/with-pulse.sh or scripts/with-pipewire.sh}"
# Named in every message: the same window runs on PulseAudio and PipeWire.
export SMOKE_SERVER=${MEDIADESK_SOUND_SERVER:-pulseaudio}

work=$(mktemp -d "${TMPDIR:-/tmp}/mediadesk-smoke.XXXXXX")
mods=()
cleanup() {
	for m in "${mods[@]}"; do pactl unload-module "$m" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

# The module argument is single-quoted, the property value inside it double-quoted.
sink() { mods+=("$(pactl load-module module-null-sink "sink_name=$1" "sink_properties='device.description=\"$2\"'")"); }
sink smoke_desk "Desk Speakers"
sink smoke_headset "USB Headset"
# A microphone both servers offer (PipeWire has no module-null-source): a
# remap of the headset's monitor.
mods+=("$(pactl load-module module-remap-source source_name=smoke_mic master=smoke_headset.monitor "source_properties='device.description=\"Desk Microphone\"'")")
pactl set-default-sink smoke_desk

# SMOKE_DB: use this history instead of a fresh sample (the 1M-call RSS
# benchmark passes its big store here).
mkdir -m 700 "$work/run"
export XDG_CONFIG_HOME="$work/config" XDG_RUNTIME_DIR="$work/run" FYNE_THEME=${FYNE_THEME:-light}
if [ -n "${SMOKE_DB:-}" ]; then
	export MEDIADESK_DB="$SMOKE_DB"
else
	export MEDIADESK_DB="$work/history.db"
	"$bin" calls sample --count "${SMOKE_CALLS:-2000}" >/dev/null
fi

export SMOKE_BIN="$bin" SMOKE_OUT="$out" SMOKE_WORK="$work"
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
set -euo pipefail
# The X server must answer before the app starts (GLFW gives up at once).
for _ in $(seq 1 100); do xwininfo -root >/dev/null 2>&1 && break; sleep 0.05; done
start=$(date +%s%N)
MEDIADESK_STARTUP_TRACE=1 "$SMOKE_BIN" 2>"$SMOKE_WORK/app.log" &
pid=$!
mapped=""
for _ in $(seq 1 200); do
	if xwininfo -root -tree 2>/dev/null | grep -q "\"MediaDesk\""; then mapped=$(date +%s%N); break; fi
	kill -0 $pid 2>/dev/null || { echo "gui-smoke on $SMOKE_SERVER: the app exited early; its log:" >&2; cat "$SMOKE_WORK/app.log" >&2; exit 1; }
	sleep 0.05
done
[ -n "$mapped" ] || { echo "gui-smoke on $SMOKE_SERVER: no MediaDesk window after 10 s; log:" >&2; cat "$SMOKE_WORK/app.log" >&2; kill $pid; exit 1; }
# The history opens in the background (a big store takes seconds to
# open): wait until the list shows calls, then let it settle.
for _ in $(seq 1 1200); do grep -q "history shown after" "$SMOKE_WORK/app.log" && break; sleep 0.05; done
grep -q "history shown after" "$SMOKE_WORK/app.log" || { echo "gui-smoke on $SMOKE_SERVER: the history did not show within 60 s; log:" >&2; cat "$SMOKE_WORK/app.log" >&2; kill $pid; exit 1; }
sleep ${SMOKE_SETTLE:-2}
import -window root "$SMOKE_OUT/gui-smoke.png"
kill -0 $pid || { echo "gui-smoke on $SMOKE_SERVER: the app died after the screenshot; log:" >&2; cat "$SMOKE_WORK/app.log" >&2; exit 1; }
# SMOKE_CHECK=1: the Check, live. The system mutes the microphone while
# the window is open: the Check must list MIC_MUTED without a click. Then
# Ctrl+K walks the check: its first step shows the Microphone card alone.
if [ -n "${SMOKE_CHECK:-}" ]; then
	waitlog() {
		for _ in $(seq 1 200); do grep -q "$1" "$SMOKE_WORK/app.log" && return 0; sleep 0.05; done
		echo "gui-smoke on $SMOKE_SERVER: no \"$1\" in the log within 10 s ($2); log:" >&2; cat "$SMOKE_WORK/app.log" >&2; kill $pid; exit 1
	}
	waitlog "check: step -1: " "the Check never reported"
	pactl set-source-mute smoke_mic 1
	waitlog "check: step -1: .*MIC_MUTED" "the muted microphone was not listed"
	wid=$(xdotool search --name "^MediaDesk\$" | head -1)
	xdotool mousemove --window "$wid" 400 300 key --window "$wid" ctrl+k
	waitlog "check: step 0: .*MIC_MUTED" "Ctrl+K did not start the walk"
	sleep ${SMOKE_SETTLE:-2}
	import -window root "$SMOKE_OUT/gui-check.png"
	pactl set-source-mute smoke_mic 0
	for _ in $(seq 1 200); do grep "check: " "$SMOKE_WORK/app.log" | tail -1 | grep -v -q MIC_MUTED && break; sleep 0.05; done
	grep "check: " "$SMOKE_WORK/app.log" | tail -1 | grep -v -q MIC_MUTED || { echo "gui-smoke on $SMOKE_SERVER: unmuting in the system did not clear MIC_MUTED; log:" >&2; cat "$SMOKE_WORK/app.log" >&2; kill $pid; exit 1; }
fi
rss=$(awk "/VmRSS/ {print \$2}" /proc/$pid/status)
anon=$(awk "/RssAnon/ {print \$2}" /proc/$pid/status)
kill -TERM $pid
set +e
for _ in $(seq 1 100); do kill -0 $pid 2>/dev/null || break; sleep 0.05; done
wait $pid
code=$?
set -e
cp "$SMOKE_WORK/app.log" "$SMOKE_OUT/gui-smoke.log"
if [ $code -ne 0 ]; then echo "gui-smoke on $SMOKE_SERVER: exit status $code after SIGTERM; log:" >&2; cat "$SMOKE_WORK/app.log" >&2; exit 1; fi
if grep -q -i "panic\|fatal error\|DATA RACE" "$SMOKE_WORK/app.log"; then echo "gui-smoke on $SMOKE_SERVER: the log shows a crash:" >&2; cat "$SMOKE_WORK/app.log" >&2; exit 1; fi
echo "gui-smoke on $SMOKE_SERVER: window mapped after $(( (mapped - start) / 1000000 )) ms; $(grep -o "window ready after [0-9]* ms" "$SMOKE_WORK/app.log" || echo "no first-frame trace"); $(grep -o "history shown after [0-9]* ms" "$SMOKE_WORK/app.log"); RSS $((rss / 1024)) MB ($((anon / 1024)) MB anonymous, the rest mapped libraries: Mesa, LLVM); clean exit; screenshot $SMOKE_OUT/gui-smoke.png"
'
