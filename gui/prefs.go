package gui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/printable"
)

// MediaDesk keeps the window's settings (the account, the chosen devices,
// "Keep running", camera sizes, the Network card's settings, and what
// Fyne's own dialogs remember) in a file of its own, not in Fyne's
// preferences store: Fyne 2.8 saves by truncating its preferences.json and
// writing it again, on every change and at exit, while a watcher of its
// own reloads that file (fyne-io/fyne#2936): a reload of the half-written
// file said "Preferences load error: EOF", and a crash or power loss in the
// middle left an empty file and every setting lost. Prefs writes a whole
// new file beside the old and renames it over (devices.WriteFileAtomic).

// prefsFormat is the file's format version: {"mediadeskPreferences": 1,
// "values": {key: {type: value}}}.
const prefsFormat = 1

// DefaultPrefsPath is MEDIADESK_PREFERENCES, else preferences.json in
// MediaDesk's config folder (beside rules.json and the history).
func DefaultPrefsPath() string {
	return devices.ConfigPath("MEDIADESK_PREFERENCES", "preferences.json")
}

// Prefs is MediaDesk's fyne.Preferences: the values in memory, saved to a
// JSON file whole or not at all. Each change is saved in the background by
// one writer at a time (changes made while it writes are saved together
// next), so a setter never waits for the disk; Flush waits for the file.
// The values keep their types: an int stays an int, a list of floats a list
// of floats. Safe for concurrent use.
type Prefs struct {
	path   string
	stderr io.Writer

	mu        sync.Mutex
	values    map[string]any // bool, int, float64, string, or a []bool, []int, []float64, []string
	listeners []func()
	changes   uint64        // bumped by every change
	saved     uint64        // the changes the file holds
	writing   bool          // a writer goroutine runs
	idle      chan struct{} // closed when that writer ends
	noSave    bool          // the broken file could not be moved aside: never overwritten
	failing   bool          // the last save failed (said once, until one works)
}

var _ fyne.Preferences = (*Prefs)(nil)

// OpenPrefs loads the settings saved at path. Nothing there yet (the first
// run of a MediaDesk with this file): the values are taken from Fyne's
// preferences file at fynePath, which is left as it is, so a person's
// settings carry over (a Fyne file that cannot be read is moved aside, as
// below). A file that cannot be read or is not a settings file is said on
// stderr, moved aside (path.broken-DATE) and the defaults are used; it is
// never overwritten.
func OpenPrefs(path, fynePath string, stderr io.Writer) *Prefs {
	p := &Prefs{path: path, stderr: stderr, values: map[string]any{}}
	b, err := devices.ReadConfigFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		p.migrate(fynePath)
		return p
	case err == nil:
		err = decodePrefs(b, p.values)
		if err == nil {
			return p
		}
		clear(p.values)
	}
	aside, rerr := moveAside(path)
	if rerr != nil {
		p.noSave = true
		p.say("the settings file %s cannot be used (%v) and could not be moved aside (%v): MediaDesk uses the default settings and does not save changes to them, so the file stays as it is",
			path, err, rerr)
		return p
	}
	p.say("the settings file %s cannot be used (%v): it was kept as %s, and MediaDesk starts with the default settings", path, err, aside)
	return p
}

// say writes a message on stderr, made printable (paths and errors come
// from outside).
func (p *Prefs) say(format string, args ...any) {
	fmt.Fprintln(p.stderr, "mediadesk:", printable.String(fmt.Sprintf(format, args...)))
}

// moveAside renames the broken file at path to a free path.broken-DATE
// name and returns that name.
func moveAside(path string) (string, error) {
	base := path + ".broken-" + time.Now().Format("20060102-150405")
	// A name taken (a file broken the same second) gets a number, and is
	// never replaced; a name that cannot be looked at is tried, and the
	// rename says why not.
	for i := 1; i <= 100; i++ {
		aside := base
		if i > 1 {
			aside = fmt.Sprintf("%s-%d", base, i)
		}
		if _, err := os.Lstat(aside); err != nil {
			return aside, os.Rename(path, aside)
		}
	}
	return "", fmt.Errorf("%s-2 … -100 are all taken", base)
}

// migrate takes the values from Fyne's preferences file at fynePath (its
// JSON object, where every number is a float64 and a list has no type of
// its own) and saves them in MediaDesk's file at once, so this happens
// once. Fyne's file is only read; one that cannot be read is moved aside.
func (p *Prefs) migrate(fynePath string) {
	if fynePath == "" {
		return
	}
	b, err := devices.ReadConfigFile(fynePath)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	var raw map[string]any
	if err == nil {
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		err = d.Decode(&raw)
		if errors.Is(err, io.EOF) {
			err = errors.New("the file is empty")
		}
	}
	if err != nil {
		// Fyne reads its file at every start, before MediaDesk can stop
		// it, and says "Preferences load error" about one it cannot read
		// (an empty one, left by its own save cut short): moved aside, it
		// is said this once. Fyne would start with nothing from it either.
		if aside, rerr := moveAside(fynePath); rerr == nil {
			p.say("the settings of the earlier MediaDesk in %s cannot be read (%v): MediaDesk starts with the default settings; the file was kept as %s", fynePath, err, aside)
		} else {
			p.say("the settings of the earlier MediaDesk in %s cannot be read (%v): MediaDesk starts with the default settings", fynePath, err)
		}
		p.mu.Lock()
		p.changed() // an empty file of ours: this is said once
		p.mu.Unlock()
		return
	}
	var skipped []string
	for k, v := range raw {
		if tv, ok := fromFyne(v); ok {
			p.values[k] = tv
		} else {
			skipped = append(skipped, k)
		}
	}
	if len(skipped) > 0 {
		sort.Strings(skipped)
		p.say("these settings in %s are not values MediaDesk keeps and were not taken over: %s", fynePath, strings.Join(skipped, ", "))
	}
	p.mu.Lock()
	p.changed()
	p.mu.Unlock()
}

// fromFyne is a value of Fyne's file as MediaDesk keeps it: a number that
// is whole is an int (Fyne's getters, like these, read an int as a float
// and a float as an int), a list a typed list. An empty list is kept as an
// empty list of strings (Fyne's type is lost too). Nested objects, nulls
// and lists of mixed types are not settings and are left out.
func fromFyne(v any) (any, bool) {
	switch v := v.(type) {
	case bool, string:
		return v, true
	case json.Number:
		return fromNumber(v)
	case []any:
		if len(v) == 0 {
			return []string{}, true
		}
		switch v[0].(type) {
		case bool:
			return listOf[bool](v)
		case string:
			return listOf[string](v)
		case json.Number:
			ints := make([]int, 0, len(v))
			floats := make([]float64, 0, len(v))
			for _, it := range v {
				n, ok := it.(json.Number)
				if !ok {
					return nil, false
				}
				x, ok := fromNumber(n)
				if !ok {
					return nil, false
				}
				switch x := x.(type) {
				case int:
					ints = append(ints, x)
					floats = append(floats, float64(x))
				case float64:
					floats = append(floats, x)
				}
			}
			if len(ints) == len(v) {
				return ints, true
			}
			return floats, true
		}
	}
	return nil, false
}

func fromNumber(n json.Number) (any, bool) {
	if i, err := strconv.ParseInt(string(n), 10, strconv.IntSize); err == nil {
		return int(i), true
	}
	f, err := n.Float64()
	if err != nil {
		return nil, false
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return int(f), true // 640.0, as Fyne writes a whole float64
	}
	return f, true
}

func listOf[T any](v []any) (any, bool) {
	out := make([]T, len(v))
	for i, it := range v {
		t, ok := it.(T)
		if !ok {
			return nil, false
		}
		out[i] = t
	}
	return out, true
}

// prefsFile is the file's shape.
type prefsFile struct {
	Format int                  `json:"mediadeskPreferences"`
	Values map[string]prefEntry `json:"values"`
}

// prefEntry is one value: exactly one field is set, which names its type.
type prefEntry struct {
	Bool       *bool        `json:"bool,omitempty"`
	BoolList   *[]bool      `json:"boolList,omitempty"`
	Float      *prefFloat   `json:"float,omitempty"`
	FloatList  *[]prefFloat `json:"floatList,omitempty"`
	Int        *int         `json:"int,omitempty"`
	IntList    *[]int       `json:"intList,omitempty"`
	String     *string      `json:"string,omitempty"`
	StringList *[]string    `json:"stringList,omitempty"`
}

// prefFloat is a float64 in the file: a JSON number, or "NaN", "+Inf",
// "-Inf", which JSON has no numbers for.
type prefFloat float64

func (f prefFloat) MarshalJSON() ([]byte, error) {
	x := float64(f)
	switch {
	case math.IsNaN(x):
		return []byte(`"NaN"`), nil
	case math.IsInf(x, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(x, -1):
		return []byte(`"-Inf"`), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

func (f *prefFloat) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"NaN"`:
		*f = prefFloat(math.NaN())
		return nil
	case `"+Inf"`:
		*f = prefFloat(math.Inf(1))
		return nil
	case `"-Inf"`:
		*f = prefFloat(math.Inf(-1))
		return nil
	}
	var x float64
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*f = prefFloat(x)
	return nil
}

// toEntry is v in the file; false for a type the store does not keep (set
// stores none).
func toEntry(v any) (prefEntry, bool) {
	switch v := v.(type) {
	case bool:
		return prefEntry{Bool: &v}, true
	case []bool:
		return prefEntry{BoolList: &v}, true
	case float64:
		f := prefFloat(v)
		return prefEntry{Float: &f}, true
	case []float64:
		fs := make([]prefFloat, len(v))
		for i, x := range v {
			fs[i] = prefFloat(x)
		}
		return prefEntry{FloatList: &fs}, true
	case int:
		return prefEntry{Int: &v}, true
	case []int:
		return prefEntry{IntList: &v}, true
	case string:
		return prefEntry{String: &v}, true
	case []string:
		return prefEntry{StringList: &v}, true
	}
	return prefEntry{}, false
}

// value is the entry's value, or an error when it has no type or two.
func (e prefEntry) value() (any, error) {
	var vs []any
	if e.Bool != nil {
		vs = append(vs, *e.Bool)
	}
	if e.BoolList != nil {
		vs = append(vs, *e.BoolList)
	}
	if e.Float != nil {
		vs = append(vs, float64(*e.Float))
	}
	if e.FloatList != nil {
		fs := make([]float64, len(*e.FloatList))
		for i, x := range *e.FloatList {
			fs[i] = float64(x)
		}
		vs = append(vs, fs)
	}
	if e.Int != nil {
		vs = append(vs, *e.Int)
	}
	if e.IntList != nil {
		vs = append(vs, *e.IntList)
	}
	if e.String != nil {
		vs = append(vs, *e.String)
	}
	if e.StringList != nil {
		vs = append(vs, *e.StringList)
	}
	if len(vs) != 1 {
		return nil, errors.New("not exactly one of bool, boolList, float, floatList, int, intList, string, stringList")
	}
	return vs[0], nil
}

// encodePrefs is the file's text for values.
func encodePrefs(values map[string]any) ([]byte, error) {
	f := prefsFile{Format: prefsFormat, Values: make(map[string]prefEntry, len(values))}
	for k, v := range values {
		e, ok := toEntry(v)
		if !ok {
			return nil, fmt.Errorf("the setting %q has a value of type %T", k, v)
		}
		f.Values[k] = e
	}
	b, err := json.MarshalIndent(f, "", "  ")
	return append(b, '\n'), err
}

// decodePrefs reads a settings file into values; anything but a whole,
// well-formed file of this format is an error saying what is wrong.
func decodePrefs(b []byte, values map[string]any) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return errors.New("the file is empty")
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var f prefsFile
	if err := d.Decode(&f); err != nil {
		return fmt.Errorf("not a MediaDesk settings file: %w", err)
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return errors.New("not a MediaDesk settings file: more text after its end")
	}
	if f.Format != prefsFormat {
		if f.Format > prefsFormat {
			return fmt.Errorf("written by a newer MediaDesk (format %d; this one reads %d)", f.Format, prefsFormat)
		}
		return errors.New(`not a MediaDesk settings file: no "mediadeskPreferences": 1`)
	}
	for k, e := range f.Values {
		v, err := e.value()
		if err != nil {
			return fmt.Errorf("the setting %q: %w", k, err)
		}
		values[k] = v
	}
	return nil
}

// changed records a change and starts the writer if none runs. p.mu held.
func (p *Prefs) changed() {
	p.changes++
	if p.writing || p.noSave {
		return
	}
	p.writing = true
	p.idle = make(chan struct{})
	go p.writer()
}

// writer saves until the file holds the last change.
func (p *Prefs) writer() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.saved != p.changes {
		n := p.changes
		b, err := encodePrefs(p.values)
		p.mu.Unlock()
		if err == nil {
			err = devices.WriteFileAtomic(p.path, ".preferences-*.json", b)
		}
		p.mu.Lock()
		p.saved = n // a failure is tried again at the next change, or in Flush
		p.result(err)
	}
	p.writing = false
	close(p.idle)
}

// result notes a save's outcome: a failure is said once (until a save
// works), not at every change. p.mu held.
func (p *Prefs) result(err error) {
	if err == nil {
		p.failing = false
		return
	}
	if !p.failing {
		p.failing = true
		p.say("the settings could not be saved to %s (%v): they stay as they are until MediaDesk quits, and saving is tried again at the next change", p.path, err)
	}
}

// Flush waits until the file holds every change made so far, and tries a
// failed save once more. MediaDesk calls it before it exits. It returns
// the last save's error.
func (p *Prefs) Flush() error {
	p.mu.Lock()
	if p.writing {
		idle := p.idle
		p.mu.Unlock()
		<-idle
		p.mu.Lock()
	}
	defer p.mu.Unlock()
	if !p.failing || p.noSave {
		return nil
	}
	b, err := encodePrefs(p.values)
	if err == nil {
		err = devices.WriteFileAtomic(p.path, ".preferences-*.json", b)
	}
	p.result(err)
	return err
}

// Path is the file the settings are saved to.
func (p *Prefs) Path() string { return p.path }

// set stores v (one of the kept types, a list already copied) and, when it
// changed, saves and calls the listeners, as Fyne's store does: after the
// value is stored, in the caller's goroutine.
func (p *Prefs) set(key string, v any) {
	p.mu.Lock()
	if old, ok := p.values[key]; ok && sameValue(old, v) {
		p.mu.Unlock()
		return
	}
	p.values[key] = v
	p.changed()
	p.mu.Unlock()
	p.fire()
}

func (p *Prefs) fire() {
	p.mu.Lock()
	ls := slices.Clone(p.listeners)
	p.mu.Unlock()
	for _, l := range ls {
		l()
	}
}

// sameValue says whether a and b are the same value of the same type
// (NaN is the same as NaN: setting it again is no change).
func sameValue(a, b any) bool {
	switch a := a.(type) {
	case float64:
		b, ok := b.(float64)
		return ok && (a == b || math.IsNaN(a) && math.IsNaN(b))
	case []bool:
		b, ok := b.([]bool)
		return ok && slices.Equal(a, b)
	case []int:
		b, ok := b.([]int)
		return ok && slices.Equal(a, b)
	case []float64:
		b, ok := b.([]float64)
		return ok && slices.EqualFunc(a, b, func(x, y float64) bool { return sameValue(x, y) })
	case []string:
		b, ok := b.([]string)
		return ok && slices.Equal(a, b)
	}
	return a == b
}

func (p *Prefs) get(key string) (any, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v, ok := p.values[key]
	return v, ok
}

// nonNil is a copy of list, never nil (saved as [], not null).
func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return slices.Clone(list)
}

// The fyne.Preferences methods. The getters read as Fyne's do: an int for
// a float and a float for an int; a value of another type is the fallback.
// A list returned is the caller's own copy.

// AddChangeListener adds a function called after every change.
func (p *Prefs) AddChangeListener(l func()) {
	p.mu.Lock()
	p.listeners = append(p.listeners, l)
	p.mu.Unlock()
}

// ChangeListeners returns the listeners added.
func (p *Prefs) ChangeListeners() []func() {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.listeners)
}

// RemoveValue removes key; the listeners are called when it was there.
func (p *Prefs) RemoveValue(key string) {
	p.mu.Lock()
	if _, ok := p.values[key]; !ok {
		p.mu.Unlock()
		return
	}
	delete(p.values, key)
	p.changed()
	p.mu.Unlock()
	p.fire()
}

func (p *Prefs) Bool(key string) bool { return p.BoolWithFallback(key, false) }

func (p *Prefs) BoolWithFallback(key string, fallback bool) bool { return valueOf(p, key, fallback) }

func (p *Prefs) SetBool(key string, value bool) { p.set(key, value) }

func (p *Prefs) BoolList(key string) []bool { return p.BoolListWithFallback(key, []bool{}) }

func (p *Prefs) BoolListWithFallback(key string, fallback []bool) []bool {
	return listOfType(p, key, fallback)
}

func (p *Prefs) SetBoolList(key string, value []bool) { p.set(key, nonNil(value)) }

func (p *Prefs) Float(key string) float64 { return p.FloatWithFallback(key, 0) }

func (p *Prefs) FloatWithFallback(key string, fallback float64) float64 {
	return number(p, key, fallback)
}

func (p *Prefs) SetFloat(key string, value float64) { p.set(key, value) }

func (p *Prefs) FloatList(key string) []float64 { return p.FloatListWithFallback(key, []float64{}) }

func (p *Prefs) FloatListWithFallback(key string, fallback []float64) []float64 {
	return numbers(p, key, fallback)
}

func (p *Prefs) SetFloatList(key string, value []float64) { p.set(key, nonNil(value)) }

func (p *Prefs) Int(key string) int { return p.IntWithFallback(key, 0) }

func (p *Prefs) IntWithFallback(key string, fallback int) int { return number(p, key, fallback) }

func (p *Prefs) SetInt(key string, value int) { p.set(key, value) }

func (p *Prefs) IntList(key string) []int { return p.IntListWithFallback(key, []int{}) }

func (p *Prefs) IntListWithFallback(key string, fallback []int) []int {
	return numbers(p, key, fallback)
}

func (p *Prefs) SetIntList(key string, value []int) { p.set(key, nonNil(value)) }

func (p *Prefs) String(key string) string { return p.StringWithFallback(key, "") }

func (p *Prefs) StringWithFallback(key, fallback string) string { return valueOf(p, key, fallback) }

func (p *Prefs) SetString(key string, value string) { p.set(key, value) }

func (p *Prefs) StringList(key string) []string { return p.StringListWithFallback(key, []string{}) }

func (p *Prefs) StringListWithFallback(key string, fallback []string) []string {
	return listOfType(p, key, fallback)
}

func (p *Prefs) SetStringList(key string, value []string) { p.set(key, nonNil(value)) }

// valueOf is key's value when it is a T, else fallback.
func valueOf[T any](p *Prefs, key string, fallback T) T {
	if v, ok := p.get(key); ok {
		if t, ok := v.(T); ok {
			return t
		}
	}
	return fallback
}

// listOfType is a copy of key's list when it is a []T, else fallback.
func listOfType[T any](p *Prefs, key string, fallback []T) []T {
	if v, ok := p.get(key); ok {
		if l, ok := v.([]T); ok {
			return slices.Clone(l)
		}
	}
	return fallback
}

// number is key's int or float as N (Fyne reads either as the other),
// else fallback.
func number[N int | float64](p *Prefs, key string, fallback N) N {
	if v, ok := p.get(key); ok {
		switch v := v.(type) {
		case int:
			return N(v)
		case float64:
			return N(v)
		}
	}
	return fallback
}

// numbers is a copy of key's int or float list as []N, else fallback.
func numbers[N int | float64](p *Prefs, key string, fallback []N) []N {
	if v, ok := p.get(key); ok {
		switch v := v.(type) {
		case []int:
			return convertAll[N](v)
		case []float64:
			return convertAll[N](v)
		}
	}
	return fallback
}

func convertAll[N, M int | float64](l []M) []N {
	out := make([]N, len(l))
	for i, x := range l {
		out[i] = N(x)
	}
	return out
}

// prefsProvider puts a Prefs in the place of the app's preferences. Fyne
// replaces an app's store only for a cloud provider that has preferences
// (fyne.CloudProviderPreferences; App.SetCloudProvider): then
// App.Preferences, and so Fyne's own dialogs too, use Prefs, and Fyne's
// store, which it no longer returns, is not saved at exit either (its
// exit save is for its own store only).
type prefsProvider struct{ p *Prefs }

func (prefsProvider) ProviderName() string { return "MediaDesk" }
func (prefsProvider) ProviderDescription() string {
	return "MediaDesk's settings, in a file of its own on this computer"
}
func (prefsProvider) ProviderIcon() fyne.Resource { return nil }
func (prefsProvider) Setup(fyne.App) error        { return nil }
func (prefsProvider) Cleanup(fyne.App)            {}
func (v prefsProvider) CloudPreferences(fyne.App) fyne.Preferences {
	return v.p
}

// usePrefs opens MediaDesk's settings (DefaultPrefsPath; the first time,
// with the values of Fyne's preferences file for this app) and makes them
// a's preferences.
func usePrefs(a fyne.App, stderr io.Writer) *Prefs {
	fynePath := ""
	if root := a.Storage().RootURI(); root != nil && root.Scheme() == "file" {
		fynePath = filepath.Join(filepath.FromSlash(root.Path()), "preferences.json")
	}
	p := OpenPrefs(DefaultPrefsPath(), fynePath, stderr)
	a.SetCloudProvider(prefsProvider{p})
	return p
}

// flushPrefs saves a's preferences (when they are MediaDesk's) before
// MediaDesk exits.
func flushPrefs(a fyne.App) {
	if p, ok := a.Preferences().(*Prefs); ok {
		p.Flush()
	}
}
