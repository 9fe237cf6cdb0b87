# local-stun.sh: source it in a script that opens the real window. Its
# Check runs the network check as the window opens; start_local_stun WORK
# builds scripts/turnserver into WORK, starts it on loopback (it answers
# STUN) and exports MEDIADESK_STUN to its address, so the check gets a
# good answer from this machine and nothing leaves it (the default STUN
# server is Google's). stop_local_stun stops it: call it in the script's
# cleanup.
local_stun_pid=
start_local_stun() {
	local work=$1 repo
	repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	(cd "$repo" && go build -o "$work/turnserver" ./scripts/turnserver)
	TURN_PASSWORD=$(head -c 12 /dev/urandom | base64 | tr -d '/+=') "$work/turnserver" >"$work/stun.addr" 2>"$work/stun.log" &
	local_stun_pid=$!
	for _ in $(seq 1 100); do [ -s "$work/stun.addr" ] && break; sleep 0.05; done
	MEDIADESK_STUN=$(head -1 "$work/stun.addr")
	[ -n "$MEDIADESK_STUN" ] || { echo "local-stun: the STUN server did not start:" >&2; cat "$work/stun.log" >&2; return 1; }
	export MEDIADESK_STUN
}
stop_local_stun() {
	if [ -n "$local_stun_pid" ]; then kill "$local_stun_pid" 2>/dev/null || true; fi
	local_stun_pid=
}
