# MediaDesk. `make run` and `make test` do all the set-up on a fresh
# Debian/Ubuntu machine; see README.md.

GO            ?= go
BIN           ?= mediadesk
STATICCHECK   := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOBIN         := $(shell $(GO) env GOPATH)/bin

# Build: cgo (malgo, and Fyne's GL/X11/Wayland; libyuv and libjpeg-turbo's
# TurboJPEG for camera frames: libyuv linked statically, TurboJPEG as
# Debian's shared libturbojpeg0). Tests: a private
# PulseAudio and Xvfb.
BUILD_PACKAGES := gcc pkg-config libc6-dev libgl1-mesa-dev xorg-dev libwayland-dev libxkbcommon-dev libasound2-dev libyuv-dev libturbojpeg0-dev
# The QEMU guest with real kernel drivers (make test-guest).
GUEST_PACKAGES := qemu-system-x86 busybox-static libasound2 pulseaudio pulseaudio-utils
# PipeWire, WirePlumber and pipewire-pulse for the second sound-server run.
PIPEWIRE_PACKAGES := pipewire pipewire-pulse wireplumber pipewire-bin
TEST_PACKAGES  := $(BUILD_PACKAGES) dunst desktop-file-utils libgl1-mesa-dri pulseaudio pulseaudio-utils $(PIPEWIRE_PACKAGES) xvfb xauth x11-utils xdotool dbus-bin dbus-daemon imagemagick gcc-mingw-w64-x86-64 $(GUEST_PACKAGES)
# The network check's namespace tests (run as root inside `go test`):
# ip netns and veth pairs, nftables rules, tc qdiscs, an iptables NFQUEUE
# rule (the delay where the kernel has no netem); iperf3 for bench-net.
NET_PACKAGES   := iproute2 nftables iptables iperf3
TEST_PACKAGES  += $(NET_PACKAGES)

.PHONY: all build run deps test-deps tools test conflict-check test-guest test-in-pulse gui-smoke vet lint fmt-check cross-windows test-wine fuzz bench bench-devices bench-gui bench-camera package clean

all: build

deps:
	@scripts/install-deps.sh $(BUILD_PACKAGES)

test-deps:
	@scripts/install-deps.sh $(TEST_PACKAGES)

# migrated_fynedo: the app uses fyne.Do throughout (FyneApp.toml says so
# too, but a binary moved away from it would not read that). no_emoji:
# Fyne's bundled emoji font costs about 20 MB of memory (BENCHMARKS.md).
TAGS := migrated_fynedo,no_emoji

build: deps
	$(GO) build -tags $(TAGS) -o $(BIN) .

# `make run` opens the window; `make run ARGS=devices` runs a CLI command.
ARGS ?=
run: build
	./$(BIN) $(ARGS)

tools:
	@test -x $(GOBIN)/staticcheck || $(GO) install $(STATICCHECK)

# The whole check: formatting, vet, staticcheck, and the race-enabled tests
# against a private PulseAudio, then the sound-server ones against a private
# PipeWire, each started here and stopped afterwards.
test: conflict-check test-deps tools
	$(MAKE) --no-print-directory test-corpus
	scripts/with-pulse.sh $(MAKE) --no-print-directory test-in-pulse
	scripts/with-pipewire.sh $(MAKE) --no-print-directory test-in-pipewire
	$(MAKE) --no-print-directory cross-windows
	$(MAKE) --no-print-directory test-wine
	$(MAKE) --no-print-directory test-guest
	$(MAKE) --no-print-directory test-dist

# The devices tests against real kernel drivers (vivid, snd-dummy,
# snd-aloop) in a QEMU guest booted from Debian's kernel package, fetched
# with apt into build/guest (not installed), and card profiles under the
# host's PulseAudio run inside the guest. A guest that does not boot or
# hangs fails; logs in artifacts/guest/. See scripts/guest/run.sh.
test-guest:
	@scripts/install-deps.sh $(BUILD_PACKAGES) $(GUEST_PACKAGES)
	GO=$(GO) scripts/guest/run.sh

# The microphone verdict's labelled corpus (README, "The microphone
# verdict"): Debian's recorded voice prompts (asterisk-core-sounds-en-g722)
# fetched with apt and decoded with ffmpeg into build/corpus, never
# committed, and mixed with synthesised room noise by the tests.
# test-corpus runs every clip in-process (without -race: it is arithmetic)
# and writes the confusion matrix to artifacts/corpus-matrix.md; a part of
# it goes through doctor on both sound servers (internal/cli's
# TestCorpusThroughDoctor, in test-in-pulse and test-in-pipewire, which
# find the speech through MEDIADESK_CORPUS).
.PHONY: corpus test-corpus
CORPUS_DIR := build/corpus
export MEDIADESK_CORPUS := $(CURDIR)/$(CORPUS_DIR)/speech
corpus:
	@scripts/corpus/fetch.sh $(CORPUS_DIR) >/dev/null
test-corpus: corpus
	mkdir -p artifacts
	MEDIADESK_REQUIRE_CORPUS=1 MEDIADESK_CORPUS_MATRIX=$(CURDIR)/artifacts/corpus-matrix.md \
		$(GO) test -count=1 -run '^TestCorpusVerdict$$' ./devices/

# A Windows break fails CI: cross-compile the app with cgo and mingw-w64.
# (-w: miniaudio's own gcc warnings under mingw are noise here.)
cross-windows:
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc CGO_CFLAGS="-O2 -w" \
		$(GO) build -tags $(TAGS) -o $(BIN).exe .
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc CGO_CFLAGS="-O2 -w" $(GO) vet ./...

# The Windows build run under Wine 8 (Debian's, 64-bit only) in a private
# prefix made for the run, against a private PulseAudio: the Go test
# packages' Windows executables, the CLI driven from Linux, and the window
# under Xvfb. Logs and the screenshot in artifacts/wine/. See
# scripts/with-wine.sh and scripts/wine/.
WINE_PACKAGES := wine wine64 gcc-mingw-w64-x86-64 pulseaudio pulseaudio-utils xvfb xauth x11-utils imagemagick
test-wine:
	@scripts/install-deps.sh $(WINE_PACKAGES)
	scripts/wine/build.sh build/wine $(TAGS)
	scripts/with-pulse.sh scripts/with-wine.sh scripts/wine/run.sh build/wine artifacts/wine

# Run by `test` inside the private sound server. MEDIADESK_REQUIRE_PULSE
# turns "no sound server" from a skip into a failure.
test-in-pulse: fmt-check vet lint
	MEDIADESK_REQUIRE_PULSE=1 MEDIADESK_REQUIRE_NOTIFY=1 $(GO) test -race -count=1 ./...
	$(MAKE) --no-print-directory fuzz FUZZTIME=50000x
	$(MAKE) --no-print-directory gui-smoke
	$(MAKE) --no-print-directory test-background

# The sound-server tests again, on a private PipeWire + WirePlumber +
# pipewire-pulse stack (run by `test` inside with-pipewire.sh; the tests
# start stacks of their own the same way). Screenshot at
# artifacts/pipewire/gui-smoke.png.
.PHONY: test-in-pipewire
SOUND_SERVER_PACKAGES := ./devices/ ./devices/internal/pulse/ ./devices/internal/miniaudio/ ./internal/cli/ ./gui/
test-in-pipewire:
	MEDIADESK_REQUIRE_PULSE=1 $(GO) test -race -count=1 $(SOUND_SERVER_PACKAGES)
	$(GO) build -tags $(TAGS) -o $(BIN) .
	SMOKE_CHECK=1 scripts/gui-smoke.sh ./$(BIN) artifacts/pipewire
	$(MAKE) --no-print-directory test-background

# `mediadesk --background` end to end (scripts/background): the built app
# in a desktop session of the test's own (Xvfb, a private session bus,
# dunst as the notification server) warns when a call app (pacat named
# Zoom) opens a muted or silent microphone, and its Unmute button works.
# On the sound server MEDIADESK_SOUND_SERVER names (PulseAudio, PipeWire).
.PHONY: test-background
test-background:
	$(GO) build -tags $(TAGS) -o $(BIN) .
	MEDIADESK_BIN=$(CURDIR)/$(BIN) MEDIADESK_BACKGROUND_E2E=1 MEDIADESK_REQUIRE_NOTIFY=1 MEDIADESK_REQUIRE_PULSE=1 \
		MEDIADESK_ARTIFACTS=$(CURDIR)/artifacts/background/$${MEDIADESK_SOUND_SERVER:-pulseaudio} \
		$(GO) test -count=1 -v ./scripts/background/

# The background mode's figures: a muted mic's notification (p50, p90),
# then idle CPU and RSS with no window (BENCHMARKS.md).
.PHONY: bench-background
bench-background: test-deps
	$(GO) build -tags $(TAGS) -o $(BIN) .
	scripts/with-pulse.sh env MEDIADESK_BIN=$(CURDIR)/$(BIN) MEDIADESK_IDLE_SECONDS=30 \
		$(GO) test -run XXX -bench MutedMicNotified -benchtime 20x ./scripts/background/

# The real window under Xvfb on the private PulseAudio (run inside
# with-pulse.sh): screenshot kept at artifacts/gui-smoke.png.
gui-smoke:
	$(GO) build -tags $(TAGS) -o $(BIN) .
	SMOKE_CHECK=1 scripts/gui-smoke.sh ./$(BIN) artifacts

# Fuzz targets, briefly in `make test`; run longer by hand with
# `make fuzz FUZZTIME=10m`. make test gives each a number of executions,
# not a duration: Go 1.26's fuzzer can fail with "context deadline
# exceeded" when a duration ends while a worker is busy (golang/go#75804,
# fixed in Go 1.27), with no failing input.
FUZZTIME ?= 10s
fuzz:
	$(GO) test -run XXX -fuzz '^FuzzDecodeCall$$' -fuzztime $(FUZZTIME) ./calls/
	$(GO) test -run XXX -fuzz '^FuzzParseFilter$$' -fuzztime $(FUZZTIME) ./calls/
	$(GO) test -run XXX -fuzz '^FuzzParseUevent$$' -fuzztime $(FUZZTIME) ./devices/internal/uevent/
	$(GO) test -run XXX -fuzz '^FuzzFourCC$$' -fuzztime $(FUZZTIME) ./devices/internal/v4l2/
	$(GO) test -run XXX -fuzz '^FuzzDecodeMJPEG$$' -fuzztime $(FUZZTIME) ./devices/internal/camera/

# Unresolved merge-conflict markers anywhere in the tree fail the build
# (a README once shipped with them).
conflict-check:
	@scripts/conflict-check.sh

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...
	scripts/darwin/cgo-typecheck.sh

lint:
	$(GOBIN)/staticcheck ./...

# Benchmarks (never part of `make test`). `make bench` is the side-by-side
# run: MediaDesk against headless Chromium (Debian's, installed here when
# it can be) and pactl on one private PulseAudio, plus the call-history and
# window figures; it prints the Markdown table BENCHMARKS.md carries (also
# kept in artifacts/bench.md). The 1M-call store is made once (a few
# minutes, about 2 GB) and kept in $TMPDIR, shared with the calls benchmarks.
BENCH_DB ?= $(or $(TMPDIR),/tmp)/mediadesk-bench-1m.db
bench: test-deps
	@scripts/install-deps.sh chromium || echo "bench: Chromium could not be installed; the table will say so"
	$(GO) build -tags $(TAGS) -o $(BIN) .
	test -f $(BENCH_DB) || ./$(BIN) calls sample --count 1000000 --db $(BENCH_DB)
	mkdir -p artifacts
	scripts/with-pulse.sh $(GO) run ./bench -bin ./$(BIN) -db $(BENCH_DB) > artifacts/bench.md
	@cat artifacts/bench.md

# The in-package device benchmarks (hot-plug, storm, idle, meter) alone.
bench-devices: test-deps
	scripts/with-pulse.sh sh -c '$(GO) test -run XXX -bench HotplugLatency -benchtime 40x ./devices/ && \
		$(GO) test -run XXX -bench Storm -benchtime 3x ./devices/ && \
		MEDIADESK_IDLE_SECONDS=60 $(GO) test -run XXX -bench IdleWatcher -benchtime 1x ./devices/ && \
		$(GO) test -run XXX -bench MeterLatency -benchtime 30x ./devices/ && \
		$(GO) test -run XXX -bench MeterCPU -benchtime 1x -count 3 ./devices/'

# The network check's figures (BENCHMARKS.md, "Network check"): loopback
# reachability + STUN, the full check with the relay run, blocked in a
# namespace, and the relay throughput beside iperf3 on a 2 Mbit/s link.
.PHONY: bench-net
bench-net:
	@scripts/install-deps.sh $(NET_PACKAGES)
	$(GO) test -run XXX -bench . -benchtime 10x ./network/

# Camera frame conversion at 1280x720 (YUYV, NV12, MJPEG → RGBA; libyuv
# and libjpeg-turbo, then our Go code alone), beside Debian's ffmpeg doing
# the same over the same frames (installed when it can be; its rows skip
# without it).
bench-camera:
	@scripts/install-deps.sh $(BUILD_PACKAGES)
	@scripts/install-deps.sh ffmpeg || echo "bench-camera: ffmpeg could not be installed; its rows will skip"
	$(GO) test -run XXX -bench '^Benchmark(YUYV|NV12|MJPEG)ToRGBA(Go)?$$' -benchtime 100x ./devices/internal/camera/
	$(GO) test -run XXX -bench '^BenchmarkFFmpeg' -benchtime 3x ./devices/internal/camera/

# The window alone with the 1M store: cold start and RSS, then what
# scrolling and filtering ask of the store.
bench-gui: test-deps
	$(GO) build -tags $(TAGS) -o $(BIN) .
	test -f $(BENCH_DB) || ./$(BIN) calls sample --count 1000000 --db $(BENCH_DB)
	for i in 1 2 3; do scripts/with-pulse.sh env SMOKE_DB=$(BENCH_DB) scripts/gui-smoke.sh ./$(BIN) artifacts/bench || exit 1; done
	MEDIADESK_BENCH_DB=$(BENCH_DB) $(GO) test -run XXX -bench History1M -benchtime 1x ./gui/
	scripts/with-pulse.sh scripts/gui-meter-cpu.sh ./$(BIN)
	scripts/with-pulse.sh scripts/gui-camera-cpu.sh ./$(BIN)

# The Linux package (MediaDesk.tar.xz: binary, .desktop file, icon, and a
# Makefile that installs them) with Fyne's packager at a pinned version.
FYNE_TOOLS := fyne.io/tools/cmd/fyne@v1.7.4
# (fyne package rewrites FyneApp.toml to bump Build and drops its comments;
# the file is put back, so versions change only when we change them.)
package: deps
	@cp FyneApp.toml .FyneApp.toml.keep
	$(GO) run $(FYNE_TOOLS) package -os linux -release --tags $(TAGS); \
		status=$$?; mv .FyneApp.toml.keep FyneApp.toml; exit $$status

# The packages, into dist/: the .deb and .rpm (goreleaser's nfpm, pinned),
# the Windows installer MediaDesk-Setup-VERSION.exe (NSIS's makensis;
# signed with osslsigncode when DIST_SIGN_CERT and DIST_SIGN_KEY name a PEM
# certificate and key), and the macOS bundle's Info.plist. The version is
# FyneApp.toml's. See scripts/dist/build.sh and README, Install.
.PHONY: dist test-dist
NFPM := github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.48.0
DIST_PACKAGES := $(BUILD_PACKAGES) binutils dpkg-dev nsis gcc-mingw-w64-x86-64 osslsigncode
dist:
	@scripts/install-deps.sh $(DIST_PACKAGES)
	GO=$(GO) NFPM=$(NFPM) scripts/dist/build.sh dist $(TAGS)

# The packages checked and installed here for real (scripts/dist/test.sh):
# lintian, desktop-file-validate, appstreamcli, rpm -qpl/-qpR; the .deb
# installed, upgraded and purged with apt-get (it is left removed), run from
# /usr/bin on a private PulseAudio and its window opened under Xvfb; the
# installer under Wine in a fresh prefix, and a signed build verified.
DIST_TEST_PACKAGES := $(DIST_PACKAGES) lintian appstream desktop-file-utils rpm man-db zsh fish python3 openssl \
	libgl1-mesa-dri pulseaudio pulseaudio-utils xvfb xauth x11-utils xdotool dbus-bin dbus-daemon imagemagick wine wine64
test-dist:
	@scripts/install-deps.sh $(DIST_TEST_PACKAGES)
	$(GO) test -count=1 ./packaging/distgen/ ./internal/buildinfo/
	$(MAKE) --no-print-directory dist
	GO=$(GO) NFPM=$(NFPM) scripts/with-pulse.sh scripts/dist/test.sh dist artifacts/dist $(TAGS)

clean:
	rm -rf $(BIN) $(BIN).exe artifacts MediaDesk.tar.xz build/wine build/dist dist
