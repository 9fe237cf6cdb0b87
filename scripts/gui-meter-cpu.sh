#!/usr/bin/env bash
# gui-meter-cpu.sh BINARY: what the window costs with its level meter
# running, under Xvfb (run this inside with-pulse.sh). Three cases, 15 s
# each: no microphone (no meter), a silent microphone, and a speech-like
# one; prints a table row per case. Each window is waited for (first frame
# and history shown: polled, bounded) and given 2 s before the 15 s are
# counted, to keep start-up work out of the count.
set -euo pipefail
bin=$(realpath "$1")
: "${PULSE_SERVER:?run gui-meter-cpu.sh inside scripts/with-pulse.sh}"
work=$(mktemp -d "${TMPDIR:-/tmp}/mediadesk-metercpu.XXXXXX")
feeder=""
cleanup() {
	[ -n "$feeder" ] && kill "$feeder" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/pipefeed" ./internal/pulsetest/pipefeed
pactl load-module module-null-sink sink_name=cpu_speaker >/dev/null
mkdir -m 700 "$work/run"
export XDG_CONFIG_HOME="$work/config" XDG_RUNTIME_DIR="$work/run" MEDIADESK_DB="$work/history.db"
"$bin" calls sample --count 2000 >/dev/null

export BIN="$bin" LOG="$work/app.log" APP=gui-meter-cpu SCRIPTS="$(dirname "$(realpath "$0")")"

measure() { # measure LABEL
	xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
		. "$SCRIPTS/gui-app.sh"
		app_start
		# user+system ticks of the process over 15 s, as % of one core
		a=$(awk "{print \$14+\$15}" /proc/$pid/stat)
		sleep 15 # the measurement window
		b=$(awk "{print \$14+\$15}" /proc/$pid/stat)
		echo "| $0 | $(awk -v a=$a -v b=$b -v hz=$(getconf CLK_TCK) "BEGIN {printf \"%.1f\", 100*(b-a)/hz/15}") % |"
		app_stop' "$1" 2> >(grep -v "fd limit" >&2)
}

echo "| window, 2,000-call history | CPU, % of one core |"
echo "|---|---|"
measure "no microphone (no meter)"
mic() { # mic [--speech]: a pipe-source microphone fed by pipefeed
	pactl load-module module-pipe-source source_name=cpu_mic "file=$work/mic.fifo" format=s16le rate=48000 channels=1 \
		"source_properties=device.description=Desk_Microphone" >/dev/null
	"$work/pipefeed" "$@" "$work/mic.fifo" &
	feeder=$!
}
mic
measure "silent microphone, meter running"
kill "$feeder"; pactl unload-module module-pipe-source
mic --speech
measure "speech-like microphone, meter running"
