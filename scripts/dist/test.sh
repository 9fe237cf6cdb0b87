#!/usr/bin/env bash
# dist/test.sh DIST ARTIFACTS TAGS: check what make dist built into DIST,
# on this machine, for real (make test-dist; run inside with-pulse.sh):
#  1. the .deb: lintian (no errors, no warnings but those listed with
#     their reasons in packaging/linux/lintian-kept), desktop-file-validate, appstreamcli
#     validate --no-net, the man page through man's own warnings, the bash
#     completion answering, the dlopen'ed audio libraries in the binary;
#  2. the .rpm: rpm -qpl lists the .deb's files, rpm -qpR the binary's
#     NEEDED sonames;
#  3. the macOS Info.plist read back (Python's plistlib);
#  4. the .deb installed with apt-get (an older build first, then this one
#     over it, then this one again): /usr/bin/mediadesk version and
#     devices --json on the private sound server, the window from the
#     installed .desktop Exec line under Xvfb (scripts/gui-smoke.sh), the
#     user's history and preferences untouched, then apt-get remove --purge
#     leaves no file of ours (file lists compared);
#  5. the Windows installer under Wine in a fresh prefix (dist/wine.sh).
set -euo pipefail
dist=$(realpath "$1")
art=$(realpath -m "$2")
tags=$3
: "${PULSE_SERVER:?run dist/test.sh inside scripts/with-pulse.sh}"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
GO=${GO:-go}
NFPM=${NFPM:-github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.48.0}
cd "$top"
mkdir -p "$art"
work=$(mktemp -d "${TMPDIR:-/tmp}/mediadesk-dist.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "test-dist: FAIL: $*" >&2; exit 1; }
ok() { echo "test-dist: ok: $*" >&2; }

version=$($GO run ./packaging/distgen field Details.Version)
id=$($GO run ./packaging/distgen field Details.ID)
deb=$dist/mediadesk_${version}-1_amd64.deb
rpm=$(ls "$dist"/mediadesk-"$version"-1.x86_64.rpm)
[ -f "$deb" ] || fail "no $deb (make dist first)"

# --- 1. the .deb's contents ------------------------------------------------
# One run (lintian takes minutes here): any error, or a warning not listed
# in lintian-kept, fails. The package carries no lintian overrides.
lintian --tag-display-limit 0 --fail-on error,warning \
	--suppress-tags-from-file packaging/linux/lintian-kept "$deb" >"$art/lintian.txt" 2>&1 ||
	{ cat "$art/lintian.txt" >&2; fail "lintian: an error or a warning not in packaging/linux/lintian-kept (above)"; }
ok "lintian: no errors, no warnings but the kept ones, no overrides"
x=$work/deb
dpkg-deb -x "$deb" "$x"
[ ! -e "$x/usr/share/lintian/overrides" ] || fail "the .deb overrides lintian tags: $(ls "$x/usr/share/lintian/overrides")"
objdump -p "$x/usr/bin/mediadesk" | grep -q 'NEEDED *libturbojpeg\.so\.0' ||
	fail "the binary does not link Debian's shared libturbojpeg.so.0 (an embedded JPEG decoder misses Debian's security updates)"
desktop-file-validate "$x/usr/share/applications/$id.desktop" || fail "desktop-file-validate"
ok "desktop-file-validate"
appstreamcli validate --no-net --explain "$x/usr/share/metainfo/$id.metainfo.xml" || fail "appstreamcli validate"
release=$(grep -o '<release version="[^"]*"' "$x/usr/share/metainfo/$id.metainfo.xml" | head -1 | cut -d'"' -f2)
[ "$release" = "$version" ] || fail "the metainfo's newest release is $release, FyneApp.toml says $version: add a <release>"
ok "appstreamcli validate --no-net; newest release $release"
# The man page: man's own formatter warnings (lintian's groff check too).
warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$x/usr/share/man/man1/mediadesk.1.gz" 2>&1 >/dev/null)
[ -z "$warn" ] || fail "man page warnings: $warn"
zcat "$x/usr/share/man/man1/mediadesk.1.gz" | grep -q -F -- '\-\-include\-monitors' || fail "the man page has no --include-monitors (devices' flag)"
ok "man page: no warnings"
# The bash completion, asked as bash asks it.
ask_bash() { bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _mediadesk; echo "${COMPREPLY[*]}"' _ "$x/usr/share/bash-completion/completions/mediadesk" "$@"; }
[ "$(ask_bash mediadesk check '')" = "speaker mic echo camera" ] || fail "bash: 'mediadesk check <TAB>' gives '$(ask_bash mediadesk check '')'"
[ "$(ask_bash mediadesk devices --in)" = "--include-monitors" ] || fail "bash: 'devices --in<TAB>' gives '$(ask_bash mediadesk devices --in)'"
[ "$(ask_bash mediadesk vers)" = "version" ] || fail "bash: 'vers<TAB>'"
zsh -n "$x/usr/share/zsh/vendor-completions/_mediadesk" || fail "zsh -n: the zsh completion"
fish --no-execute "$x/usr/share/fish/vendor_completions.d/mediadesk.fish" || fail "fish --no-execute: the fish completion"
fishc=$(fish --no-config -c "source $x/usr/share/fish/vendor_completions.d/mediadesk.fish; complete -C 'mediadesk check '" | cut -f1 | sort | tr '\n' ' ')
[ "$fishc" = "camera echo mic speaker " ] || fail "fish: 'mediadesk check <TAB>' gives '$fishc'"
ok "completions: bash and fish answer, zsh parses"
# The libraries GLFW and miniaudio load at run time are declared (build.sh
# reads them from the binary and fails on one it cannot place).
depends=$(dpkg-deb -f "$deb" Depends)
recommends=$(dpkg-deb -f "$deb" Recommends)
for p in libc6 libgl1 libx11-6 libxcursor1 libxrandr2 libxi6 libasound2; do
	echo ", $depends," | grep -q ", $p[ ,]" || fail "Depends has no $p: $depends"
done
for p in libpulse0 libxkbcommon0 "pulseaudio | pipewire-pulse"; do
	echo ", $recommends," | grep -q -F ", $p" || fail "Recommends has no $p: $recommends"
done
ok "Depends: $depends; Recommends: $recommends"

# --- 2. the .rpm -----------------------------------------------------------
(cd "$x" && find . -type f | sed 's/^\.//' | grep -v -e '^/usr/share/doc/' -e '^/usr/share/lintian/' -e '/zsh/' | sort) >"$work/deb.files"
rpm -qpl "$rpm" 2>/dev/null | grep -v -e '^/usr/share/licenses/' -e '/zsh/' | sort >"$work/rpm.files"
diff -u "$work/deb.files" "$work/rpm.files" || fail "the .rpm's files differ from the .deb's"
rpm -qpl "$rpm" 2>/dev/null | grep -q '^/usr/share/zsh/site-functions/_mediadesk$' || fail "the .rpm has no zsh completion"
rpm -qpR "$rpm" 2>/dev/null >"$art/rpm-requires.txt"
for n in $(objdump -p "$x/usr/bin/mediadesk" | awk '$1 == "NEEDED" {print $2}'); do
	grep -q -F "$n()(64bit)" "$art/rpm-requires.txt" || fail "rpm -qpR has no $n()(64bit)"
done
for so in libasound.so.2 libX11.so.6 libXcursor.so.1; do
	grep -q -F "$so()(64bit)" "$art/rpm-requires.txt" || fail "rpm -qpR has no $so()(64bit)"
done
ok "rpm: the same $(wc -l <"$work/rpm.files") files; requires the NEEDED sonames ($art/rpm-requires.txt)"

# --- 3. the macOS Info.plist, read back -------------------------------------
python3 - "$dist/macos/Info.plist" "$id" <<'PY' || fail "Info.plist"
import plistlib, sys
p = plistlib.load(open(sys.argv[1], "rb"))
assert p["CFBundleIdentifier"] == sys.argv[2], p["CFBundleIdentifier"]
for k in ("NSMicrophoneUsageDescription", "NSCameraUsageDescription", "LSMinimumSystemVersion"):
    assert p.get(k), k + " missing"
PY
ok "Info.plist read back: bundle id, both usage strings, LSMinimumSystemVersion"

# --- 4. installed with apt ----------------------------------------------------
apt() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -qq "$@" >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; return 1; }; }
ours() { find /usr /etc /var/lib/dpkg/info -xdev -iname '*mediadesk*' 2>/dev/null | sort; }
isinstalled() { dpkg-query -W -f='${Status}' mediadesk 2>/dev/null | grep -q 'install ok installed'; }
if isinstalled; then apt remove --purge mediadesk; fi
# A failure below leaves the machine as it was: the package purged.
trap 'isinstalled && apt-get -o DPkg::Lock::Timeout=600 -y -qq remove --purge mediadesk >/dev/null 2>&1; rm -rf "$work"' EXIT
ours >"$work/before"
# An older build of the same package, to upgrade from.
sed -e "s/^version: .*/version: \"0.0.1\"/" build/dist/nfpm.yaml >"$work/old.yaml"
$GO run "$NFPM" package --config "$work/old.yaml" --packager deb --target "$work/old.deb" >/dev/null
apt install "$work/old.deb"
[ "$(dpkg-query -W -f='${Version}' mediadesk)" = "0.0.1-1" ] || fail "the old build did not install"
# The person's preferences and history (a private HOME).
home=$work/home
mkdir -p "$home"
HOME=$home XDG_CONFIG_HOME=$home/.config /usr/bin/mediadesk calls sample --count 20 >/dev/null
echo '{"kept":true}' >"$home/.config/mediadesk/settings-test.json"
sum() { (cd "$home" && find .config/mediadesk -type f -exec sha256sum {} + | sort); }
sum >"$work/user.before"
apt install "$deb"
[ "$(dpkg-query -W -f='${Version}' mediadesk)" = "$version-1" ] || fail "the upgrade did not install $version"
apt install --reinstall "$deb" || fail "installing the same version twice"
[ "$(command -v mediadesk)" = /usr/bin/mediadesk ] || fail "mediadesk on PATH is $(command -v mediadesk)"
/usr/bin/mediadesk version | tee "$art/version.txt" | head -1 | grep -q "^mediadesk $version\$" || fail "mediadesk version says: $(cat "$art/version.txt")"
/usr/bin/mediadesk --version | grep -q "^mediadesk $version\$" || fail "mediadesk --version"
mod=$(pactl load-module module-null-sink sink_name=dist_sink "sink_properties='device.description=\"Dist Test Speaker\"'")
/usr/bin/mediadesk devices --json >"$art/devices.json" || { pactl unload-module "$mod"; fail "devices --json from /usr/bin"; }
pactl unload-module "$mod"
grep -q '"label": *"Dist Test Speaker"' "$art/devices.json" || fail "devices --json from /usr/bin did not list the test sink: $(cat "$art/devices.json")"
ok "installed: apt upgrade 0.0.1 → $version, the same again; /usr/bin/mediadesk version and devices --json"
# The window, from the installed entry's Exec line (no arguments but field codes).
exec_line=$(sed -n 's/^Exec=//p' /usr/share/applications/"$id".desktop)
exec_cmd=${exec_line%% *}
[ "$(echo "$exec_line" | sed 's/ %[fFuUik]//g')" = "$exec_cmd" ] || fail "Exec=$exec_line takes arguments the smoke test does not pass"
"$top/scripts/gui-smoke.sh" "$(command -v "$exec_cmd")" "$art" || fail "the window from Exec=$exec_line"
ok "the window opened from Exec=$exec_line under Xvfb"
sum >"$work/user.after"
diff -u "$work/user.before" "$work/user.after" || fail "upgrading changed the person's files"
installed=$(dpkg -L mediadesk)
apt remove --purge mediadesk
ours >"$work/after"
diff -u "$work/before" "$work/after" || fail "apt-get remove --purge left files of ours"
for f in $installed; do [ -d "$f" ] || [ ! -e "$f" ] || fail "$f is still there after the purge"; done
sum >"$work/user.purged"
diff -u "$work/user.before" "$work/user.purged" || fail "removing the package touched ~/.config/mediadesk"
ok "apt-get remove --purge: no file of ours left; ~/.config/mediadesk kept"

# --- 5. Windows ------------------------------------------------------------------
"$top/scripts/with-wine.sh" "$here/wine.sh" "$dist" "$art" "$tags"
echo "test-dist: all passed" >&2
