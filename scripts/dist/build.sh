#!/usr/bin/env bash
# dist/build.sh OUT TAGS: build the packages into OUT (make dist):
#   OUT/mediadesk_VERSION_amd64.deb and OUT/mediadesk-VERSION-1.x86_64.rpm
#     (nfpm, pinned; one description for both, written here),
#   OUT/MediaDesk-Setup-VERSION.exe (NSIS's makensis; signed with
#     osslsigncode when DIST_SIGN_CERT and DIST_SIGN_KEY name a PEM
#     certificate and key, DIST_SIGN_PASS the key's password if it has one),
#   OUT/macos/Info.plist (the bundle's, for `fyne package -os darwin` on a
#     Mac; unverified here).
# The version is FyneApp.toml's. Everything derived (icons, the .desktop
# entry, the man page, the completions, the Linux dependencies) is derived
# here, from the sources and the binary, never kept by hand.
# DIST_ONLY=windows builds the installer alone (the signed test build),
# DIST_ONLY=linux the .deb, .rpm and Info.plist alone;
# DIST_WORK names its scratch directory (default build/dist).
set -euo pipefail
out=$(realpath -m "$1")
tags=$2
GO=${GO:-go}
NFPM=${NFPM:-github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.48.0}
cd "$(dirname "$0")/../.."
work=$(realpath -m "${DIST_WORK:-build/dist}")
rm -rf "$work" "$out"
mkdir -p "$work/linux" "$work/windows" "$out/macos"

version=$($GO run ./packaging/distgen field Details.Version)
id=$($GO run ./packaging/distgen field Details.ID)
# The commit and its time name the build (Go's own VCS stamp is off when
# GOFLAGS has -buildvcs=false); the commit's time, not the clock, so that the
# same commit builds the same package.
bi=github.com/mediadesk/mediadesk/internal/buildinfo
commit=$(git rev-parse HEAD 2>/dev/null || true)
when=$(git log -1 --format=%cI 2>/dev/null || true)
dirty=false
if [ -n "$commit" ] && ! git diff --quiet HEAD -- 2>/dev/null; then dirty=true; fi
ldflags="-s -w -X $bi.version=$version -X $bi.commit=$commit -X $bi.date=$when -X $bi.modified=$dirty"
echo "dist: MediaDesk $version ($id)" >&2

if [ "${DIST_ONLY:-}" != windows ]; then
# --- Linux ----------------------------------------------------------------
# Same tags and compile flags as make build (only the link differs), so the
# build cache is shared. -s -w: the package ships a stripped binary.
$GO build -tags "$tags" -ldflags "$ldflags" -o "$work/linux/mediadesk" .
bin=$work/linux/mediadesk
root=$work/linux/root
mkdir -p "$root"
$GO run ./packaging/distgen icons "$root/icons"
$GO run ./packaging/distgen desktop "$root/$id.desktop"
# The man page and completions from the binary's own usage (a fixed
# environment: no one's history path in them).
gen() { env -u MEDIADESK_DB HOME=/nonexistent XDG_CONFIG_HOME=/nonexistent "$bin" _gen "$1"; }
gen man | gzip -9n >"$root/mediadesk.1.gz"
gen bash >"$root/mediadesk.bash"
gen zsh >"$root/_mediadesk"
gen fish >"$root/mediadesk.fish"
cp packaging/linux/copyright "$root/copyright"
# Debian's changelog (Policy 12.7): this build's entry; the releases
# themselves are in the AppStream metadata.
{
	printf 'mediadesk (%s-1) unstable; urgency=medium\n\n' "$version"
	printf '  * MediaDesk %s, built by make dist from commit\n    %s.\n' "$version" "${commit:-unknown}"
	printf '  * The releases are listed in\n    /usr/share/metainfo/%s.metainfo.xml.\n\n' "$id"
	printf ' -- The MediaDesk developers <mediadesk@users.noreply.github.com>  %s\n' \
		"$(LC_ALL=C date -u -R -d "${when:-@0}")"
} | gzip -9n >"$root/changelog.Debian.gz"
cp "packaging/linux/$id.metainfo.xml" "$root/"

# Dependencies, read from the binary. The libraries it links (its ELF
# NEEDED entries) become, for the .deb, Debian's own dependency lines through
# dpkg-shlibdeps (package names and minimum versions from the shlibs and
# symbols files), and for the .rpm, the soname capabilities rpm itself
# generates ("libGL.so.1()(64bit)"), which Fedora's packages provide.
# GLFW and miniaudio load more at run time (dlopen): X11 and its extensions,
# ALSA and PulseAudio, Wayland. Every soname the binary names is found
# here and must be in exactly one of these lists (a new one fails the build
# until it is placed), and every name in them must be in the binary:
#  - needed to open the window on X11 and to play sound (ALSA is the
#    fallback every system has): Depends;
#  - used when there: the PulseAudio client library (PulseAudio and
#    PipeWire's Pulse server), the Wayland back end: Recommends;
#  - alternatives the loaders try in turn, development names, and what
#    MediaDesk never asks for (JACK, Vulkan, OSMesa, GLES): nothing.
# Their Debian packages are found with dpkg -S on this machine's copy.
dlopen_depends="libX11.so.6 libXcursor.so.1 libXrandr.so.2 libXinerama.so.1 libXi.so.6 libXext.so.6 libXrender.so.1 libX11-xcb.so.1 libXxf86vm.so.1 libasound.so.2"
dlopen_recommends="libpulse.so.0 libxkbcommon.so.0 libwayland-cursor.so.0 libwayland-egl.so.1 libEGL.so.1 libdecor-0.so.0"
dlopen_unused="libGL.so libpulse.so libasound.so libjack.so libjack.so.0 libvulkan.so.1 libOSMesa.so.8 libOSMesa.so.6 libOpenGL.so.0 libGLX.so.0 libGLESv2.so.2 libGLESv1_CM.so.1 libGLES_CM.so.1"
needed=$(objdump -p "$bin" | awk '$1 == "NEEDED" {print $2}' | tr '\n' ' ')
[ -n "$needed" ] || { echo "dist: objdump found no NEEDED libraries in $bin" >&2; exit 1; }
named=$(grep -a -o -E 'lib[A-Za-z0-9_+-]+\.so(\.[0-9]+)*' "$bin" | sort -u | tr '\n' ' ')
inlist() { case " $2 " in *" $1 "*) return 0 ;; esac; return 1; }
for so in $named; do
	inlist "$so" "$needed $dlopen_depends $dlopen_recommends $dlopen_unused" ||
		{ echo "dist: the binary names $so, which scripts/dist/build.sh does not place: add it to dlopen_depends, dlopen_recommends or dlopen_unused" >&2; exit 1; }
done
for so in $dlopen_depends $dlopen_recommends; do
	inlist "$so" "$named" || { echo "dist: the binary no longer names $so: remove it from scripts/dist/build.sh" >&2; exit 1; }
done
debpkg() { # soname → the Debian package holding this machine's copy
	local path
	path=$(ldconfig -p | awk -v s="$1" '$1 == s && /x86-64/ {print $NF; exit}')
	[ -n "$path" ] || { echo "dist: $1 is not installed here, so its package cannot be read (install it)" >&2; return 1; }
	dpkg -S "$(readlink -f "$path")" | head -1 | cut -d: -f1
}
shl=$(mktemp -d)
mkdir "$shl/debian"
printf 'Source: mediadesk\n\nPackage: mediadesk\nArchitecture: any\n' >"$shl/debian/control"
shlibs=$(cd "$shl" && dpkg-shlibdeps -O -e "$bin" 2>"$shl/log") || { cat "$shl/log" >&2; exit 1; }
rm -rf "$shl"
deb_depends=${shlibs#shlibs:Depends=}
for so in $dlopen_depends; do deb_depends="$deb_depends, $(debpkg "$so")"; done
deb_recommends="pulseaudio | pipewire-pulse"
for so in $dlopen_recommends; do deb_recommends="$deb_recommends, $(debpkg "$so")"; done
rpm_depends=""
for so in $needed $dlopen_depends; do rpm_depends="$rpm_depends, $so()(64bit)"; done
rpm_recommends="(pulseaudio or pipewire-pulseaudio)"
for so in $dlopen_recommends; do rpm_recommends="$rpm_recommends, $so()(64bit)"; done
echo "dist: NEEDED:" $needed >&2
echo "dist: deb Depends: $deb_depends; Recommends: $deb_recommends" >&2

items() { # "a, b | c" → YAML list items under an override's key
	local IFS=','
	for d in $1; do
		d=$(echo "$d" | sed 's/^ *//; s/ *$//')
		[ -n "$d" ] && printf '      - "%s"\n' "$d"
	done
	return 0
}
{
	cat <<YAML
# Written by scripts/dist/build.sh; see there.
name: mediadesk
arch: amd64
platform: linux
version: "$version"
release: "1"
section: sound
priority: optional
maintainer: "The MediaDesk developers <mediadesk@users.noreply.github.com>"
vendor: MediaDesk
homepage: https://github.com/mediadesk/mediadesk
license: "LicenseRef-proprietary"
description: |-
  Check your microphone, speaker and camera before a call
  MediaDesk shows which microphone, speaker and camera are there, which one
  is picked and whether it works (a level meter, a test chime, a camera
  preview and a pre-call check that says what to fix), and the CometChat
  call history. The mediadesk command is also a command line for scripts
  and helpdesks (mediadesk doctor).
contents:
  - src: $bin
    dst: /usr/bin/mediadesk
    file_info: {mode: 0755}
  - src: $root/$id.desktop
    dst: /usr/share/applications/$id.desktop
  - src: $root/$id.metainfo.xml
    dst: /usr/share/metainfo/$id.metainfo.xml
  - src: $root/mediadesk.1.gz
    dst: /usr/share/man/man1/mediadesk.1.gz
  - src: $root/mediadesk.bash
    dst: /usr/share/bash-completion/completions/mediadesk
  - src: $root/_mediadesk
    dst: /usr/share/zsh/vendor-completions/_mediadesk
    packager: deb
  - src: $root/_mediadesk
    dst: /usr/share/zsh/site-functions/_mediadesk
    packager: rpm
  - src: $root/mediadesk.fish
    dst: /usr/share/fish/vendor_completions.d/mediadesk.fish
  - src: $root/copyright
    dst: /usr/share/doc/mediadesk/copyright
    packager: deb
  - src: $root/changelog.Debian.gz
    dst: /usr/share/doc/mediadesk/changelog.Debian.gz
    packager: deb
  - src: $root/copyright
    dst: /usr/share/licenses/mediadesk/copyright
    packager: rpm
    type: license
YAML
	for d in "$root"/icons/hicolor/*/apps/*; do
		printf '  - src: %s\n    dst: /usr/share/icons/%s\n' "$d" "${d#"$root"/icons/}"
	done
	echo "overrides:"
	echo "  deb:"
	echo "    depends:"
	items "$deb_depends"
	echo "    recommends:"
	items "$deb_recommends"
	echo "  rpm:"
	echo "    depends:"
	items "$rpm_depends"
	echo "    recommends:"
	items "$rpm_recommends"
} >"$work/nfpm.yaml"
$GO run "$NFPM" package --config "$work/nfpm.yaml" --packager deb --target "$out/"
$GO run "$NFPM" package --config "$work/nfpm.yaml" --packager rpm --target "$out/"

# --- macOS ----------------------------------------------------------------
$GO run ./packaging/distgen plist "$out/macos/Info.plist" "$version"
fi

[ "${DIST_ONLY:-}" = linux ] && { ls -l "$out" >&2; exit 0; }

# --- Windows --------------------------------------------------------------
# The installer wraps the same Windows build make cross-windows checks.
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc CGO_CFLAGS="-O2 -w" \
	$GO build -tags "$tags" -ldflags "$ldflags" -o "$work/windows/mediadesk.exe" .
$GO run ./packaging/distgen ico "$work/windows/mediadesk.ico"
sign=()
if [ -n "${DIST_SIGN_CERT:-}" ]; then
	: "${DIST_SIGN_KEY:?DIST_SIGN_CERT is set: DIST_SIGN_KEY must name its key}"
	sign=(osslsigncode sign -certs "$DIST_SIGN_CERT" -key "$DIST_SIGN_KEY" -n MediaDesk -i https://github.com/mediadesk/mediadesk -h sha256)
	if [ -n "${DIST_SIGN_PASS:-}" ]; then sign+=(-pass "$DIST_SIGN_PASS"); fi
	"${sign[@]}" -in "$work/windows/mediadesk.exe" -out "$work/windows/mediadesk.signed.exe" >/dev/null
	mv "$work/windows/mediadesk.signed.exe" "$work/windows/mediadesk.exe"
fi
setup=$out/MediaDesk-Setup-$version.exe
makensis -V2 -INPUTCHARSET UTF8 -DVERSION="$version" -DEXE="$work/windows/mediadesk.exe" \
	-DICON="$work/windows/mediadesk.ico" -DOUTFILE="$setup" packaging/windows/installer.nsi
if [ ${#sign[@]} -gt 0 ]; then
	"${sign[@]}" -in "$setup" -out "$setup.signed" >/dev/null
	mv "$setup.signed" "$setup"
fi
ls -l "$out" >&2
