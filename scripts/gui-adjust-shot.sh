#!/usr/bin/env bash
# gui-adjust-shot.sh BINARY OUTDIR: screenshots of the Camera card's Adjust
# panel for a person to look at (run inside with-pulse.sh or
# with-pipewire.sh), under Xvfb at 1280x800 with a fresh configuration and
# the test-pattern camera (MEDIADESK_TEST_CAMERA=1), whose controls are
# brightness, contrast and moving:
#   adjust-open.png   the panel open beside the picture, at the defaults
#   adjust-dark.png   brightness dragged to the left and Moving off: the
#                     picture dark, and the Check says CAMERA_FROZEN
# It fails if the app dies; what the pictures show is for the eye (the gui
# tests check the panel's behaviour). The clicks are at the places the
# default window puts the Adjust button, the brightness slider and the
# Moving box (as gui-page-shots.sh clicks by position).
set -euo pipefail
bin=$(realpath "$1")
out=$(realpath -m "$2")
mkdir -p "$out"
: "${PULSE_SERVER:?run gui-adjust-shot.sh inside scripts/with-pulse.sh or scripts/with-pipewire.sh}"
work=$(mktemp -d "${TMPDIR:-/tmp}/mediadesk-adjust.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -m 700 "$work/run"
export XDG_CONFIG_HOME="$work/config" XDG_RUNTIME_DIR="$work/run" MEDIADESK_DB="$work/history.db" FYNE_THEME=light \
	MEDIADESK_TEST_CAMERA=1 MEDIADESK_CAMERA_SETTINGS="$work/camera-settings.json" SHOTS_BIN="$bin" SHOTS_OUT="$out" SHOTS_LOG="$work/app.log" \
	SHOTS_NAME=gui-adjust-shot SHOTS_LIB="$(realpath "$(dirname "$0")")/shots-app.sh"
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
set -euo pipefail
. "$SHOTS_LIB"
start_app
waitlog "history shown after"
sleep 3 # the preview running
xdotool mousemove 910 698 click 1
sleep 2
import -window root "$SHOTS_OUT/adjust-open.png"
xdotool mousemove 1053 307 mousedown 1 mousemove 1030 307 mousemove 1000 307 mousemove 993 307 mouseup 1
sleep 1
xdotool mousemove 991 426 click 1
sleep 5 # CAMERA_FROZEN shows 2.5 s after the frames stop changing
import -window root "$SHOTS_OUT/adjust-dark.png"
kill -0 $pid 2>/dev/null || fail "the app exited"
stop_app
'
echo "gui-adjust-shot: $out/adjust-open.png $out/adjust-dark.png; saved settings:"
cat "$work/camera-settings.json"
