# shellcheck shell=bash
# gui-app.sh: sourced by the window's CPU measurements (gui-camera-cpu.sh,
# gui-meter-cpu.sh) inside their xvfb-run shell, with BIN (the app), LOG
# (its stderr), APP (the script's name, for messages) and SCRIPTS (this
# folder) set.
#
# app_start waits for the X server (5 s), starts the app with its start-up
# trace, waits until its first frame is drawn and its history shown (60 s,
# polled) and then 2 s more, to keep start-up work out of the count; the
# app's pid is in $pid, and it is killed if the shell exits early.
# app_stop stops it, bounded: 15 s to exit on SIGTERM, then SIGKILL.

app_fail() {
	echo "$APP: $1; the app's log:" >&2
	cat "$LOG" >&2
	exit 1
}

app_ready() { grep -q "window ready after" "$LOG" && grep -q "history shown after" "$LOG"; }

app_start() {
	# The X server must answer before the app starts (GLFW gives up at once).
	for _ in $(seq 1 100); do xwininfo -root >/dev/null 2>&1 && break; sleep 0.05; done
	xwininfo -root >/dev/null 2>&1 || { echo "$APP: the X server did not answer within 5 s" >&2; exit 1; }
	# The Network card's STUN burst goes to a loopback port (no answer),
	# not off the machine.
	MEDIADESK_STUN=${MEDIADESK_STUN:-127.0.0.1:9} MEDIADESK_STARTUP_TRACE=1 "$BIN" 2>"$LOG" &
	pid=$!
	trap 'kill -9 $pid 2>/dev/null || true' EXIT
	for _ in $(seq 1 1200); do
		app_ready && break
		kill -0 $pid 2>/dev/null || app_fail "the app exited"
		sleep 0.05
	done
	app_ready || app_fail "the window and history were not shown within 60 s"
	sleep 2 # start-up work (the list filling, a meter or preview opening) kept out of the count
	kill -0 $pid 2>/dev/null || app_fail "the app exited"
}

app_stop() {
	kill $pid 2>/dev/null || true
	for _ in $(seq 1 300); do kill -0 $pid 2>/dev/null || break; sleep 0.05; done
	kill -0 $pid 2>/dev/null && app_fail "the app did not exit within 15 s of SIGTERM"
	wait $pid 2>/dev/null || true
	trap - EXIT
}
