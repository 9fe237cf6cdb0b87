#!/usr/bin/env bash
# gui-page-shots.sh BINARY OUTDIR: screenshots of the window's layout for a
# person to look at (run inside with-pulse.sh or with-pipewire.sh), under
# Xvfb with a fresh configuration, the test-pattern camera and a microphone:
#   first-launch.png         the default window at first launch
#   problem-before.png       the speaker muted: the pointer on its Unmute
#                            button (hovered; the pointer is drawn in, as
#                            X screenshots leave it out)
#   problem-after.png        the microphone muted meanwhile: a second row
#                            appears below, the button under the pointer
#                            has not moved
#   walk-1.png … walk-4.png  Check step by step (Ctrl+K): the three steps
#                            and the verdict
# It fails if the app dies or logs a crash; what the pictures show is for
# the eye (the gui tests check the positions).
set -euo pipefail
bin=$(realpath "$1")
out=$(realpath -m "$2")
mkdir -p "$out"
: "${PULSE_SERVER:?run gui-page-shots.sh inside scripts/with-pulse.sh or scripts/with-pipewire.sh}"
work=$(mktemp -d "${TMPDIR:-/tmp}/mediadesk-shots.XXXXXX")
mods=()
# shellcheck source=scripts/local-stun.sh
. "$(dirname "$0")/local-stun.sh"
cleanup() {
	stop_local_stun
	for m in "${mods[@]}"; do pactl unload-module "$m" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
# The Check's network card asks a STUN server on loopback (a good answer,
# no row of its own), not Google's.
start_local_stun "$work"
mods+=("$(pactl load-module module-null-sink sink_name=shots_spk "sink_properties='device.description=\"Desk Speakers\"'")")
mods+=("$(pactl load-module module-remap-source source_name=shots_mic master=shots_spk.monitor "source_properties='device.description=\"Desk Microphone\"'")")
pactl set-default-sink shots_spk
pactl set-default-source shots_mic
mkdir -m 700 "$work/run"
export XDG_CONFIG_HOME="$work/config" XDG_RUNTIME_DIR="$work/run" MEDIADESK_DB="$work/history.db" FYNE_THEME=light \
	MEDIADESK_TEST_CAMERA=1 SHOTS_BIN="$bin" SHOTS_OUT="$out" SHOTS_LOG="$work/app.log" \
	SHOTS_NAME=gui-page-shots SHOTS_LIB="$(realpath "$(dirname "$0")")/shots-app.sh"
"$bin" calls sample --count 200 >/dev/null
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
set -euo pipefail
. "$SHOTS_LIB"
start_app
waitlog "history shown after"
waitlog "check: step -1: "
sleep 3 # the preview and the meter running
shot() { import -window root "$SHOTS_OUT/$1.png"; }
# pointershot NAME: a screenshot with the pointer drawn where it is (an
# arrow, black with a white edge), since X screenshots leave it out.
pointershot() {
	eval "$(xdotool getmouselocation --shell)"
	import -window root "$SHOTS_OUT/$1.png"
	convert "$SHOTS_OUT/$1.png" -fill black -stroke white -strokewidth 1.5 \
		-draw "polygon $X,$Y $X,$((Y + 20)) $((X + 5)),$((Y + 15)) $((X + 9)),$((Y + 24)) $((X + 12)),$((Y + 22)) $((X + 8)),$((Y + 14)) $((X + 14)),$((Y + 14))" \
		"$SHOTS_OUT/$1.png"
}
shot first-launch
wid=$(xdotool search --name "^MediaDesk\$" | head -1)
# The speaker muted. The microphone here is the silent monitor of a null
# sink, so its NO_SIGNAL row is the first; the row of the speaker is the second,
# and the pointer goes onto its Unmute button (64 px in, 354 px down).
waitlog "check: step -1: .*NO_SIGNAL"
pactl set-sink-mute shots_spk 1
waitlog "check: step -1: .*SPEAKER_MUTED"
sleep 1
xdotool mousemove --window "$wid" 64 354
sleep 1
pointershot problem-before
# A second problem while the pointer is there.
pactl set-source-mute shots_mic 1
waitlog "check: step -1: .*MIC_MUTED"
sleep 1
pointershot problem-after
pactl set-source-mute shots_mic 0
pactl set-sink-mute shots_spk 0
sleep 1
xdotool mousemove --window "$wid" 600 400 key --window "$wid" ctrl+k
waitlog "check: step 0: "
sleep 2
shot walk-1
for n in 2 3 4; do
	xdotool key --window "$wid" ctrl+k # no-op while the walk goes
	# Next, at the bottom right of the 1180x760 window.
	xdotool mousemove --window "$wid" 1130 733 click 1
	waitlog "check: step $((n - 1)): "
	sleep 2
	shot walk-$n
done
stop_app
echo "gui-page-shots: $(ls "$SHOTS_OUT" | tr "\n" " ")in $SHOTS_OUT"
'
