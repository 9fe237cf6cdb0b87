#!/usr/bin/env bash
# gui-camera-cpu.sh BINARY: what the window costs while it previews a
# camera, under Xvfb with Mesa's software GL (run this inside
# with-pulse.sh). The camera is the synthetic test pattern
# (MEDIADESK_TEST_CAMERA=1) at 30 fps, so frames arrive at a real rate.
# Three cases, 15 s each: no camera, 640x480, 1280x720. Each window is
# waited for (mapped, history shown: polled, bounded) and then given 2 s
# before the 15 s are counted, to keep start-up work out of the count.
# Each row splits the process's CPU by thread: Mesa's llvmpipe threads (the
# GL rasteriser) and the rest (Go: frame conversion, Fyne, the runtime).
set -euo pipefail
bin=$(realpath "$1")
: "${PULSE_SERVER:?run gui-camera-cpu.sh inside scripts/with-pulse.sh}"
work=$(mktemp -d "${TMPDIR:-/tmp}/mediadesk-cameracpu.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -m 700 "$work/run"
export XDG_CONFIG_HOME="$work/config" XDG_RUNTIME_DIR="$work/run" MEDIADESK_DB="$work/history.db"
"$bin" calls sample --count 2000 >/dev/null
prefs="$XDG_CONFIG_HOME/fyne/io.mediadesk.MediaDesk"
mkdir -p "$prefs"
export BIN="$bin" LOG="$work/app.log"

measure() { # measure LABEL [WxH]: no size means no camera at all
	if [ -n "${2:-}" ]; then
		printf '{"camera.size.mediadesk:test-pattern":"%s"}' "$2" >"$prefs/preferences.json"
		export MEDIADESK_TEST_CAMERA=1
	else
		rm -f "$prefs/preferences.json"
		unset MEDIADESK_TEST_CAMERA
	fi
	xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
		# The X server must answer before the app starts (GLFW gives up at once).
		for _ in $(seq 1 100); do xwininfo -root >/dev/null 2>&1 && break; sleep 0.05; done
		xwininfo -root >/dev/null 2>&1 || { echo "gui-camera-cpu: the X server did not answer within 5 s" >&2; exit 1; }
		MEDIADESK_STARTUP_TRACE=1 "$BIN" 2>"$LOG" & pid=$!
		trap "kill -9 $pid 2>/dev/null || true" EXIT
		fail() { echo "gui-camera-cpu: $1; the app'"'"'s log:" >&2; cat "$LOG" >&2; exit 1; }
		# Ready: the first frame drawn and the history shown (the startup
		# trace), polled for up to 60 s.
		for _ in $(seq 1 1200); do
			grep -q "window ready after" "$LOG" && grep -q "history shown after" "$LOG" && break
			kill -0 $pid 2>/dev/null || fail "the app exited"
			sleep 0.05
		done
		grep -q "window ready after" "$LOG" && grep -q "history shown after" "$LOG" ||
			fail "the window and history were not shown within 60 s"
		sleep 2 # start-up work (first preview frames, the list filling) kept out of the count
		kill -0 $pid 2>/dev/null || fail "the app exited"
		# user+system ticks per thread: llvmpipe threads, and the rest.
		ticks() { for t in /proc/$pid/task/*; do
			echo "$(cat $t/comm 2>/dev/null) $(awk "{print \$14+\$15}" $t/stat 2>/dev/null || echo 0)"; done |
			awk "/^llvmpipe/ {gl+=\$NF; next} {go+=\$NF} END {print gl+0, go+0}"; }
		read -r gl1 go1 < <(ticks)
		sleep 15 # the measurement window
		read -r gl2 go2 < <(ticks)
		hz=$(getconf CLK_TCK)
		pct() { awk -v a=$1 -v b=$2 -v hz=$hz "BEGIN {printf \"%.1f\", 100*(b-a)/hz/15}"; }
		echo "| $0 | $(pct $((gl1+go1)) $((gl2+go2))) % | $(pct $go1 $go2) % | $(pct $gl1 $gl2) % |"
		# Stop it, bounded: 15 s to exit on SIGTERM, then SIGKILL (the trap).
		kill $pid
		for _ in $(seq 1 300); do kill -0 $pid 2>/dev/null || break; sleep 0.05; done
		kill -0 $pid 2>/dev/null && fail "the app did not exit within 15 s of SIGTERM"
		wait $pid 2>/dev/null || true' "$1" 2> >(grep -v "fd limit" >&2)
}

echo "| window, 2,000-call history | CPU, % of one core | Go threads (conversion, Fyne, runtime) | llvmpipe (GL rasteriser) |"
echo "|---|---|---|---|"
measure "no camera"
measure "test pattern 640x480 YUYV at 30 fps, previewing" 640x480
measure "test pattern 1280x720 YUYV at 30 fps, previewing" 1280x720
