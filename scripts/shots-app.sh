# shots-app.sh: sourced by the screenshot scripts (gui-page-shots.sh,
# gui-routing-shot.sh, gui-net-shots.sh, gui-adjust-shot.sh) inside their
# Xvfb session. It waits for the X server and defines:
#   start_app        start "$SHOTS_BIN" with the start-up trace into
#                    "$SHOTS_LOG" (its pid in $pid, killed when the session
#                    ends); variables given before it reach the app
#   fail MESSAGE     say what went wrong, show the app's log, end
#   waitlog PATTERN  wait up to 30 s for PATTERN (grep) in the log
#   stop_app         end the app and fail if its log shows a crash
# SHOTS_NAME names the script in messages.
for _ in $(seq 1 100); do xwininfo -root >/dev/null 2>&1 && break; sleep 0.05; done
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true' EXIT
fail() {
	echo "$SHOTS_NAME: $1; the log:" >&2
	cat "$SHOTS_LOG" >&2
	exit 1
}
start_app() {
	MEDIADESK_STARTUP_TRACE=1 "$SHOTS_BIN" 2>"$SHOTS_LOG" &
	pid=$!
}
waitlog() {
	for _ in $(seq 1 600); do
		grep -q "$1" "$SHOTS_LOG" && return 0
		kill -0 "$pid" 2>/dev/null || fail "the app exited"
		sleep 0.05
	done
	fail "no \"$1\" in the log within 30 s"
}
stop_app() {
	kill "$pid"
	for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	pid=
	if grep -q -i "panic\|fatal error\|DATA RACE" "$SHOTS_LOG"; then fail "the log shows a crash"; fi
}
