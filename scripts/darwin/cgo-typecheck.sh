#!/bin/bash
# Type-checks the Go side of devices/internal/coreaudio for macOS without a
# macOS SDK: cmd/cgo is run with the Linux gcc (its -arch flags dropped) on
# the package's header, which needs only <stdint.h>, and the Go files it
# writes are vetted with GOOS=darwin. This checks that every C name the Go
# code uses exists in coreaudio_darwin.h with a matching type; it does NOT
# compile the Objective-C file (that needs Apple's clang and SDK).
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
