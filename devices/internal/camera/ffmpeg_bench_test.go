package camera

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// The same conversions by Debian's ffmpeg, as a process over the same
// frames, for the side-by-side figure (its per-frame cost is the
// practical limit). Each b.N iteration is one ffmpeg run over ffmpegFrames
// frames; cpu-ns/frame is ffmpeg's own user+system time divided by the
// frames (its -benchmark line), so start-up is included but amortised.
// Skipped without ffmpeg (`make bench-camera` installs it).

const ffmpegFrames = 120

var ffmpegBench = regexp.MustCompile(`bench: utime=([0-9.]+)s stime=([0-9.]+)s`)

func BenchmarkFFmpegYUYVToRGBA(b *testing.B) {
	frame := make([]byte, FrameBytes("YUYV", 1280, 720, 0))
	FillBars(frame, "YUYV", 1280, 720, 0, 0)
	benchFFmpeg(b, frame, "-f", "rawvideo", "-pix_fmt", "yuyv422", "-s", "1280x720")
}

func BenchmarkFFmpegNV12ToRGBA(b *testing.B) {
	frame := make([]byte, FrameBytes("NV12", 1280, 720, 0))
	FillBars(frame, "NV12", 1280, 720, 0, 0)
	benchFFmpeg(b, frame, "-f", "rawvideo", "-pix_fmt", "nv12", "-s", "1280x720")
}

func BenchmarkFFmpegMJPEGToRGBA(b *testing.B) {
	benchFFmpeg(b, stripDHT(b, encodeJPEG(b, benchPhoto())), "-f", "mjpeg")
}

func benchFFmpeg(b *testing.B, frame []byte, input ...string) {
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		b.Skip("ffmpeg is not installed")
	}
	in := filepath.Join(b.TempDir(), "frames")
	require := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	require(os.WriteFile(in, bytes.Repeat(frame, ffmpegFrames), 0o600))
	args := append([]string{"-hide_banner", "-nostdin", "-benchmark", "-threads", "1"}, input...)
	args = append(args, "-i", in, "-filter_threads", "1", "-pix_fmt", "rgba", "-f", "null", "-")
	var cpu float64
	for b.Loop() {
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			b.Fatalf("ffmpeg: %v\n%s", err, out)
		}
		m := ffmpegBench.FindSubmatch(out)
		if m == nil {
			b.Fatalf("no bench line in ffmpeg's output:\n%s", out)
		}
		u, _ := strconv.ParseFloat(string(m[1]), 64)
		s, _ := strconv.ParseFloat(string(m[2]), 64)
		cpu += u + s
	}
	b.ReportMetric(cpu*1e9/float64(b.N*ffmpegFrames), "cpu-ns/frame")
}
