#!/usr/bin/env bash
# initramfs.sh KERNELDIR OUT.gz FILE…: build the guest's initramfs:
# busybox (static), /init, the kernel modules the guest tests load (with
# their dependencies), the files named (at /: programs with the shared
# libraries ldd finds for them, and *.env settings for /init), libasound (miniaudio loads it at run time)
# and ALSA's configuration; then PulseAudio (the daemon, pactl, the few
# modules the guest's profile test loads and the ALSA mixer profiles, at
# their host paths, where the daemon looks for them) as a second, cached
# archive (OUT's folder/pulse.cpio.gz).
set -euo pipefail
# ldconfig lives in /sbin, which a user's PATH may not have.
export PATH="$PATH:/usr/sbin:/sbin"

kdir=${1:?usage: initramfs.sh KERNELDIR OUT.gz PROGRAM...}
out=${2:?usage: initramfs.sh KERNELDIR OUT.gz PROGRAM...}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
kver=$(ls "$kdir/lib/modules")

root="$out.root"
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,etc} "$root/lib/modules/$kver"

bb=$(command -v busybox)
# A dynamic busybox would need its libraries too; Debian's busybox-static
# installs the static one as /bin/busybox.
if LC_ALL=C ldd "$bb" 2>&1 | grep -q '=>'; then
	echo "guest: $bb is not static; install busybox-static" >&2
	exit 1
fi
cp "$bb" "$root/bin/busybox"
# ALSA's dmix/dsnoop (miniaudio's shared mode) set their shared memory's
# group to "audio" and refuse to open without one.
printf 'root:x:0:0:root:/tmp:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\naudio:x:29:\n' >"$root/etc/group"
cp "$here/init" "$root/init"
chmod +x "$root/init"

# The modules the tests load, and everything they depend on, from the
# modules.dep that kernel.sh made.
mods=(vivid snd-dummy snd-aloop)
dep="$kdir/lib/modules/$kver/modules.dep"
need=$(awk -v want="${mods[*]}" '
	BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) { m = w[i]; gsub(/_/, "-", m); wanted[m] = 1 } }
	{
		sub(/:$/, "", $1); sub(/:/, "", $1)
		name = $1; sub(/.*\//, "", name); sub(/\.ko.*$/, "", name); gsub(/_/, "-", name)
		if (name in wanted) for (i = 1; i <= NF; i++) print $i
	}' "$dep" | sort -u)
[ "$(echo "$need" | grep -c .)" -gt "${#mods[@]}" ] || { echo "guest: modules not found in $dep" >&2; exit 1; }
for f in $need; do
	mkdir -p "$root/lib/modules/$kver/$(dirname "$f")"
	cp "$kdir/lib/modules/$kver/$f" "$root/lib/modules/$kver/$f"
done
cp "$kdir/lib/modules/$kver"/modules.{builtin,order} "$root/lib/modules/$kver/" 2>/dev/null || true
busybox depmod -b "$root" "$kver"

# Shared libraries, at the paths the dynamic loader looks for them.
copylib() {
	local lib=$1
	[ -e "$root$lib" ] && return
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
}
libs_of() { LC_ALL=C ldd "$1" 2>/dev/null | awk '/=> \// {print $3} /^\t\/[^ ]*ld-linux/ {print $1}'; }
# awk reads to the end: exiting at the match would leave ldconfig to die of
# SIGPIPE now and then, which pipefail turns into a failed build.
asound=$(ldconfig -p | awk '/libasound\.so\.2 .*x86-64/ && !found {print $NF; found = 1}')
[ -n "$asound" ] || { echo "guest: libasound.so.2 not found (install libasound2)" >&2; exit 1; }
for prog in "$@"; do
	cp "$prog" "$root/"
	[[ $prog == *.env ]] && continue # settings for /init, not a program
	for lib in $(libs_of "$prog"); do copylib "$lib"; done
done
copylib "$asound"
for lib in $(libs_of "$asound"); do copylib "$lib"; done
# ALSA's configuration, without alsa.conf.d (it points at plugins, such as
# pulse, that the guest does not have).
mkdir -p "$root/usr/share"
cp -r /usr/share/alsa "$root/usr/share/alsa"
rm -rf "$root/usr/share/alsa/alsa.conf.d"

# PulseAudio, for the card-profile test (guest_profiles_linux_test.go,
# which starts it): no udev in the guest, so module-alsa-card on the card's
# index rather than module-udev-detect. libpulse comes with it, which is
# also what miniaudio's PulseAudio backend loads at run time. It is a
# second archive after the first (the kernel unpacks concatenated archives
# in order), cached beside OUT: 14 MB (6 MB packed) that change only
# with the host's PulseAudio or this script.
pa=/usr/bin/pulseaudio
pamods=$(ls -d /usr/lib/pulse-*/modules 2>/dev/null | head -1)
if [ ! -x "$pa" ] || [ ! -x /usr/bin/pactl ] || [ -z "$pamods" ] || [ ! -d /usr/share/pulseaudio/alsa-mixer ]; then
	echo "guest: PulseAudio not found (install pulseaudio pulseaudio-utils)" >&2
	exit 1
fi
pamodules=(module-alsa-card module-native-protocol-unix)
pulse="$(dirname "$out")/pulse.cpio.gz"
key=$(stat -L -c '%n %s %Y' "$pa" /usr/bin/pactl $(printf "$pamods/%s.so " "${pamodules[@]}") | sha256sum | cut -c1-16)-$(sha256sum <"$0" | cut -c1-16)
if [ ! -s "$pulse" ] || [ "$(cat "$pulse.key" 2>/dev/null)" != "$key" ]; then
	base=$root
	# libasound and what it needs (libc, libm, the loader) are always in
	# the first archive: not again (about 4 MB).
	inbase=" $asound $(libs_of "$asound" | tr '\n' ' ') "
	pulselibs() {
		local lib
		for lib in $(libs_of "$1"); do
			[[ $inbase == *" $lib "* ]] || copylib "$lib"
		done
	}
	root="$out.pulse.root"
	rm -rf "$root"
	mkdir -p "$root/usr/bin" "$root$pamods" "$root/usr/share/pulseaudio" "$root/etc"
	for prog in "$pa" /usr/bin/pactl; do
		cp "$prog" "$root$prog"
		pulselibs "$prog"
	done
	for mod in "${pamodules[@]}"; do
		cp "$pamods/$mod.so" "$root$pamods/"
		pulselibs "$pamods/$mod.so"
	done
	cp -r /usr/share/pulseaudio/alsa-mixer "$root/usr/share/pulseaudio/"
	# libpulse reads the machine id (it names the server); a fixed one is fine.
	echo 0123456789abcdef0123456789abcdef >"$root/etc/machine-id"
	# gzip -9: made once, and every byte of the initrd costs boot time.
	(cd "$root" && find . | busybox cpio -o -H newc 2>/dev/null) | gzip -9 >"$pulse.tmp"
	mv "$pulse.tmp" "$pulse"
	echo "$key" >"$pulse.key"
	rm -rf "$root"
	root=$base
fi

(cd "$root" && find . | busybox cpio -o -H newc 2>/dev/null) | gzip -1 >"$out.tmp"
cat "$pulse" >>"$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$root"
