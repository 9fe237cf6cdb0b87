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
prefs="$XDG_CONFIG_HOME/mediadesk" # the window's settings file (gui/prefs.go)
mkdir -p "$prefs"
export BIN="$bin" LOG="$work/app.log" APP=gui-camera-cpu SCRIPTS="$(dirname "$(realpath "$0")")"

measure() { # measure LABEL [WxH]: no size means no camera at all
	if [ -n "${2:-}" ]; then
		printf '{"mediadeskPreferences":1,"values":{"camera.size.mediadesk:test-pattern":{"string":"%s"}}}' "$2" >"$prefs/preferences.json"
		export MEDIADESK_TEST_CAMERA=1
	else
		rm -f "$prefs/preferences.json"
		unset MEDIADESK_TEST_CAMERA
	fi
	xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
		. "$SCRIPTS/gui-app.sh"
		app_start
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
		app_stop' "$1" 2> >(grep -v "fd limit" >&2)
}

echo "| window, 2,000-call history | CPU, % of one core | Go threads (conversion, Fyne, runtime) | llvmpipe (GL rasteriser) |"
echo "|---|---|---|---|"
measure "no camera"
measure "test pattern 640x480 YUYV at 30 fps, previewing" 640x480
measure "test pattern 1280x720 YUYV at 30 fps, previewing" 1280x720
