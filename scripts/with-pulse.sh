#!/usr/bin/env bash
# with-pulse.sh CMD [ARGS…]: run CMD against a private PulseAudio daemon.
#
# The daemon gets its own runtime dir and socket, so it never touches the
# user's real sound server. PULSE_SERVER points at it for malgo,
# jfreymuth/pulse and pactl; MEDIADESK_PULSE_DIR tells tests where it lives
# (they restart it there). The daemon is stopped when CMD ends, whatever
# its exit status, and CMD's status is returned.
set -euo pipefail

dir=$(mktemp -d "${TMPDIR:-/tmp}/mediadesk-pulse.XXXXXX")
# Only the daemon gets the private HOME and runtime dirs; the command keeps
# the caller's (Go's module cache lives under HOME).
export PULSE_SERVER="unix:$dir/native" MEDIADESK_PULSE_DIR="$dir"
unset PULSE_SINK PULSE_SOURCE

start_pulse() {
	HOME="$dir" XDG_RUNTIME_DIR="$dir" PULSE_RUNTIME_PATH="$dir" pulseaudio -n --daemonize=no --exit-idle-time=-1 --disallow-exit --enable-memfd=no \
		--load="module-native-protocol-unix socket=$dir/native auth-anonymous=1" \
		>"$dir/pulseaudio.log" 2>&1 &
	echo $! >"$dir/pulseaudio.pid"
	for _ in $(seq 1 100); do
		if pactl info >/dev/null 2>&1; then return 0; fi
		sleep 0.05
	done
	echo "with-pulse: the private PulseAudio did not start; its log:" >&2
	cat "$dir/pulseaudio.log" >&2
	return 1
}

stop_pulse() {
	# Tests may have restarted the daemon: stop whatever owns the pid file now.
	if [ -f "$dir/pulseaudio.pid" ]; then
		kill "$(cat "$dir/pulseaudio.pid")" 2>/dev/null || true
	fi
	pkill -f -- "socket=$dir/native" 2>/dev/null || true
	rm -rf "$dir"
}
trap stop_pulse EXIT

start_pulse
set +e
"$@"
status=$?
set -e
exit $status
