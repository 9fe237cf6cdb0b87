#!/usr/bin/env bash
# with-pipewire.sh CMD [ARGS…]: run CMD against a private PipeWire stack:
# a session bus (dbus-daemon) of its own, pipewire, WirePlumber and
# pipewire-pulse, which is what current Fedora, Ubuntu and Debian desktops
# run (../shared/reference/stacks.md §1 has the facts this follows).
#
# Everything lives in one temporary directory, so the user's own sound
# server and session bus are never touched. PULSE_SERVER points at
# pipewire-pulse for malgo, jfreymuth/pulse and pactl; PIPEWIRE_RUNTIME_DIR
# at pipewire for pw-cli; MEDIADESK_SOUND_SERVER=pipewire makes the Go
# tests (internal/pulsetest) start PipeWire stacks of their own too, and
# name it in their failures; MEDIADESK_PIPEWIRE_DIR is the directory
# (logs, and a NAME.pid for each of dbus-daemon, pipewire, wireplumber,
# pipewire-pulse). Each part is waited for, not slept for. Everything is
# stopped when CMD ends, whatever its exit status, and CMD's status is
# returned.
set -euo pipefail

t0=$(date +%s%N)
dir=$(mktemp -d "${TMPDIR:-/tmp}/mdpw.XXXXXX") # short: socket paths are limited to 108 bytes
run="$dir/run" home="$dir/home"
mkdir -m 700 "$run"
mkdir -p "$home/.config/pipewire"

pids=() names=()
stop_all() {
	# Newest first: pipewire-pulse, wireplumber, pipewire, the bus.
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
	for p in "${pids[@]}"; do
		for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
		kill -KILL "$p" 2>/dev/null || true
	done
	rm -rf "$dir"
}
trap stop_all EXIT

fail() {
	echo "with-pipewire: $1; the logs:" >&2
	for f in "$dir"/*.log; do [ -f "$f" ] && { echo "== ${f##*/} ==" >&2; cat "$f" >&2; }; done
	exit 1
}

# The stack's environment, for its processes only: the command keeps the
# caller's HOME and XDG dirs (Go's module cache lives under HOME).
stack_env=(env -u DISPLAY -u WAYLAND_DISPLAY -u PIPEWIRE_REMOTE -u PULSE_SERVER
	XDG_RUNTIME_DIR="$run" PIPEWIRE_RUNTIME_DIR="$run" HOME="$home"
	XDG_CONFIG_HOME="$home/.config" XDG_STATE_HOME="$home/.local/state" XDG_DATA_HOME="$home/.local/share"
	DBUS_SESSION_BUS_ADDRESS="unix:path=$run/bus")

# start NAME CMD…: start one part in the background, logging to NAME.log.
start() {
	local name=$1
	shift
	"${stack_env[@]}" "$@" >"$dir/$name.log" 2>&1 &
	pids+=($!)
	names+=("$name")
	echo $! >"$dir/$name.pid"
}

# wait_for WHAT CMD…: poll CMD until it succeeds, for at most 30 s (a busy
# 2-core machine has needed 5 s for the whole stack); fail at once if a
# part of the stack has exited.
wait_for() {
	local what=$1 deadline=$((SECONDS + 30))
	shift
	until "$@" >/dev/null 2>&1; do
		for i in "${!pids[@]}"; do kill -0 "${pids[i]}" 2>/dev/null || fail "${names[i]} exited while waiting for $what"; done
		[ $SECONDS -lt $deadline ] || fail "gave up waiting for $what after 30 s"
		sleep 0.05
	done
}

# pipewire-pulse adds a "Dummy Output" sink while no other exists;
# PulseAudio does not, and the tests count sinks.
grep -v 'module-always-sink' /usr/share/pipewire/pipewire-pulse.conf >"$home/.config/pipewire/pipewire-pulse.conf"

# WirePlumber exits without a session bus.
start dbus dbus-daemon --session --address="unix:path=$run/bus" --nofork --nopidfile
wait_for "the session bus socket" test -S "$run/bus"
start pipewire pipewire
wait_for "pipewire's socket" test -S "$run/pipewire-0"
wait_for "pipewire to answer" "${stack_env[@]}" pw-cli info 0
start wireplumber wireplumber
# Until WirePlumber publishes the "default" metadata, no device is marked
# default and set-default-sink answers "Not supported".
has_default_metadata() { "${stack_env[@]}" pw-cli ls Metadata | grep -q 'metadata.name = "default"'; }
wait_for "WirePlumber's \"default\" metadata" has_default_metadata
start pipewire-pulse pipewire-pulse

export PULSE_SERVER="unix:$run/pulse/native" PIPEWIRE_RUNTIME_DIR="$run" \
	MEDIADESK_SOUND_SERVER=pipewire MEDIADESK_PIPEWIRE_DIR="$dir"
unset PULSE_SINK PULSE_SOURCE PIPEWIRE_REMOTE
wait_for "pipewire-pulse to answer (pactl info)" pactl info
pactl info | grep -q "on PipeWire" || fail "the Pulse socket is not pipewire-pulse's"

t1=$(date +%s%N)
echo "with-pipewire: $(pactl info | sed -n 's/^Server Name: //p') up in $(((t1 - t0) / 1000000)) ms" >&2
set +e
"$@"
status=$?
set -e
echo "with-pipewire: the command took $((($(date +%s%N) - t1) / 1000000000)) s (status $status)" >&2
exit $status
