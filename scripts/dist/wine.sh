#!/usr/bin/env bash
# dist/wine.sh DIST ARTIFACTS TAGS: the Windows installer under Wine, in
# the fresh private prefix scripts/with-wine.sh made (run inside it, inside
# with-pulse.sh), as a person or a rollout would run it:
#  - an older installer (same program, version 0.0.1) silently with
#    /AUTOSTART=1: the exe, the Start-menu shortcut, the Apps & features
#    key and the Run value exist; the person's history is made;
#  - this version over it (/S, no /AUTOSTART): upgraded in place, autostart
#    and the person's files kept; then the same version again: harmless;
#  - the installed exe runs `devices --json` and lists the private
#    PulseAudio's sink;
#  - the uninstaller (/S) removes the files, the shortcut, the keys and the
#    Run value, and leaves %APPDATA%\mediadesk;
#  - a build signed with a throwaway certificate (made here, in a temporary
#    directory, never kept) verifies with osslsigncode against it.
set -euo pipefail
dist=$(realpath "$1")
art=$(realpath -m "$2")
tags=$3
: "${WINEPREFIX:?run inside scripts/with-wine.sh}"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
GO=${GO:-go}
cd "$top"
mkdir -p "$art"
work=$(mktemp -d "${TMPDIR:-/tmp}/mediadesk-distwine.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "test-dist (wine): FAIL: $*" >&2; exit 1; }
ok() { echo "test-dist (wine): ok: $*" >&2; }

version=$($GO run ./packaging/distgen field Details.Version)
setup=$dist/MediaDesk-Setup-$version.exe
[ -f "$setup" ] || fail "no $setup"
user=$(id -un)
c=$WINEPREFIX/drive_c
users=$c/users/$user
instdir=$users/AppData/Local/Programs/MediaDesk
lnk="$users/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/MediaDesk.lnk"
appdata=$users/AppData/Roaming/mediadesk
uninst='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\MediaDesk'
run='HKCU\Software\Microsoft\Windows\CurrentVersion\Run'
# reg query prints "    NAME    REG_SZ    DATA": DATA, spaces and all.
regval() { wine reg query "$1" /v "$2" 2>/dev/null | tr -d '\r' | awk -v v="$2" '$1 == v {sub(/^ +[^ ]+ +[^ ]+ +/, ""); print}'; }
haskey() { wine reg query "$1" >/dev/null 2>&1; }
inst() { timeout 180 wine "$@" || fail "wine $* exited $?"; }

# The older installer: the same exe under version 0.0.1.
makensis -V1 -INPUTCHARSET UTF8 -DVERSION=0.0.1 -DEXE="$top/build/dist/windows/mediadesk.exe" \
	-DICON="$top/build/dist/windows/mediadesk.ico" -DOUTFILE="$work/MediaDesk-Setup-0.0.1.exe" packaging/windows/installer.nsi
inst "$work/MediaDesk-Setup-0.0.1.exe" /S /AUTOSTART=1
[ -f "$instdir/mediadesk.exe" ] || fail "no $instdir/mediadesk.exe after the silent install"
[ -f "$instdir/uninstall.exe" ] || fail "no uninstall.exe"
[ -f "$lnk" ] || fail "no Start-menu shortcut ($lnk)"
[ "$(regval "$uninst" DisplayVersion)" = 0.0.1 ] || fail "Apps & features: DisplayVersion is '$(regval "$uninst" DisplayVersion)'"
regval "$uninst" UninstallString | grep -q 'uninstall.exe' || fail "no UninstallString"
regval "$uninst" QuietUninstallString | grep -q 'uninstall.exe" /S' || fail "no QuietUninstallString"
autostart=$(regval "$run" MediaDesk)
[ "$autostart" = '"C:\users\'"$user"'\AppData\Local\Programs\MediaDesk\mediadesk.exe" --background' ] ||
	fail "Run\\MediaDesk is '$autostart'"
ok "0.0.1 installed silently (/S /AUTOSTART=1): exe, shortcut, uninstall key, Run value $autostart"

# The person's history and preferences (the installed exe writes them).
timeout 120 wine "$instdir/mediadesk.exe" calls sample --count 20 >/dev/null || fail "calls sample"
echo '{"kept":true}' >"$appdata/settings-test.json"
sum() { (cd "$appdata" && find . -type f -exec sha256sum {} + | sort); }
sum >"$work/user.before"
[ -s "$work/user.before" ] || fail "no files in $appdata"

inst "$setup" /S
[ "$(regval "$uninst" DisplayVersion)" = "$version" ] || fail "the upgrade left DisplayVersion '$(regval "$uninst" DisplayVersion)'"
[ "$(regval "$run" MediaDesk)" = "$autostart" ] || fail "the upgrade dropped the autostart"
inst "$setup" /S
[ "$(regval "$uninst" DisplayVersion)" = "$version" ] || fail "installing $version twice"
[ -f "$lnk" ] || fail "the shortcut went on the second install"
sum >"$work/user.after"
diff -u "$work/user.before" "$work/user.after" || fail "installing changed the person's files"
timeout 60 wine "$instdir/mediadesk.exe" version | tr -d '\r' >"$art/wine-version.txt"
head -1 "$art/wine-version.txt" | grep -q "^mediadesk $version\$" || fail "the installed exe says $(head -1 "$art/wine-version.txt")"
ok "upgraded in place to $version (/S), then the same again: autostart and %APPDATA%\\mediadesk kept"

mod=$(pactl load-module module-null-sink sink_name=dist_wine "sink_properties='device.description=\"Dist Wine Speaker\"'")
timeout 120 wine "$instdir/mediadesk.exe" devices --json | tr -d '\r' >"$art/wine-devices.json" || { pactl unload-module "$mod"; fail "devices --json"; }
pactl unload-module "$mod"
grep -q 'Dist Wine Speaker' "$art/wine-devices.json" || fail "the installed exe's devices --json has no test sink: $(cat "$art/wine-devices.json")"
ok "the installed exe ran devices --json"

# The uninstaller copies itself to %TEMP% and runs from there, so its end
# is waited for: until the directory is gone (60 s bound).
inst "$instdir/uninstall.exe" /S
for _ in $(seq 1 600); do [ -e "$instdir" ] || break; sleep 0.1; done
[ ! -e "$instdir" ] || fail "$instdir is still there 60 s after the uninstaller: $(ls "$instdir")"
[ ! -e "$lnk" ] || fail "the shortcut is still there"
haskey "$uninst" && fail "the Apps & features key is still there"
[ -z "$(regval "$run" MediaDesk)" ] || fail "the Run value is still there"
haskey 'HKCU\Software\MediaDesk' && fail "HKCU\\Software\\MediaDesk is still there"
sum >"$work/user.uninstalled"
diff -u "$work/user.before" "$work/user.uninstalled" || fail "uninstalling touched %APPDATA%\\mediadesk"
ok "uninstalled silently: files, shortcut, keys and Run value gone; %APPDATA%\\mediadesk kept"

# Signed with a throwaway certificate.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=MediaDesk test signing" \
	-addext "extendedKeyUsage=codeSigning" -addext "keyUsage=digitalSignature" \
	-keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
DIST_ONLY=windows DIST_WORK="$work/signed-build" DIST_SIGN_CERT="$work/cert.pem" DIST_SIGN_KEY="$work/key.pem" \
	"$here/build.sh" "$work/signed" "$tags" 2>"$work/signed.log" || { cat "$work/signed.log" >&2; fail "the signed build"; }
signed=$work/signed/MediaDesk-Setup-$version.exe
osslsigncode verify -CAfile "$work/cert.pem" -in "$signed" >"$art/osslsigncode-verify.txt" 2>&1 ||
	{ cat "$art/osslsigncode-verify.txt" >&2; fail "osslsigncode verify of the signed installer"; }
osslsigncode verify -CAfile "$work/cert.pem" -in "$work/signed-build/windows/mediadesk.exe" >/dev/null 2>&1 || fail "osslsigncode verify of the signed mediadesk.exe"
# And an unsigned one does not verify (the check can fail).
osslsigncode verify -CAfile "$work/cert.pem" -in "$setup" >/dev/null 2>&1 && fail "the unsigned installer verified"
ok "the signed installer and exe verify against the test certificate; the unsigned one does not"
