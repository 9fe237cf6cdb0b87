#!/bin/bash
# Type-checks the Go side of devices/internal/coreaudio for macOS without a
# macOS SDK: cmd/cgo is run with the Linux gcc (its -arch flags dropped) on
# the package's header, which needs only <stdint.h>, and the Go files it
# writes are vetted with GOOS=darwin. This checks that every C name the Go
# code uses exists in coreaudio_darwin.h with a matching type; it does NOT
# compile the Objective-C file (that needs Apple's clang and SDK).
#
# The second step vets every package under devices/ for darwin with cgo on
# (the cgo Go files of devices/internal/avfoundation and coreaudio, and
# package devices' _darwin.go files, which CGO_ENABLED=0 cannot see): the
# same gcc stands in for Apple's clang, with its warnings off (runtime/cgo's
# darwin C uses pthread_get_stacksize_np, which glibc lacks) and every
# Objective-C file (.m) replaced by an empty C file. So the Go code is
# type-checked against the C headers' names and types; the Objective-C is
# not compiled and nothing is linked.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
pkg="$root/devices/internal/zz-darwin-typecheck-$$"
trap 'rm -rf "$work" "$pkg"' EXIT
cat >"$work/cc" <<'CC'
#!/bin/bash
args=(); skip=0
for a in "$@"; do
  if [ $skip = 1 ]; then skip=0; continue; fi
  case "$a" in -arch) skip=1; continue;; -mmacosx-version-min=*) continue;; esac
  args+=("$a")
done
exec gcc "${args[@]}"
CC
chmod +x "$work/cc"
cat >"$work/cc-vet" <<'CC'
#!/bin/bash
empty="$(dirname "$0")/empty-$$.c"
args=(); skip=0
for a in "$@"; do
  if [ $skip = 1 ]; then skip=0; continue; fi
  case "$a" in
    -arch|-framework) skip=1; continue;;
    -mmacosx-version-min=*) continue;;
    *.m) : >"$empty"; args+=("$empty"); continue;;
  esac
  args+=("$a")
done
gcc "${args[@]}" -Wno-error -w; rc=$?
rm -f "$empty"
exit $rc
CC
chmod +x "$work/cc-vet"
cd "$root/devices/internal/coreaudio"
GOOS=darwin GOARCH=amd64 CC="$work/cc" go tool cgo -objdir "$work/out" coreaudio_darwin.go
mkdir "$pkg"
# Files starting with _ are ignored by the go tool; the cgo-only
# directives are refused outside cgo's own build.
cp "$work/out/_cgo_gotypes.go" "$pkg/cgo_gotypes.go"
cp "$work/out/coreaudio_darwin.cgo1.go" "$pkg/"
sed -i '/^\/\/go:cgo_/d; /_cgopackage/d' "$pkg"/*.go
for f in *.go; do
  case "$f" in *_test.go|*_darwin.go) ;; *) cp "$f" "$pkg/" ;; esac
done
cd "$root"
GOOS=darwin GOARCH=amd64 CGO_ENABLED=0 go vet "./${pkg#"$root"/}"
echo "coreaudio: the Go side type-checks for darwin against coreaudio_darwin.h"
rm -rf "$pkg"
GOOS=darwin GOARCH=amd64 CGO_ENABLED=1 CC="$work/cc-vet" go vet ./devices/...
echo "devices: every package type-checks for darwin with cgo (Objective-C not compiled)"
