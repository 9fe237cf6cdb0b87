#!/usr/bin/env bash
# gui-net-shots.sh BINARY OUTDIR: the Check's Network card in the real
# window under Xvfb, against a real pion TURN server on loopback
# (scripts/turnserver), for a person to look at (run inside with-pulse.sh
# or with-pipewire.sh). Nothing leaves the machine: STUN and TURN are the
# local server, and no account is set (no CometChat host is asked).
#   net-udp.png  STUN and TURN answer: media over UDP, graded, with the
#                relay's throughput
#   net-tcp.png  no STUN answer and TURN over TCP only (what a network
#                that drops UDP looks like): UDP_BLOCKED in the Check
#   net-servers.png  the card's Servers… form (the password field masked)
# The servers come from the variables the CLI reads (MEDIADESK_STUN,
# MEDIADESK_TURN…), which the window uses when its Servers… are not set.
# It fails if the app dies or the card never answers.
set -euo pipefail
bin=$(realpath "$1")
out=$(realpath -m "$2")
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
: "${PULSE_SERVER:?run gui-net-shots.sh inside scripts/with-pulse.sh or scripts/with-pipewire.sh}"
work=$(mktemp -d "${TMPDIR:-/tmp}/mediadesk-netshots.XXXXXX")
mods=()
turnpid=
cleanup() {
	[ -n "$turnpid" ] && kill "$turnpid" 2>/dev/null || true
	for m in "${mods[@]}"; do pactl unload-module "$m" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
mods+=("$(pactl load-module module-null-sink sink_name=shots_spk "sink_properties='device.description=\"Desk Speakers\"'")")
mods+=("$(pactl load-module module-remap-source source_name=shots_mic master=shots_spk.monitor "source_properties='device.description=\"Desk Microphone\"'")")
pactl set-default-sink shots_spk
pactl set-default-source shots_mic

(cd "$repo" && go build -o "$work/turnserver" ./scripts/turnserver)
TURN_PASSWORD=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
export TURN_PASSWORD
"$work/turnserver" -user alice >"$work/turn.addr" 2>"$work/turn.log" &
turnpid=$!
for _ in $(seq 1 100); do [ -s "$work/turn.addr" ] && break; sleep 0.05; done
addr=$(head -1 "$work/turn.addr")
[ -n "$addr" ] || { echo "gui-net-shots: the TURN server did not start" >&2; cat "$work/turn.log" >&2; exit 1; }
# A UDP port nobody answers on, for the second run's STUN.
dead=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print("127.0.0.1:%d" % s.getsockname()[1])')

mkdir -m 700 "$work/run"
export XDG_CONFIG_HOME="$work/config" XDG_RUNTIME_DIR="$work/run" MEDIADESK_DB="$work/history.db" FYNE_THEME=light \
	MEDIADESK_TEST_CAMERA=1 SHOTS_BIN="$bin" SHOTS_OUT="$out" SHOTS_LOG="$work/app.log" \
	SHOTS_NAME=gui-net-shots SHOTS_LIB="$(realpath "$(dirname "$0")")/shots-app.sh" \
	MEDIADESK_TURN_USER=alice MEDIADESK_TURN_PASSWORD="$TURN_PASSWORD" SHOTS_ADDR="$addr" SHOTS_DEAD="$dead"
"$bin" calls sample --count 200 >/dev/null
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
set -euo pipefail
. "$SHOTS_LIB"
window() { # name STUN TURN verdict [servers]
	MEDIADESK_STUN="$2" MEDIADESK_TURN="$3" start_app
	waitlog "history shown after"
	waitlog "network: $4"
	sleep 2 # the card and the Check redrawn
	import -window root "$SHOTS_OUT/$1.png"
	if [ -n "${5:-}" ]; then
		# Servers…, at the card'"'"'s bottom left in the 1180x760 window.
		wid=$(xdotool search --name "^MediaDesk\$" | head -1)
		xdotool mousemove --window "$wid" 175 737 click 1
		sleep 2
		import -window root "$SHOTS_OUT/$5.png"
	fi
	stop_app
}
window net-udp "$SHOTS_ADDR" "turn:$SHOTS_ADDR?transport=udp,turn:$SHOTS_ADDR?transport=tcp" "udp good" net-servers
window net-tcp "$SHOTS_DEAD" "turn:$SHOTS_ADDR?transport=tcp" "tcp"
grep -q "check: step -1: .*UDP_BLOCKED" "$SHOTS_LOG" || fail "UDP_BLOCKED not in the Check"
'
if grep -rq "$TURN_PASSWORD" "$work"/app.log 2>/dev/null; then
	echo "gui-net-shots: the TURN password is in the app's log" >&2
	exit 1
fi
echo "gui-net-shots: $out/net-udp.png $out/net-tcp.png $out/net-servers.png"
