package gui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openTestPrefs opens the settings at dir/preferences.json, with Fyne's
// file at dir/fyne/preferences.json, and returns what it said on stderr.
func openTestPrefs(t *testing.T, dir string) (*Prefs, *bytes.Buffer) {
	t.Helper()
	var stderr bytes.Buffer
	p := OpenPrefs(filepath.Join(dir, "preferences.json"), filepath.Join(dir, "fyne", "preferences.json"), &stderr)
	// Its writer done before the folder is removed.
	t.Cleanup(func() { p.Flush() })
	return p, &stderr
}

// typed is the stored value of key with its Go type, as a reopened store
// holds it.
func typed(p *Prefs, key string) any {
	v, _ := p.get(key)
	return v
}

// Every type goes to the file and comes back as the same type and value:
// an int stays an int (not a float64, as JSON alone would make it), a list
// of ints a list of ints, an empty list an empty list.
func TestPrefsRoundTripEveryType(t *testing.T) {
	dir := t.TempDir()
	p, stderr := openTestPrefs(t, dir)
	want := map[string]any{
		"bool":        true,
		"boolFalse":   false,
		"boolList":    []bool{true, false, true},
		"float":       0.1,
		"floatWhole":  640.0,
		"floatHuge":   1e300,
		"floatTiny":   -5e-324,
		"floatInf":    math.Inf(1),
		"floatNegInf": math.Inf(-1),
		"floatList":   []float64{1.5, 2, -0.25, math.Inf(-1)},
		"int":         640,
		"intBig":      math.MaxInt64,
		"intNeg":      math.MinInt64,
		"intList":     []int{1, 2, 1 << 60},
		"intListNil":  []int{},
		"string":      "Blue Yeti — «USB» \x1b[2J \u202e",
		"stringEmpty": "",
		"stringList":  []string{"a", "", "ü"},
		"stringNone":  []string{},
	}
	p.SetBool("bool", true)
	p.SetBool("boolFalse", false)
	p.SetBoolList("boolList", []bool{true, false, true})
	p.SetFloat("float", 0.1)
	p.SetFloat("floatWhole", 640)
	p.SetFloat("floatHuge", 1e300)
	p.SetFloat("floatTiny", -5e-324)
	p.SetFloat("floatInf", math.Inf(1))
	p.SetFloat("floatNegInf", math.Inf(-1))
	p.SetFloat("floatNaN", math.NaN())
	p.SetFloatList("floatList", []float64{1.5, 2, -0.25, math.Inf(-1)})
	p.SetInt("int", 640)
	p.SetInt("intBig", math.MaxInt64)
	p.SetInt("intNeg", math.MinInt64)
	p.SetIntList("intList", []int{1, 2, 1 << 60})
	p.SetIntList("intListNil", nil)
	p.SetString("string", "Blue Yeti — «USB» \x1b[2J \u202e")
	p.SetString("stringEmpty", "")
	p.SetStringList("stringList", []string{"a", "", "ü"})
	p.SetStringList("stringNone", nil)
	require.NoError(t, p.Flush())
	assert.Empty(t, stderr.String())

	q, stderr := openTestPrefs(t, dir)
	assert.Empty(t, stderr.String())
	for k, v := range want {
		assert.Equal(t, v, typed(q, k), k)
	}
	assert.True(t, math.IsNaN(q.Float("floatNaN")))
	assert.Len(t, q.values, len(want)+1)

	// Through the getters, as Fyne's read: an int for a float and back.
	assert.Equal(t, 640, q.Int("int"))
	assert.Equal(t, 640.0, q.Float("int"))
	assert.Equal(t, 640, q.Int("floatWhole"))
	assert.Equal(t, []float64{1, 2, 1 << 60}, q.FloatList("intList"))
	assert.Equal(t, []int{}, q.IntList("intListNil"))
	assert.Equal(t, "fallback", q.StringWithFallback("int", "fallback"), "a value of another type is the fallback")
	assert.Equal(t, 7, q.IntWithFallback("missing", 7))
	assert.Equal(t, []string{"x"}, q.StringListWithFallback("missing", []string{"x"}))
	assert.Equal(t, []bool{}, q.BoolList("missing"))

	// The file says each value's type, in words a person can read.
	b, err := os.ReadFile(filepath.Join(dir, "preferences.json"))
	require.NoError(t, err)
	assert.Contains(t, string(b), `"int": {`+"\n"+`      "int": 640`)
	assert.Contains(t, string(b), `"floatWhole": {`+"\n"+`      "float": 640`)
	assert.Contains(t, string(b), `"mediadeskPreferences": 1`)
}

// A list handed to a setter, or returned by a getter, is not the store's
// own: changing it afterwards changes nothing saved.
func TestPrefsListsAreCopies(t *testing.T) {
	p, _ := openTestPrefs(t, t.TempDir())
	in := []string{"a", "b"}
	p.SetStringList("l", in)
	in[0] = "changed"
	out := p.StringList("l")
	out[1] = "changed too"
	assert.Equal(t, []string{"a", "b"}, p.StringList("l"))
}

// The listeners are called after each change, in the caller's goroutine,
// and see the new value; setting the value it has already is no change.
func TestPrefsChangeListeners(t *testing.T) {
	p, _ := openTestPrefs(t, t.TempDir())
	var seen []string
	p.AddChangeListener(func() { seen = append(seen, p.String("k")) })
	assert.Len(t, p.ChangeListeners(), 1)

	p.SetString("k", "one")
	p.SetString("k", "one")
	p.SetString("k", "two")
	p.SetStringList("l", []string{"x"})
	p.SetStringList("l", []string{"x"})
	p.SetFloat("nan", math.NaN())
	p.SetFloat("nan", math.NaN())
	p.SetInt("n", 1)
	p.SetFloat("n", 1) // another type: a change
	p.RemoveValue("k")
	p.RemoveValue("k") // gone already: no change
	assert.Equal(t, []string{"one", "two", "two", "two", "two", "two", ""}, seen)
}

// Changes from many goroutines at once all reach the file (run with
// -race).
func TestPrefsConcurrentChangesAllSaved(t *testing.T) {
	dir := t.TempDir()
	p, stderr := openTestPrefs(t, dir)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				p.SetInt(string(rune('a'+g)), i)
				p.String("x")
			}
		}()
	}
	wg.Wait()
	require.NoError(t, p.Flush())
	assert.Empty(t, stderr.String())
	q, _ := openTestPrefs(t, dir)
	for g := range 8 {
		assert.Equal(t, 49, typed(q, string(rune('a'+g))))
	}
	// No temporary file is left beside it.
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"preferences.json"}, names)
}

// A file that is not a whole settings file is said on stderr, kept aside
// as it was, and the defaults are used; the next change writes a new file
// and leaves the kept one alone.
func TestPrefsBrokenFileKeptAside(t *testing.T) {
	for name, content := range map[string]string{
		"empty (a save cut short)": "",
		"half written":             `{"mediadeskPreferences": 1, "values": {"a": {"int": 1}`,
		"not JSON":                 "garbage\n",
		"another format":           `{"mediadeskPreferences": 1, "values": {"a": 1}}`,
		"no type":                  `{"mediadeskPreferences": 1, "values": {"a": {}}}`,
		"two types":                `{"mediadeskPreferences": 1, "values": {"a": {"int": 1, "string": "x"}}}`,
		"an unknown type":          `{"mediadeskPreferences": 1, "values": {"a": {"integer": 1}}}`,
		"a fraction as an int":     `{"mediadeskPreferences": 1, "values": {"a": {"int": 1.5}}}`,
		"a newer MediaDesk":        `{"mediadeskPreferences": 2, "values": {}}`,
		"Fyne's own format":        `{"background.keepRunning": true}`,
		"text after the end":       `{"mediadeskPreferences": 1, "values": {}} {}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "preferences.json")
			require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
			require.NoError(t, os.MkdirAll(filepath.Join(dir, "fyne"), 0o700))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "fyne", "preferences.json"), []byte(`{"a": 5}`), 0o600))

			p, stderr := openTestPrefs(t, dir)
			assert.Empty(t, p.values, "the defaults (not Fyne's old values either)")
			asides, err := filepath.Glob(path + ".broken-*")
			require.NoError(t, err)
			require.Len(t, asides, 1)
			kept, err := os.ReadFile(asides[0])
			require.NoError(t, err)
			assert.Equal(t, content, string(kept), "kept as it was")
			msg := stderr.String()
			assert.Contains(t, msg, "mediadesk: the settings file "+path+" cannot be used (")
			assert.Contains(t, msg, "it was kept as "+asides[0]+", and MediaDesk starts with the default settings")
			assert.Equal(t, 1, strings.Count(msg, "\n"), msg)

			p.SetBool("b", true)
			require.NoError(t, p.Flush())
			q, stderr := openTestPrefs(t, dir)
			assert.Empty(t, stderr.String())
			assert.Equal(t, true, typed(q, "b"))
			kept, err = os.ReadFile(asides[0])
			require.NoError(t, err)
			assert.Equal(t, content, string(kept))
		})
	}
}

// A file that cannot be read at all (here a folder where the file should
// be) is moved aside too, with the reason.
func TestPrefsUnreadableFileKeptAside(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "preferences.json")
	require.NoError(t, os.MkdirAll(filepath.Join(path, "inside"), 0o700))
	p, stderr := openTestPrefs(t, dir)
	// The system's own words for reading a folder differ ("is a
	// directory" here, "Incorrect function." on Windows).
	assert.Regexp(t, regexp.QuoteMeta("cannot be used (read "+path+": ")+`[^)]+`+
		regexp.QuoteMeta("): it was kept as "+path+".broken-"), stderr.String())
	p.SetInt("n", 3)
	require.NoError(t, p.Flush())
	asides, _ := filepath.Glob(path + ".broken-*")
	require.Len(t, asides, 1)
	assert.DirExists(t, filepath.Join(asides[0], "inside"))
	q, _ := openTestPrefs(t, dir)
	assert.Equal(t, 3, typed(q, "n"))
}

// A second broken file the same second gets a name of its own: the first
// kept one is not replaced.
func TestPrefsTwoBrokenFilesBothKept(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "preferences.json")
	for _, content := range []string{"first", "second"} {
		require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
		openTestPrefs(t, dir)
	}
	asides, _ := filepath.Glob(path + ".broken-*")
	var kept []string
	for _, a := range asides {
		b, err := os.ReadFile(a)
		require.NoError(t, err)
		kept = append(kept, string(b))
	}
	assert.ElementsMatch(t, []string{"first", "second"}, kept)
}

// fyneFile is a preferences.json as Fyne 2.8 writes it (json.Encoder of
// its map: a float64 for every number, lists untyped), with what a person
// of an earlier MediaDesk has in it.
const fyneFile = `{"account.appID":"app123","background.keepRunning":true,"camera.size.usb-cam":"640x480",` +
	`"fyne:fileDialogViewLayout":1,"volume":0.75,"whole":3,"ints":[1,2,3],"floats":[1,2.5],"bools":[true,false],` +
	`"strings":["a","b"],"empty":[],"mixed":[1,"a"],"nested":{"a":1},"nothing":null}` + "\n"

// On the first run (no file of MediaDesk's own yet), the values come from
// Fyne's file, typed, and are saved at once; Fyne's file is only read.
// What is not a setting is named on stderr. Later runs read MediaDesk's
// file only.
func TestPrefsMigratedFromFyne(t *testing.T) {
	dir := t.TempDir()
	fyneDir := filepath.Join(dir, "fyne")
	require.NoError(t, os.MkdirAll(fyneDir, 0o700))
	fynePath := filepath.Join(fyneDir, "preferences.json")
	require.NoError(t, os.WriteFile(fynePath, []byte(fyneFile), 0o600))
	before, err := os.Stat(fynePath)
	require.NoError(t, err)

	p, stderr := openTestPrefs(t, dir)
	assert.Equal(t, "mediadesk: these settings in "+fynePath+" are not values MediaDesk keeps and were not taken over: mixed, nested, nothing\n", stderr.String())
	require.NoError(t, p.Flush())
	want := map[string]any{
		"account.appID":             "app123",
		"background.keepRunning":    true,
		"camera.size.usb-cam":       "640x480",
		"fyne:fileDialogViewLayout": 1,
		"volume":                    0.75,
		"whole":                     3,
		"ints":                      []int{1, 2, 3},
		"floats":                    []float64{1, 2.5},
		"bools":                     []bool{true, false},
		"strings":                   []string{"a", "b"},
		"empty":                     []string{},
	}
	q, stderr := openTestPrefs(t, dir)
	assert.Empty(t, stderr.String(), "said once")
	assert.Equal(t, want, q.values)
	assert.Equal(t, 3.0, q.Float("whole"), "a float Fyne kept whole still reads as a float")

	after, err := os.Stat(fynePath)
	require.NoError(t, err)
	assert.Equal(t, before.ModTime(), after.ModTime())
	b, err := os.ReadFile(fynePath)
	require.NoError(t, err)
	assert.Equal(t, fyneFile, string(b), "Fyne's file is left as it was")

	// A change is MediaDesk's alone; Fyne's file is not read again.
	q.SetBool("background.keepRunning", false)
	require.NoError(t, q.Flush())
	r, _ := openTestPrefs(t, dir)
	assert.False(t, r.BoolWithFallback("background.keepRunning", true))
}

// Fyne's file left empty by a save cut short (its EOF) or half written:
// said once, the defaults used, Fyne's file kept aside as it was (Fyne,
// which reads it at every start, said "Preferences load error" about it
// each time).
func TestPrefsBrokenFyneFile(t *testing.T) {
	for name, content := range map[string]string{"empty": "", "half written": `{"account.appID":"ap`, "a list": "[1]"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			fynePath := filepath.Join(dir, "fyne", "preferences.json")
			require.NoError(t, os.MkdirAll(filepath.Dir(fynePath), 0o700))
			require.NoError(t, os.WriteFile(fynePath, []byte(content), 0o600))
			p, stderr := openTestPrefs(t, dir)
			assert.Empty(t, p.values)
			asides, err := filepath.Glob(fynePath + ".broken-*")
			require.NoError(t, err)
			require.Len(t, asides, 1)
			assert.Contains(t, stderr.String(), "mediadesk: the settings of the earlier MediaDesk in "+fynePath+" cannot be read (")
			assert.Contains(t, stderr.String(), "): MediaDesk starts with the default settings; the file was kept as "+asides[0]+"\n")
			assert.NoFileExists(t, fynePath)
			b, err := os.ReadFile(asides[0])
			require.NoError(t, err)
			assert.Equal(t, content, string(b))
			require.NoError(t, p.Flush())
			_, stderr = openTestPrefs(t, dir)
			assert.Empty(t, stderr.String(), "said once")
		})
	}
}

// With no earlier settings at all, nothing is written until a change.
func TestPrefsFirstRunWritesNothingUntilAChange(t *testing.T) {
	dir := t.TempDir()
	p, stderr := openTestPrefs(t, dir)
	require.NoError(t, p.Flush())
	assert.Empty(t, stderr.String())
	assert.NoFileExists(t, filepath.Join(dir, "preferences.json"))
	p.SetString("k", "v")
	require.NoError(t, p.Flush())
	assert.FileExists(t, filepath.Join(dir, "preferences.json"))
}

// The file is valid JSON whatever the keys and strings hold.
func TestPrefsFileIsJSON(t *testing.T) {
	dir := t.TempDir()
	p, _ := openTestPrefs(t, dir)
	p.SetString("\"quoted\"\n\x00key", "\xff not UTF-8")
	require.NoError(t, p.Flush())
	b, err := os.ReadFile(filepath.Join(dir, "preferences.json"))
	require.NoError(t, err)
	assert.True(t, json.Valid(b))
	q, stderr := openTestPrefs(t, dir)
	assert.Empty(t, stderr.String())
	assert.Equal(t, "\ufffd not UTF-8", q.String("\"quoted\"\n\x00key"), "JSON has no invalid UTF-8: replaced, as encoding/json does")
}

// The app's preferences, through the provider, are the Prefs: what the
// window and Fyne's own dialogs set goes to MediaDesk's file.
func TestPrefsAreTheAppsPreferences(t *testing.T) {
	a := test.NewTempApp(t)
	t.Setenv("TMPDIR", t.TempDir()) // the test app's storage: no Fyne file there
	t.Setenv("MEDIADESK_PREFERENCES", filepath.Join(t.TempDir(), "preferences.json"))
	var stderr bytes.Buffer
	p := usePrefs(a, &stderr)
	require.Same(t, p, a.Preferences().(*Prefs))
	var fired int
	a.Preferences().AddChangeListener(func() { fired++ })
	fyne.CurrentApp().Preferences().SetString(keepRunningKey, "x")
	assert.Equal(t, 1, fired)
	flushPrefs(a)
	q := OpenPrefs(DefaultPrefsPath(), "", &stderr)
	assert.Equal(t, "x", q.String(keepRunningKey))
	assert.Empty(t, stderr.String())
}

// BenchmarkPrefsSave is one change saved to the disk (a settings file of
// 30 values: the temporary file written, synced and renamed): what a
// change costs the writer goroutine, never the setter.
func BenchmarkPrefsSave(b *testing.B) {
	dir := b.TempDir()
	p := OpenPrefs(filepath.Join(dir, "preferences.json"), "", os.Stderr)
	for i := range 30 {
		p.SetString(fmt.Sprintf("device.key%d", i), `{"deviceId":"alsa_input.usb-Blue_Microphones_Yeti","label":"Yeti Stereo Microphone"}`)
	}
	require.NoError(b, p.Flush())
	b.ResetTimer()
	for i := range b.N {
		p.SetInt("n", i)
		p.Flush()
	}
}
