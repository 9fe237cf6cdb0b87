#!/usr/bin/env bash
# fetch.sh DIR: the microphone corpus's speech. Downloads Debian's
# asterisk-core-sounds-en-g722 with apt (never installed: voice prompts
# recorded by Allison Smith, CC-BY-SA-3.0, G.722 at 16 kHz), and decodes
# the prompts of 4 s or more with ffmpeg (Debian's; a test-time tool, not
# linked into anything) to DIR/speech/NAME.s16: raw signed 16-bit
# little-endian mono at 16 kHz. Prints DIR/speech. A directory decoded
# completely before is reused, so a warm run costs nothing.
set -euo pipefail

dir=${1:?usage: fetch.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
out="$dir/speech"
if [ -f "$out/.decoded" ]; then
	echo "$out"
	exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
"$here/../install-deps.sh" ffmpeg
rm -rf "$dir/deb" "$out"
mkdir -p "$dir/deb" "$out"
pkg=asterisk-core-sounds-en-g722
echo "corpus: downloading $pkg" >&2
# apt-get download writes into the current directory; as root it warns
# that the _apt user cannot write there, which is harmless.
if ! (cd "$dir/deb" && apt-get download -q "$pkg" 2>&1 | grep -v 'unsandboxed as root' >&2; ls ./*.deb >/dev/null 2>&1); then
	echo "corpus: apt-get download $pkg failed; running apt-get update and trying again" >&2
	sudo=""
	[ "$(id -u)" -ne 0 ] && sudo="sudo"
	$sudo apt-get update -qq
	(cd "$dir/deb" && apt-get download -q "$pkg" 2>&1 | grep -v 'unsandboxed as root' >&2) || true
fi
deb=$(ls "$dir"/deb/*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "corpus: could not download $pkg" >&2; exit 1; }
dpkg-deb -x "$deb" "$dir/deb/x"
cp "$dir/deb/x/usr/share/doc/$pkg/copyright" "$out/COPYRIGHT"
n=0
# G.722 is 64 kbit/s: 8000 bytes a second, so 32000 bytes is 4 s.
while IFS= read -r f; do
	name=$(basename "$f" .g722)
	ffmpeg -nostdin -hide_banner -loglevel error -f g722 -i "$f" -f s16le -ac 1 -ar 16000 "$out/$name.s16"
	n=$((n + 1))
done < <(find "$dir/deb/x/usr/share/asterisk/sounds/en_US_f_Allison" -maxdepth 1 -name '*.g722' -size +31k | LC_ALL=C sort)
rm -rf "$dir/deb"
[ "$n" -gt 0 ] || { echo "corpus: no prompt decoded" >&2; exit 1; }
echo "corpus: $n prompts decoded into $out" >&2
touch "$out/.decoded"
echo "$out"
