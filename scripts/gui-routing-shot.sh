#!/usr/bin/env bash
# gui-routing-shot.sh BINARY OUTDIR: a screenshot of the device cards'
# routing part for a person to look at (run inside with-pulse.sh or
# with-pipewire.sh), under Xvfb with a fresh configuration:
#   routing.png  the picked microphone (USB Headset Mic) is not the system
#                default: its card says so and shows "When this device
#                connects, use it in all apps" (on, saved in rules.json)
#                and "Keep this microphone at 60 %" (on); the Check says
#                once that other apps use Desk Microphone, with "Use in all
#                apps"; "In use by Zoom" under the microphone, "In use by
#                Music Player" under the speaker.
#   routing-after.png  after a click on "Use in all apps": the USB mic is
#                the default (pactl says so), the hint's row is done.
# It fails if the app dies or logs a crash, or the lock does not hold the
# volume; what the picture shows is for the eye (the gui tests check it).
set -euo pipefail
bin=$(realpath "$1")
out=$(realpath -m "$2")
mkdir -p "$out"
: "${PULSE_SERVER:?run gui-routing-shot.sh inside scripts/with-pulse.sh or scripts/with-pipewire.sh}"
work=$(mktemp -d "${TMPDIR:-/tmp}/mediadesk-shots.XXXXXX")
mods=()
player=
recorder=
cleanup() {
	[ -n "$player" ] && kill "$player" 2>/dev/null || true
	[ -n "$recorder" ] && kill "$recorder" 2>/dev/null || true
	for m in "${mods[@]}"; do pactl unload-module "$m" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
mods+=("$(pactl load-module module-null-sink sink_name=shots_spk "sink_properties='device.description=\"Desk Speakers\"'")")
mods+=("$(pactl load-module module-remap-source source_name=shots_mic master=shots_spk.monitor "source_properties='device.description=\"Desk Microphone\"'")")
mods+=("$(pactl load-module module-remap-source source_name=shots_usb_mic master=shots_spk.monitor "source_properties='device.description=\"USB Headset Mic\"'")")
pactl set-default-sink shots_spk
pactl set-default-source shots_mic
pactl set-source-volume shots_usb_mic 85%
# A program playing: "In use by Music Player" under the speaker.
pacat --playback --device=shots_spk --property=application.name="Music Player" </dev/zero &
player=$!
# And a call app recording from the USB mic: "In use by Zoom" under it.
pacat --record --device=shots_usb_mic --property=application.name=Zoom >/dev/null &
recorder=$!
mkdir -m 700 "$work/run"
export XDG_CONFIG_HOME="$work/config" XDG_RUNTIME_DIR="$work/run" MEDIADESK_DB="$work/history.db" FYNE_THEME=light \
	MEDIADESK_TEST_CAMERA=1 SHOTS_BIN="$bin" SHOTS_OUT="$out" SHOTS_LOG="$work/app.log" \
	SHOTS_NAME=gui-routing-shot SHOTS_LIB="$(realpath "$(dirname "$0")")/shots-app.sh"
# The person picked the USB microphone earlier, turned on its rule and
# kept it at 60 %.
mkdir -p "$XDG_CONFIG_HOME/mediadesk"
cat >"$XDG_CONFIG_HOME/mediadesk/preferences.json" <<'JSON'
{"mediadeskPreferences":1,"values":{
 "device.audioinput":{"string":"{\"deviceId\":\"shots_usb_mic\",\"label\":\"USB Headset Mic\"}"}}}
JSON
cat >"$XDG_CONFIG_HOME/mediadesk/rules.json" <<'JSON'
{"rules":[{"kind":"audioinput","deviceId":"shots_usb_mic","label":"USB Headset Mic","move":true}],
 "locks":[{"kind":"audioinput","deviceId":"shots_usb_mic","volume":0.6}]}
JSON
"$bin" calls sample --count 50 >/dev/null
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
set -euo pipefail
. "$SHOTS_LIB"
start_app
waitlog "history shown after"
waitlog "check: step -1: "
for _ in $(seq 1 200); do pactl get-source-volume shots_usb_mic | grep -q " 60%" && break; sleep 0.05; done
pactl get-source-volume shots_usb_mic | grep -q " 60%" || fail "the saved lock did not put the USB mic at 60 %"
sleep 3 # the preview and the meter running
import -window root "$SHOTS_OUT/routing.png"
# The Check'"'"'s "Use in all apps" (its first row'"'"'s button: 85 px in,
# 310 px down): the USB mic becomes the default, as pactl sees it.
wid=$(xdotool search --name "^MediaDesk\$" | head -1)
xdotool mousemove --window "$wid" 85 310 click 1
for _ in $(seq 1 200); do [ "$(pactl get-default-source)" = shots_usb_mic ] && break; sleep 0.05; done
[ "$(pactl get-default-source)" = shots_usb_mic ] || fail "Use in all apps did not make the USB mic the default"
sleep 2
import -window root "$SHOTS_OUT/routing-after.png"
stop_app
echo "gui-routing-shot: $SHOTS_OUT/routing.png $SHOTS_OUT/routing-after.png"
'
