#!/usr/bin/env bash
# run.sh: run the real-driver tests in a QEMU guest (make test-guest).
#
# Builds the devices and cli test binaries, fetches Debian's kernel package through
# apt (cached under build/guest/kernel), packs an initramfs with busybox,
# the vivid / snd-dummy / snd-aloop modules, the binary and the host's
# PulseAudio (for the card-profile test, which starts it), and boots it
# under emulation (TCG: this machine's KVM cannot run Debian's kernel, see
# reference/stacks.md §2). In the guest, /init runs the binary with
# MEDIADESK_GUEST=1, which turns the guest tests on. The result is the line
# the guest prints; no line (no boot, a hang, a crash) is a failure.
# Logs: artifacts/guest/{console,tests,pulse}.log (pulse.log: the
# PulseAudio daemon the card-profile test starts, on the third serial port).
#
# Settings: GO (go), GUEST_RUN (the -test.run pattern, default ^TestGuest),
# GUEST_TIMEOUT (seconds the whole guest may take, default 300).
set -euo pipefail

cd "$(dirname "$0")/../.."
GO=${GO:-go}
run=${GUEST_RUN:-^TestGuest}
limit=${GUEST_TIMEOUT:-300}
build=build/guest
art=artifacts/guest
mkdir -p "$build" "$art"
rm -f "$art"/console.log "$art"/tests.log "$art"/pulse.log

start=$(date +%s)
stamp() { echo "guest: $1 ($(($(date +%s) - start)) s)"; }

$GO test -c -o "$build/devices.test" ./devices
$GO test -c -o "$build/cli.test" ./internal/cli # doctor on a real camera
stamp "test binaries built"
kdir=$(scripts/guest/kernel.sh "$build/kernel")
stamp "kernel ready: $(basename "$kdir")"

# The guest's own timeouts are shorter than the host's, so a hung test is
# ended by the Go test runner with a goroutine dump in tests.log: a third
# of the limit for each of the two test binaries.
cat >"$build/guest.env" <<EOF
MEDIADESK_GUEST_RUN='$run'
MEDIADESK_GUEST_TIMEOUT='$((limit / 3))s'
EOF
scripts/guest/initramfs.sh "$kdir" "$build/initrd.gz" "$build/devices.test" "$build/cli.test" "$build/guest.env"
stamp "initramfs packed ($(du -h "$build/initrd.gz" | cut -f1))"

status=0
timeout --kill-after=10 "$limit" qemu-system-x86_64 -accel tcg -cpu max -m 1024 \
	-display none -no-reboot -nodefaults -monitor none \
	-serial "file:$art/console.log" -serial "file:$art/tests.log" -serial "file:$art/pulse.log" \
	-kernel "$kdir"/boot/vmlinuz-* -initrd "$build/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1" </dev/null || status=$?
stamp "guest finished"

# Serial lines end in \r\n.
sed -i 's/\r$//' "$art/console.log" "$art/tests.log" "$art/pulse.log" 2>/dev/null || true
result=$(grep -ao 'MEDIADESK-GUEST-RESULT exit=[0-9]*' "$art/tests.log" 2>/dev/null | tail -1 || true)
if [ "$result" = "MEDIADESK-GUEST-RESULT exit=0" ]; then
	grep -aE '^(--- |ok|PASS)' "$art/tests.log" | sed 's/^/guest: /'
	stamp "PASS"
	exit 0
fi

echo "================ guest test output (artifacts/guest/tests.log) ================"
cat "$art/tests.log" 2>/dev/null || true
echo "================ guest console (artifacts/guest/console.log, last 40 lines before its dmesg) ================"
sed '/^MEDIADESK-GUEST: dmesg follows/,$d' "$art/console.log" 2>/dev/null | tail -n 40 || true
echo "================"
if [ -z "$result" ]; then
	if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
		echo "guest: FAIL: the guest did not finish within ${limit}s (hung); logs kept in $art/"
	else
		echo "guest: FAIL: the guest printed no result (qemu exit $status): it did not boot or crashed; logs kept in $art/"
	fi
else
	grep -a '^--- FAIL' "$art/tests.log" | sed 's/^/guest: /' || true
	echo "guest: FAIL: $result; logs kept in $art/"
fi
exit 1
