#!/usr/bin/env bash
# run.sh BUILDDIR OUTDIR: the Wine stage's checks, run inside
# scripts/with-pulse.sh and scripts/with-wine.sh from the repository root,
# on what scripts/wine/build.sh left in BUILDDIR. Logs and the screenshot
# go to OUTDIR. Every part runs even if one fails; the status says whether
# all passed.
#
#  1. Each Go test executable (<pkg>.test.exe) under Wine, in its package
#     directory as `go test` would run it: exit 0 and a final PASS, and the
#     Windows temp directory left as it was found.
#  2. The CLI driven from Linux (scripts/wine, a Go test): devices --json,
#     check speaker, check mic, watch.
#  3. The window under Xvfb (scripts/gui-smoke.sh --wine).
set -uo pipefail
build=$(realpath "$1")
out=$(realpath -m "$2")
mkdir -p "$out"
: "${WINEPREFIX:?run inside scripts/with-wine.sh}" "${PULSE_SERVER:?run inside scripts/with-pulse.sh}"
root=$(pwd)
failed=()
SECONDS=0

# Where Go's os.TempDir (and so t.TempDir) points under Wine.
wintemp=$(timeout 60 winepath -u "$(timeout 60 wine cmd /c echo %TEMP% 2>/dev/null | tr -d '\r')" 2>/dev/null)
[ -d "$wintemp" ] || { echo "wine/run.sh: the prefix has no temp directory ($wintemp)" >&2; exit 1; }

for exe in "$build"/*.test.exe; do
	name=$(basename "$exe" .test.exe)
	pkg=${name//_//}
	before=$(cd "$wintemp" && find . -mindepth 1 | sort)
	start=$(date +%s)
	(cd "$root/$pkg" && timeout 600 wine "$exe" -test.count=1 -test.v -test.timeout=5m) >"$out/$name.log" 2>&1
	code=$?
	secs=$(($(date +%s) - start))
	pass=$(grep -c -- "--- PASS" "$out/$name.log")
	fail=$(grep -c -- "--- FAIL" "$out/$name.log")
	skip=$(grep -c -- "--- SKIP" "$out/$name.log")
	after=$(cd "$wintemp" && find . -mindepth 1 | sort)
	left=$(comm -13 <(echo "$before") <(echo "$after"))
	echo "wine: $pkg: $pass passed, $fail failed, $skip skipped in $secs s (exit $code)"
	if [ $code -ne 0 ] || [ "$(tail -n 1 "$out/$name.log")" != "PASS" ]; then
		echo "wine: $pkg FAILED under Wine; its output ($out/$name.log):" >&2
		grep -B2 -A20 -- "--- FAIL\|^panic\|^FAIL\|unimplemented function" "$out/$name.log" | head -100 >&2 || tail -50 "$out/$name.log" >&2
		failed+=("$pkg")
	fi
	if [ -n "$left" ]; then
		echo "wine: $pkg left files in the Windows temp directory $wintemp:" >&2
		echo "$left" >&2
		failed+=("$pkg (temp files left)")
	fi
	grep -- "--- SKIP" "$out/$name.log" | sed "s|^|wine: $pkg: |" || true
done

echo "wine: the test executables took $SECONDS s"
SECONDS=0
MEDIADESK_WINE_EXE="$build/mediadesk.exe" MEDIADESK_REQUIRE_PULSE=1 \
	go test -count=1 -v -timeout 10m ./scripts/wine/ 2>&1 | tee "$out/cli.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || failed+=("CLI under Wine (scripts/wine)")

echo "wine: the CLI tests took $SECONDS s"
SECONDS=0
scripts/gui-smoke.sh --wine "$build/mediadesk.exe" "$out" || failed+=("window under Wine")
echo "wine: the window smoke test took $SECONDS s"

if [ ${#failed[@]} -gt 0 ]; then
	printf 'wine: FAILED: %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "wine: all passed (logs and screenshot in $out)"
