#!/usr/bin/env bash
# kernel.sh CACHEDIR: fetch Debian's current amd64 kernel package with apt
# (downloaded, never installed) and unpack the kernel image and the media
# and sound modules under CACHEDIR/<package>/. Prints that
# directory. A directory that was unpacked completely before is reused, so
# a warm run costs one apt-cache query.
set -euo pipefail

cache=${1:?usage: kernel.sh CACHEDIR}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# linux-image-amd64 depends on the versioned package of the day
# (linux-image-6.1.0-NN-amd64); its name changes with each kernel update,
# and it carries the kernel's ABI version, so it names the cache entry.
pkg() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}'; }
update() {
	local sudo=""
	[ "$(id -u)" -ne 0 ] && sudo="sudo"
	$sudo apt-get update -qq
}

# fetch NAME DIR: download NAME and unpack what the guest uses into DIR.
fetch() {
	local name=$1 dir=$2 deb kver
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "guest: downloading $name" >&2
	# apt-get download writes into the current directory; as root it warns
	# that the _apt user cannot write there, which is harmless.
	(cd "$dir" && apt-get download -q "$name" 2>&1 | grep -v 'unsandboxed as root' >&2) || true
	deb=$(ls "$dir"/*.deb 2>/dev/null | head -1)
	[ -n "$deb" ] || return 1
	# Only the kernel, and the media and sound drivers (vivid, snd-dummy,
	# snd-aloop and what they need).
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" --wildcards \
		'./boot/vmlinuz-*' './lib/modules/*/kernel/drivers/media/*' \
		'./lib/modules/*/kernel/sound/*' './lib/modules/*/modules.*'
	rm -f "$deb"
	kver=$(ls "$dir/lib/modules")
	# The package ships no modules.dep and the host may have no kmod:
	# busybox makes one for the modules unpacked.
	busybox depmod -b "$dir" "$kver"
	[ -s "$dir/lib/modules/$kver/modules.dep" ] || { echo "guest: depmod made no modules.dep" >&2; return 1; }
	touch "$dir/.unpacked"
}

name=$(pkg)
if [ -z "$name" ]; then
	echo "guest: no package lists; running apt-get update" >&2
	update
	name=$(pkg)
fi
[ -n "$name" ] || { echo "guest: apt knows no linux-image-amd64 package" >&2; exit 1; }
dir="$cache/$name"
if [ ! -f "$dir/.unpacked" ] && ! fetch "$name" "$dir"; then
	# Stale package lists name a kernel the mirror no longer has.
	echo "guest: apt-get download $name failed; running apt-get update and trying again" >&2
	rm -rf "$dir"
	update
	name=$(pkg)
	dir="$cache/$name"
	[ -f "$dir/.unpacked" ] || fetch "$name" "$dir" || { echo "guest: apt-get download $name failed" >&2; exit 1; }
fi
echo "$dir"
