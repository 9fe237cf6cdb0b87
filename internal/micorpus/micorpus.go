// Package micorpus is the microphone verdict's labelled corpus: real
// recorded speech (Debian's asterisk-core-sounds-en-g722, decoded by
// scripts/corpus/fetch.sh) mixed with room noise synthesised here, plus
// digital silence, a microphone that dies, quiet, clipped and late speech.
// Each clip carries the verdict a person would expect. Tests only: devices
// runs every clip in-process, internal/cli a few through a pipe-source
// microphone into doctor.
package micorpus

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Rate is the clips' sample rate: the meter's.
const Rate = 48000

// The codes a clip may expect (devices' signal warnings, spelled here so
// this package needs nothing of devices).
const (
	NoSignal = "NO_SIGNAL"
	Clipping = "CLIPPING"
	TooQuiet = "TOO_QUIET"
	Noisy    = "NOISY"
)

// Clip is one labelled clip: mono float32 at Rate.
type Clip struct {
	Name    string
	Group   string   // what it is, for the confusion matrix
	Want    []string // the warnings a person expects at its end, sorted
	Samples []float32
	// Steady: the clip is the same kind of sound throughout, so the
	// verdict must not change once it has appeared (the hysteresis).
	Steady bool
}

// Speech is the decoded prompts, each at Rate and peak-normalised to 1.
type Speech struct {
	Names   []string
	Prompts [][]float32
}

// EnvDir names the directory fetch.sh decoded the prompts into.
const EnvDir = "MEDIADESK_CORPUS"

// ErrNoCorpus: the prompts have not been fetched (run `make corpus`).
var ErrNoCorpus = errors.New("the speech corpus is not fetched: run scripts/corpus/fetch.sh build/corpus and set " + EnvDir + " to the directory it prints")

// Load reads the prompts fetch.sh decoded (16 kHz s16le mono) from dir.
func Load(dir string) (*Speech, error) {
	if dir == "" {
		return nil, ErrNoCorpus
	}
	if _, err := os.Stat(filepath.Join(dir, ".decoded")); err != nil {
		return nil, fmt.Errorf("%w (%s has no complete decode)", ErrNoCorpus, dir)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.s16"))
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	sp := &Speech{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		x := make([]float32, len(b)/2)
		for i := range x {
			x[i] = float32(int16(binary.LittleEndian.Uint16(b[2*i:]))) / 32768
		}
		x = normalise(upsample3(x))
		if len(x) < Rate {
			continue
		}
		sp.Names = append(sp.Names, strings.TrimSuffix(filepath.Base(f), ".s16"))
		sp.Prompts = append(sp.Prompts, x)
	}
	if len(sp.Prompts) == 0 {
		return nil, fmt.Errorf("%w (no prompts in %s)", ErrNoCorpus, dir)
	}
	return sp, nil
}

// upsample3 takes 16 kHz to 48 kHz by linear interpolation (the prompts
// carry nothing above 7 kHz; the meter measures level, not spectrum).
func upsample3(x []float32) []float32 {
	out := make([]float32, 3*len(x))
	for i, v := range x {
		next := v
		if i+1 < len(x) {
			next = x[i+1]
		}
		out[3*i] = v
		out[3*i+1] = v + (next-v)/3
		out[3*i+2] = v + 2*(next-v)/3
	}
	return out
}

func normalise(x []float32) []float32 {
	var peak float32
	for _, v := range x {
		peak = max(peak, float32(math.Abs(float64(v))))
	}
	if peak > 0 {
		for i := range x {
			x[i] /= peak
		}
	}
	return x
}

func db(d float64) float64 { return math.Pow(10, d/20) }

// The noises a room adds, each made at RMS 1 (scaled by the mix).
type noise func(n int, r *rand.Rand) []float32

// white: a microphone's own hiss.
func white(n int, r *rand.Rand) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(r.NormFloat64())
	}
	return toRMS1(out)
}

// pink: 1/f noise (Paul Kellet's economy filter on white noise).
func pink(n int, r *rand.Rand) []float32 {
	out := make([]float32, n)
	var b0, b1, b2 float64
	for i := range out {
		w := r.NormFloat64()
		b0 = 0.99765*b0 + w*0.0990460
		b1 = 0.96300*b1 + w*0.2965164
		b2 = 0.57000*b2 + w*1.0526913
		out[i] = float32(b0 + b1 + b2 + w*0.1848)
	}
	return toRMS1(out)
}

// brown: 1/f² noise (leaky integrated white noise), a rumble.
func brown(n int, r *rand.Rand) []float32 {
	out := make([]float32, n)
	var b float64
	for i := range out {
		b = 0.998*b + 0.05*r.NormFloat64()
		out[i] = float32(b)
	}
	return toRMS1(highpass(out, 20))
}

// hum: mains hum at f (50 or 60 Hz) with its harmonics to the 9th, odd
// ones stronger (a transformer's or a ground loop's buzz).
func hum(f float64) noise {
	return func(n int, r *rand.Rand) []float32 {
		out := make([]float32, n)
		var phase [10]float64
		for h := range phase {
			phase[h] = r.Float64() * 2 * math.Pi
		}
		for i := range out {
			t := float64(i) / Rate
			v := 0.0
			for h := 1; h <= 9; h++ {
				a := 1 / float64(h)
				if h%2 == 0 {
					a /= 3
				}
				v += a * math.Sin(2*math.Pi*f*float64(h)*t+phase[h])
			}
			out[i] = float32(v)
		}
		return toRMS1(out)
	}
}

// fan: broadband noise, low-passed, with the blade-pass tone (120 Hz and
// harmonics) and a slow wobble.
func fan(n int, r *rand.Rand) []float32 {
	out := make([]float32, n)
	var lp float64
	for i := range out {
		t := float64(i) / Rate
		lp += 0.25 * (r.NormFloat64() - lp)
		blade := 0.3*math.Sin(2*math.Pi*120*t) + 0.15*math.Sin(2*math.Pi*240*t+1)
		out[i] = float32((lp + blade) * (1 + 0.1*math.Sin(2*math.Pi*0.7*t)))
	}
	return toRMS1(out)
}

func highpass(x []float32, hz float64) []float32 {
	a := 1 / (1 + 2*math.Pi*hz/Rate)
	var prevIn, prevOut float64
	for i, v := range x {
		o := a * (prevOut + float64(v) - prevIn)
		prevIn, prevOut = float64(v), o
		x[i] = float32(o)
	}
	return x
}

func toRMS1(x []float32) []float32 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	if rms := math.Sqrt(s / float64(len(x))); rms > 0 {
		for i := range x {
			x[i] = float32(float64(x[i]) / rms)
		}
	}
	return x
}

// The named noises, in the corpus's order.
var noises = []struct {
	name string
	make noise
}{
	{"pink", pink}, {"brown", brown}, {"hum50", hum(50)}, {"hum60", hum(60)}, {"fan", fan},
}

// speechAt lays prompt p at peak level peakDB into n samples starting at
// sample lead; continuous squeezes out its pauses (every 10 ms stretch
// 40 dB below its peak).
func speechAt(p []float32, n, lead int, peakDB float64, continuous bool) []float32 {
	if continuous {
		p = squeeze(p)
	}
	out := make([]float32, n)
	g := float32(db(peakDB))
	for i := lead; i < n; i++ {
		j := (i - lead) % len(p) // a short prompt starts again
		out[i] = g * p[j]
	}
	return out
}

func squeeze(p []float32) []float32 {
	const step = Rate / 100
	var out []float32
	for i := 0; i+step <= len(p); i += step {
		var s float64
		for _, v := range p[i : i+step] {
			s += float64(v) * float64(v)
		}
		if math.Sqrt(s/step) > db(-40) {
			out = append(out, p[i:i+step]...)
		}
	}
	return out
}

func mix(dst []float32, src []float32, gainDB float64) {
	g := float32(db(gainDB))
	for i := range dst {
		dst[i] += g * src[i]
	}
}

func clamp(x []float32) []float32 {
	for i, v := range x {
		x[i] = max(-1, min(1, v))
	}
	return x
}

// Each builds the corpus at one length (seconds: doctor's listen, or a
// longer one for the window's hysteresis) and hands each clip to visit in
// turn (a clip's samples are not kept). keep, if not nil, picks the clips
// to build: the others' samples are never made. The same length gives the
// same clips, whichever are kept (each has a random source of its own).
func (sp *Speech) Each(seconds float64, keep func(Clip) bool, visit func(Clip)) {
	n := int(seconds * Rate)
	seq := uint64(0)
	// add builds c's samples with build (given the clip's own random
	// source) if c is kept, and visits it.
	add := func(c Clip, build func(r *rand.Rand) []float32) {
		seq++
		slices.Sort(c.Want)
		if keep != nil && !keep(c) {
			return
		}
		c.Samples = clamp(build(rand.New(rand.NewPCG(uint64(seconds*1000), seq))))
		visit(c)
	}
	hiss := func(r *rand.Rand, d float64) []float32 {
		x := white(n, r)
		for i := range x {
			x[i] *= float32(db(d))
		}
		return x
	}
	room := func(r *rand.Rand, nz noise, d float64) []float32 {
		x := nz(n, r)
		for i := range x {
			x[i] *= float32(db(d))
		}
		return x
	}
	lead := func(i int) int { return []int{Rate / 10, 3 * Rate / 10, 6 * Rate / 10}[i%3] }
	prompt := func(i int) ([]float32, string) { j := i % len(sp.Prompts); return sp.Prompts[j], sp.Names[j] }

	// Clean speech at normal levels, with its own pauses, over a quiet
	// room: nothing to say.
	levels := []float64{-3, -8, -14, -20}
	for i := range sp.Prompts {
		for k := i % 2; k < len(levels); k += 2 {
			peak := levels[k]
			p, name := prompt(i)
			add(Clip{Name: fmt.Sprintf("%s@%gdB", name, peak), Group: "clean speech, pauses", Steady: true}, func(r *rand.Rand) []float32 {
				x := hiss(r, -75)
				if k%2 == 1 {
					mix(x, pink(n, r), -62) // a quiet office
				}
				mix(x, speechAt(p, n, lead(i+k), peak, false), 0)
				return x
			})
		}
	}
	// Running speech with no pauses at all: nothing to say (no pause, so
	// no noise floor to judge).
	for i := range sp.Prompts {
		p, name := prompt(i)
		add(Clip{Name: name + "/continuous", Group: "clean speech, continuous", Steady: true}, func(r *rand.Rand) []float32 {
			x := hiss(r, -75)
			mix(x, speechAt(p, n, 0, -6, true), 0)
			return x
		})
	}
	// Speech over a loud room: the pauses' floor at -40 to -30 dBFS RMS.
	i := 0
	for _, nz := range noises {
		for _, floor := range []float64{-40, -35, -30} {
			for _, peak := range []float64{-3, -10} {
				for rep := 0; rep < 2; rep++ {
					p, name := prompt(7*i + rep)
					at := Rate/2 + lead(i+rep) // a person waits a moment before talking: the room is heard
					add(Clip{Name: fmt.Sprintf("%s+%s%gdB@%gdB", name, nz.name, floor, peak), Group: "speech over noise ≥ -40 dBFS",
						Want: []string{Noisy}, Steady: true}, func(r *rand.Rand) []float32 {
						x := room(r, nz.make, floor)
						mix(x, hiss(r, -75), 0)
						mix(x, speechAt(p, n, at, peak, false), 0)
						return x
					})
					i++
				}
			}
		}
	}
	// Speech over a room below the threshold: nothing to say.
	for _, nz := range noises {
		for _, floor := range []float64{-60, -55} {
			for rep := 0; rep < 3; rep++ {
				p, name := prompt(11*i + rep)
				at := lead(i + rep)
				add(Clip{Name: fmt.Sprintf("%s+%s%gdB", name, nz.name, floor), Group: "speech over noise ≤ -55 dBFS", Steady: true}, func(r *rand.Rand) []float32 {
					x := room(r, nz.make, floor)
					mix(x, hiss(r, -75), 0)
					mix(x, speechAt(p, n, at, -6, false), 0)
					return x
				})
				i++
			}
		}
	}
	// A loud room where nobody speaks yet: the whole listen is pause.
	for _, nz := range noises {
		for _, floor := range []float64{-40, -30} {
			add(Clip{Name: fmt.Sprintf("room %s%gdB", nz.name, floor), Group: "loud room, nobody speaks", Want: []string{Noisy}, Steady: true}, func(r *rand.Rand) []float32 {
				x := room(r, nz.make, floor)
				mix(x, hiss(r, -75), 0)
				return x
			})
		}
	}
	// A quiet room where nobody speaks yet: nothing to say (not TOO_QUIET).
	for k, nz := range noises {
		add(Clip{Name: "room " + nz.name + " quiet", Group: "quiet room, nobody speaks", Steady: true}, func(r *rand.Rand) []float32 {
			x := room(r, nz.make, -65+float64(k))
			mix(x, hiss(r, -78), 0)
			return x
		})
	}
	// Digital silence: a muted-in-hardware or broken microphone.
	for k := range 4 {
		add(Clip{Name: fmt.Sprintf("digital silence after %d ms", k*100), Group: "digital silence", Want: []string{NoSignal}, Steady: true}, func(r *rand.Rand) []float32 {
			x := make([]float32, n)
			if k > 0 {
				// A stream that starts with some hiss, then zeros.
				copy(x, hiss(r, -80)[:k*Rate/10])
			}
			return x
		})
	}
	// A microphone that dies mid-listen: speech, then zeros from a moment
	// up to 1.9 s in (a 3 s listen still has a second of it left).
	for k := range 12 {
		p, name := prompt(5 * k)
		at := Rate/2 + k*Rate/8 // 0.5 s to 1.875 s
		add(Clip{Name: fmt.Sprintf("%s, dies at %d ms", name, at*1000/Rate), Group: "microphone dies mid-listen", Want: []string{NoSignal}}, func(r *rand.Rand) []float32 {
			x := hiss(r, -75)
			mix(x, speechAt(p, n, lead(k), -6, false), 0)
			clear(x[at:])
			return x
		})
	}
	// Quiet speech, its peaks at -45 dBFS over a quiet microphone's hiss.
	for i := range sp.Prompts {
		p, name := prompt(i)
		add(Clip{Name: name + "@-45dB", Group: "quiet speech (-45 dBFS peaks)", Want: []string{TooQuiet}, Steady: true}, func(r *rand.Rand) []float32 {
			x := hiss(r, -85)
			mix(x, speechAt(p, n, lead(i), -45, false), 0)
			return x
		})
	}
	// Clipped speech: the input gain 6 to 12 dB too hot.
	for i := range sp.Prompts {
		p, name := prompt(i)
		gain := 6.0 + float64(i%3)*3
		add(Clip{Name: fmt.Sprintf("%s@+%gdB", name, gain), Group: "clipped speech", Want: []string{Clipping}, Steady: true}, func(r *rand.Rand) []float32 {
			x := hiss(r, -70)
			mix(x, speechAt(p, n, lead(i), gain, false), 0)
			return x
		})
	}
	// A long pause before speaking: the room for most of the listen, then
	// the person starts; not TOO_QUIET, nothing else either.
	for k := range 10 {
		p, name := prompt(3 * k)
		start := n - Rate*(5+k%3)/10 // the last 0.5 to 0.7 s
		add(Clip{Name: fmt.Sprintf("%s after %d ms", name, start*1000/Rate), Group: "long pause, then speech"}, func(r *rand.Rand) []float32 {
			x := hiss(r, -75)
			if k%2 == 1 {
				mix(x, pink(n, r), -60)
			}
			mix(x, speechAt(p, n, start, -6, false), 0)
			return x
		})
	}
}

// Clips is the clips keep picks (see Each), kept: for a few (a test
// through a sound server).
func (sp *Speech) Clips(seconds float64, keep func(Clip) bool) []Clip {
	var out []Clip
	sp.Each(seconds, keep, func(c Clip) { out = append(out, c) })
	return out
}
