#!/usr/bin/env bash
# gui-smoke.sh [--wine] BINARY OUTDIR: open the real MediaDesk window under
# Xvfb, against the private sound server (run this inside with-pulse.sh or
# with-pipewire.sh) with two null sinks, a microphone and a sample
# history; wait for the window and the history, screenshot it into
# OUTDIR/gui-smoke.png, check the process is alive and the picture is not
# blank, then close it and require a clean exit. Prints the startup
# figures.
#
# --wine: BINARY is the Windows build (mediadesk.exe), run under Wine (also
# inside with-wine.sh); the files are gui-smoke-wine.*, and it is stopped
# with SIGINT (Wine turns it into the console Ctrl+C that Fyne quits on)
# instead of SIGTERM. Natively the app runs in its own D-Bus session and
# its RSS is printed.
set -euo pipefail
wine=""
if [ "${1:-}" = --wine ]; then wine=1; shift; fi
bin=$(realpath "$1")
out=$(realpath -m "$2")
mkdir -p "$out"
if [ -n "$wine" ]; then
	: "${PULSE_SERVER:?run inside scripts/with-pulse.sh}" "${WINEPREFIX:?run inside scripts/with-wine.sh}"
	name="wine gui-smoke" files=gui-smoke-wine run="wine" session="" stop=INT window_secs=30 settle=3
else
	: "${PULSE_SERVER:?run gui-smoke.sh inside scripts/with-pulse.sh or scripts/with-pipewire.sh}"
	# Named in every message: the same window runs on PulseAudio and PipeWire.
	name="gui-smoke on ${MEDIADESK_SOUND_SERVER:-pulseaudio}" files=gui-smoke run="" session="dbus-run-session --" stop=TERM window_secs=10 settle=2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mediadesk-smoke.XXXXXX")
mods=()
# shellcheck source=scripts/local-stun.sh
. "$(dirname "$0")/local-stun.sh"
cleanup() {
	stop_local_stun
	for m in "${mods[@]}"; do pactl unload-module "$m" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
# The Check's network card asks a STUN server on loopback, not Google's.
start_local_stun "$work"

# The module argument is single-quoted, the property value inside it double-quoted.
sink() { mods+=("$(pactl load-module module-null-sink "sink_name=$1" "sink_properties='device.description=\"$2\"'")"); }
sink smoke_desk "Desk Speakers"
sink smoke_headset "USB Headset"
# A microphone both servers offer (PipeWire has no module-null-source): a
# remap of the headset's monitor.
mods+=("$(pactl load-module module-remap-source source_name=smoke_mic master=smoke_headset.monitor "source_properties='device.description=\"Desk Microphone\"'")")
pactl set-default-sink smoke_desk

# SMOKE_DB: use this history instead of a fresh sample (the 1M-call RSS
# benchmark passes its big store here). Under Wine the path is a Windows
# one (Wine's Z: is /).
db=${SMOKE_DB:-$work/history.db}
export MEDIADESK_DB="${wine:+Z:}$(realpath -m "$db")" FYNE_THEME=${FYNE_THEME:-light}
if [ -z "$wine" ]; then
	mkdir -m 700 "$work/run"
	export XDG_CONFIG_HOME="$work/config" XDG_RUNTIME_DIR="$work/run"
fi
if [ -z "${SMOKE_DB:-}" ]; then
	timeout 120 $run "$bin" calls sample --count "${SMOKE_CALLS:-2000}" >/dev/null
fi

export SMOKE_BIN="$bin" SMOKE_OUT="$out" SMOKE_WORK="$work" SMOKE_NAME="$name" SMOKE_FILES="$files" SMOKE_RUN="$run" \
	SMOKE_STOP="$stop" SMOKE_WINDOW_SECS="$window_secs" SMOKE_SETTLE="${SMOKE_SETTLE:-$settle}"
# shellcheck disable=SC2086 # $session is a command prefix or nothing
xvfb-run -a -s "-screen 0 1280x800x24" $session bash -c '
set -euo pipefail
# The X server must answer before the app starts (GLFW gives up at once).
for _ in $(seq 1 100); do xwininfo -root >/dev/null 2>&1 && break; sleep 0.05; done
xwininfo -root >/dev/null 2>&1 || { echo "$SMOKE_NAME: the X server did not answer within 5 s" >&2; exit 1; }
start=$(date +%s%N)
MEDIADESK_STARTUP_TRACE=1 $SMOKE_RUN "$SMOKE_BIN" >"$SMOKE_WORK/app.out" 2>"$SMOKE_WORK/app.log" &
pid=$!
# Whatever ends this shell (a failed command under set -e too) ends the app.
trap '"'"'kill -9 $pid 2>/dev/null || true'"'"' EXIT
fail() { echo "$SMOKE_NAME: $1; the app'"'"'s log:" >&2; cat "$SMOKE_WORK/app.log" >&2; kill -9 $pid 2>/dev/null || true; exit 1; }
mapped=""
for _ in $(seq 1 $((SMOKE_WINDOW_SECS * 20))); do
	if xwininfo -root -tree 2>/dev/null | grep -q "\"MediaDesk\""; then mapped=$(date +%s%N); break; fi
	kill -0 $pid 2>/dev/null || fail "the app exited early"
	sleep 0.05
done
[ -n "$mapped" ] || fail "no MediaDesk window after $SMOKE_WINDOW_SECS s"
# The history opens in the background (a big store takes seconds to
# open): wait until the list shows calls, then let it and the device
# pickers settle.
for _ in $(seq 1 1200); do grep -q "history shown after" "$SMOKE_WORK/app.log" && break; sleep 0.05; done
grep -q "history shown after" "$SMOKE_WORK/app.log" || fail "the history did not show within 60 s"
sleep $SMOKE_SETTLE
shot="$SMOKE_OUT/$SMOKE_FILES.png"
import -window root "$shot"
kill -0 $pid || fail "the app died after the screenshot"
# A window that rendered nothing (no GL context) is one or two colours.
colours=$(identify -format %k "$shot")
[ "$colours" -gt 50 ] || fail "the screenshot has only $colours colours: nothing was drawn"
memory="$colours colours"
# SMOKE_CHECK=1: the Check, live. The system mutes the microphone while
# the window is open: the Check must list MIC_MUTED without a click. Then
# Ctrl+K opens the walk, a page that takes the whole window: its first
# step (the microphone) is screenshot as gui-check.png.
if [ -n "${SMOKE_CHECK:-}" ]; then
	waitlog() {
		for _ in $(seq 1 200); do grep -q "$1" "$SMOKE_WORK/app.log" && return 0; sleep 0.05; done
		fail "no \"$1\" in the log within 10 s ($2)"
	}
	waitlog "check: step -1: " "the Check never reported"
	pactl set-source-mute smoke_mic 1
	waitlog "check: step -1: .*MIC_MUTED" "the muted microphone was not listed"
	wid=$(xdotool search --name "^MediaDesk\$" | head -1)
	xdotool mousemove --window "$wid" 400 300 key --window "$wid" ctrl+k
	waitlog "check: step 0: .*MIC_MUTED" "Ctrl+K did not start the walk"
	sleep $SMOKE_SETTLE
	import -window root "$SMOKE_OUT/gui-check.png"
	pactl set-source-mute smoke_mic 0
	for _ in $(seq 1 200); do grep "check: " "$SMOKE_WORK/app.log" | tail -1 | grep -v -q MIC_MUTED && break; sleep 0.05; done
	grep "check: " "$SMOKE_WORK/app.log" | tail -1 | grep -v -q MIC_MUTED || fail "unmuting in the system did not clear MIC_MUTED"
fi
if [ -z "$SMOKE_RUN" ]; then
	rss=$(awk "/VmRSS/ {print \$2}" /proc/$pid/status)
	anon=$(awk "/RssAnon/ {print \$2}" /proc/$pid/status)
	memory="RSS $((rss / 1024)) MB ($((anon / 1024)) MB anonymous, the rest mapped libraries: Mesa, LLVM)"
fi
kill -$SMOKE_STOP $pid
set +e
for _ in $(seq 1 300); do kill -0 $pid 2>/dev/null || break; sleep 0.05; done
if kill -0 $pid 2>/dev/null; then
	# A hang at exit: SIGQUIT makes a Go program print the stack of every goroutine
	# (into the log shown below) before it ends.
	[ -n "$SMOKE_RUN" ] || kill -QUIT $pid 2>/dev/null || true
	for _ in $(seq 1 40); do kill -0 $pid 2>/dev/null || break; sleep 0.05; done
	fail "the app did not exit within 15 s of SIG$SMOKE_STOP (its goroutines at that moment are in the log)"
fi
wait $pid
code=$?
set -e
cp "$SMOKE_WORK/app.log" "$SMOKE_OUT/$SMOKE_FILES.log"
[ $code -eq 0 ] || fail "exit status $code after SIG$SMOKE_STOP"
if grep -q -i "panic\|fatal error\|DATA RACE\|unimplemented function" "$SMOKE_WORK/app.log"; then fail "the log shows a crash"; fi
echo "$SMOKE_NAME: window mapped after $(( (mapped - start) / 1000000 )) ms; $(grep -o "window ready after [0-9]* ms" "$SMOKE_WORK/app.log" || echo "no first-frame trace"); $(grep -o "history shown after [0-9]* ms" "$SMOKE_WORK/app.log"); $memory; clean exit; screenshot $shot"
'
