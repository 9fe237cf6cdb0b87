#!/usr/bin/env bash
# build.sh OUTDIR TAGS: the Windows build for the Wine stage of make test:
# OUTDIR/mediadesk.exe (the app, built exactly as cross-windows builds it)
# and OUTDIR/<pkg>.test.exe for each Go test package that runs under Wine.
# Go's build cache makes a second run quick; the outputs are relinked.
#
# The test executables (not the app) are built with an overlay on Go's own
# internal/syscall/windows, for one Wine 8 gap: Wine answers the
# FileDispositionInformationEx delete that os.RemoveAll starts with by
# STATUS_NOT_IMPLEMENTED, which Go does not count among the "not supported
# here" answers that take its older delete path (it does for
# STATUS_INVALID_INFO_CLASS). Unpatched, every t.TempDir holding a file
# fails its test at cleanup ("Invalid function") although the test passed.
# The overlay adds that one status to the fallback list; tests, and the
# cleanup they check, are unchanged.
set -euo pipefail
out=$(realpath -m "$1")
tags=$2
mkdir -p "$out"

export CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc CGO_CFLAGS="-O2 -w"
# The Go test packages that run under Wine. Files named *_linux_test.go
# (real sound servers, netlink, V4L2) are not in a Windows build anyway;
# what is left is portable and must pass on Windows too.
PACKAGES=${WINE_TEST_PACKAGES:-"calls internal/cli internal/desktop gui devices devices/internal/mmdevice"}

t0=$(date +%s)
go build -tags "$tags" -o "$out/mediadesk.exe" .
t1=$(date +%s)

src="$(go env GOROOT)/src/internal/syscall/windows/at_windows.go"
# In a folder whose name starts with "_", which `go vet ./...` skips: a
# second make test in the same tree vets before it rebuilds this.
patched="$out/_overlay/at_windows.go"
mkdir -p "$out/_overlay"
anchor='case STATUS_INVALID_INFO_CLASS, // the operating system doesn'"'"'t support FileDispositionInformationEx'
if ! grep -qF "$anchor" "$src"; then
	echo "wine/build.sh: $src has changed (Go $(go env GOVERSION)): check whether Wine's STATUS_NOT_IMPLEMENTED still needs the overlay, and update it" >&2
	exit 1
fi
sed "s|$anchor|case STATUS_INVALID_INFO_CLASS, NTStatus(0xC0000002) /* STATUS_NOT_IMPLEMENTED: Wine 8 */,|" "$src" >"$patched.tmp"
mv "$patched.tmp" "$patched"
printf '{"Replace":{"%s":"%s"}}\n' "$src" "$patched" >"$out/overlay.json"

for p in $PACKAGES; do
	go test -c -tags "$tags" -overlay "$out/overlay.json" -o "$out/$(echo "$p" | tr / _).test.exe" "./$p"
done
t2=$(date +%s)
echo "wine/build.sh: mediadesk.exe in $((t1 - t0)) s, test executables ($PACKAGES) in $((t2 - t1)) s" >&2
