package gui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zalando/go-keyring"

	"github.com/mediadesk/mediadesk/calls"
	"github.com/mediadesk/mediadesk/devices"
)

const (
	mic, spk, cam = devices.AudioInput, devices.AudioOutput, devices.VideoInput
)

func deskLists() devices.Lists {
	return devices.Lists{
		AudioInputDevices:  []devices.Info{dev(mic, "builtin-mic", "Built-in Microphone", "g-builtin", true), dev(mic, "usb-mic", "Yeti Stereo Microphone", "g-yeti", false)},
		AudioOutputDevices: []devices.Info{dev(spk, "builtin-spk", "Built-in Speakers", "g-builtin", true)},
		VideoInputDevices:  []devices.Info{dev(cam, "cam1", "Integrated Camera", "g-cam", true)},
	}
}

func TestPickersFollowHotPlugAndKeepTheSelection(t *testing.T) {
	fd := newFakeDevices(deskLists())
	h := startedHarness(t, fd)
	p := h.ui.devices.pickers[mic]
	assert.Equal(t, []string{"System default (Built-in Microphone)", "Built-in Microphone  · default", "Yeti Stereo Microphone"}, p.sel.Options)
	assert.Equal(t, 0, p.sel.SelectedIndex(), "follows the OS default at first")

	// The person picks the Yeti: it goes to the Manager and into Preferences.
	p.sel.SetSelectedIndex(2)
	assert.Equal(t, "usb-mic", fd.Preference(mic).DeviceID)
	var saved devices.Preference
	require.NoError(t, json.Unmarshal([]byte(h.app.Preferences().String(prefKey(mic))), &saved))
	assert.Equal(t, devices.Preference{DeviceID: "usb-mic", Label: "Yeti Stereo Microphone", GroupID: "g-yeti"}, saved)

	// A headset arrives: both its mic and its speaker, one physical device.
	l := deskLists()
	hsMic := dev(mic, "hs-mic", "USB Headset Mono", "g-hs", false)
	hsSpk := dev(spk, "hs-spk", "USB Headset", "g-hs", false)
	l.AudioInputDevices = append(l.AudioInputDevices, hsMic)
	l.AudioOutputDevices = append(l.AudioOutputDevices, hsSpk)
	fd.plug(l, hsMic, hsSpk)
	h.q.drain()
	assert.Contains(t, p.sel.Options, "USB Headset Mono")
	assert.Contains(t, h.ui.devices.pickers[spk].sel.Options, "USB Headset")
	assert.Equal(t, "Yeti Stereo Microphone", p.sel.Selected, "the selection survives the update")
	assert.Equal(t, []string{"USB Headset connected"}, h.notes, "one notification per physical device")
	assert.Empty(t, p.note.Text)

	// Unplugging the chosen mic visibly falls back to the default.
	l.AudioInputDevices = []devices.Info{l.AudioInputDevices[0], hsMic}
	fd.plug(l)
	h.q.drain()
	assert.Equal(t, 0, p.sel.SelectedIndex())
	assert.Contains(t, p.note.Text, "Yeti Stereo Microphone is not connected")
	assert.Len(t, h.notes, 1, "removals are not announced")

	// Plugged back in: restored, note gone, announced again.
	fd.plug(deskLists(), deskLists().AudioInputDevices[1])
	h.q.drain()
	assert.Equal(t, "Yeti Stereo Microphone", p.sel.Selected)
	assert.Empty(t, p.note.Text)
	assert.Equal(t, "Yeti Stereo Microphone connected", h.notes[len(h.notes)-1])
}

func TestPreferenceIsRestoredAtStart(t *testing.T) {
	fd := newFakeDevices(deskLists())
	h := newHarness(t, fd, Config{})
	h.app.Preferences().SetString(prefKey(mic), `{"deviceId":"usb-mic","label":"Yeti Stereo Microphone","groupId":"g-yeti"}`)
	// A preferred camera that is not plugged in: default active, and said so.
	h.app.Preferences().SetString(prefKey(cam), `{"deviceId":"gone","label":"Logitech BRIO"}`)
	h.start()
	assert.Equal(t, "Yeti Stereo Microphone", h.ui.devices.pickers[mic].sel.Selected)
	cp := h.ui.devices.pickers[cam]
	assert.Equal(t, 0, cp.sel.SelectedIndex())
	assert.Contains(t, cp.note.Text, "Logitech BRIO is not connected")
	assert.Equal(t, "gone", fd.Preference(cam).DeviceID, "the preference is kept for when it comes back")
}

// No sound server: said once, in the Check, with Look again (and Ctrl+R),
// not as a second banner.
func TestSoundServerErrorIsShownWithLookAgain(t *testing.T) {
	fd := newFakeDevices(devices.Lists{VideoInputDevices: deskLists().VideoInputDevices})
	fd.err = &devices.Error{Code: devices.CodeSoundServerUnavailable, Message: "no sound server"}
	h := startedHarness(t, fd)
	d := h.ui.devices
	assert.Equal(t, []string{devices.ProblemSoundServer}, checkCodes(d.check))
	require.Len(t, d.check.entries, 1, "said once")
	assert.Equal(t, "Look again", rowButton(d.check, 0).Text)
	assert.True(t, d.pickers[mic].sel.Disabled())
	assert.Equal(t, "Integrated Camera  · default", d.pickers[cam].sel.Options[1])

	fd.mu.Lock()
	fd.err = nil
	fd.lists = deskLists()
	fd.resolveLocked()
	fd.mu.Unlock()
	h.press(fyne.KeyR)
	h.q.until(t, "the finding to go", func() bool { return len(d.check.shown) == 0 })
	assert.Equal(t, 1, fd.refreshes)
	assert.False(t, d.pickers[mic].sel.Disabled())
}

func TestThrottleCoalescesToTheMeterRate(t *testing.T) {
	q := make(uiQueue, 10000)
	var applied []int
	th := newThrottle(time.Second/maxMeterRate, q.Do, func(v int) { applied = append(applied, v) })
	start := time.Now()
	for i := 1; i <= 2000; i++ {
		th.Put(i)
		if i%100 == 0 {
			time.Sleep(10 * time.Millisecond)
			q.drain()
		}
	}
	q.until(t, "the last value", func() bool { return len(applied) > 0 && applied[len(applied)-1] == 2000 })
	elapsed := time.Since(start)
	maxUpdates := int(elapsed.Seconds()*maxMeterRate) + 2
	assert.LessOrEqual(t, len(applied), maxUpdates, "at most %d updates a second", maxMeterRate)
	assert.Greater(t, len(applied), 1)
	for i := 1; i < len(applied); i++ {
		assert.Greater(t, applied[i], applied[i-1], "never an older value after a newer one")
	}
	th.Stop()
	th.Put(9999)
	time.Sleep(50 * time.Millisecond)
	q.drain()
	assert.Equal(t, 2000, applied[len(applied)-1], "nothing after Stop")
}

func TestMeterFollowsTheSelectedMicAndReportsUnplug(t *testing.T) {
	fd := newFakeDevices(deskLists())
	h := startedHarness(t, fd)
	h.q.until(t, "a meter", func() bool { return fd.lastMeter() != nil })
	m := fd.lastMeter()
	assert.Equal(t, "builtin-mic", m.id)
	m.ch <- devices.Reading{RMSDBFS: -20, PeakDBFS: -8}
	bar := h.ui.devices.meter
	h.q.until(t, "the reading", func() bool { return bar.rms == -20 })

	h.ui.devices.pickers[mic].sel.SetSelectedIndex(2)
	h.q.until(t, "a meter on the Yeti", func() bool { return fd.lastMeter().id == "usb-mic" })
	h.q.until(t, "the old meter closed", func() bool { m.mu.Lock(); defer m.mu.Unlock(); return m.closed })

	fd.lastMeter().vanish()
	h.q.until(t, "the meter note", func() bool { return h.ui.devices.meterNote.Text != "" })
	assert.Contains(t, h.ui.devices.meterNote.Text, "unplugged")
	assert.False(t, bar.active)
}

func TestSpeakerTestPlaysOnTheSelectedOutput(t *testing.T) {
	l := deskLists()
	l.AudioOutputDevices = append(l.AudioOutputDevices, dev(spk, "hs-spk", "USB Headset", "g-hs", false))
	fd := newFakeDevices(l)
	h := startedHarness(t, fd)
	h.ui.devices.pickers[spk].sel.SetSelected("USB Headset")
	test.Tap(h.ui.devices.testButton)
	h.q.until(t, "the tone", func() bool { return h.ui.devices.testButton.Disabled() == false })
	assert.Equal(t, []string{"hs-spk"}, fd.tones)
}

func TestCameraShowsItsFormats(t *testing.T) {
	fd := newFakeDevices(deskLists())
	fd.cameras = []devices.Camera{{Info: deskLists().VideoInputDevices[0], Formats: []devices.Format{
		{FourCC: "MJPG", Sizes: []devices.FrameSize{{Width: 640, Height: 480}, {Width: 1920, Height: 1080}}},
		{FourCC: "YUYV", Sizes: []devices.FrameSize{{Width: 640, Height: 480}}}}}}
	h := startedHarness(t, fd)
	assert.Equal(t, "Its sharpest picture: 1920×1080 (Full HD). Formats: MJPG 1920×1080, 640×480 · YUYV 640×480.", h.ui.devices.cameraInfo.Text)
	assert.NotEqual(t, widget.LowImportance, h.ui.devices.cameraInfo.Importance, "read by a person: not faint grey")
}

// The line that says what Record and play back does is read before the
// first click: not in the faint grey of a disabled widget.
func TestRecordAndPlayBackSaysWhatItDoesReadably(t *testing.T) {
	h := startedHarness(t, newFakeDevices(deskLists()))
	assert.Equal(t, echoIdle, h.ui.devices.echo.status.Text)
	assert.NotEqual(t, widget.LowImportance, h.ui.devices.echo.status.Importance, "read by a person: not faint grey")
}

func TestHistoryListAsksOnlyForVisibleRows(t *testing.T) {
	hist := &countingHistory{total: 1_000_000}
	h := newHarness(t, newFakeDevices(deskLists()), Config{History: hist})
	h.start()
	h.ui.tabs.SelectIndex(1) // the list draws (and reads) only when shown
	hp := h.ui.history
	h.q.until(t, "the count", func() bool { return hp.pager.total == 1_000_000 })
	assert.Equal(t, "1,000,000 calls", hp.countLabel.Text)
	hp.list.Refresh()
	h.q.drain()
	first := hist.rowsAsked()
	assert.Greater(t, first, 0, "the drawn rows were read")
	assert.LessOrEqual(t, first, 2*pageRows, "only the first page or two")

	// Scrolling to the end: the missing page is read in the background and
	// the rows fill in when it arrives.
	lastPage := (1_000_000 - 1) / pageRows
	hp.list.ScrollToBottom()
	hp.list.Refresh()
	h.q.until(t, "the last page", func() bool { _, ok := hp.pager.pages[lastPage]; return ok })
	assert.LessOrEqual(t, hist.rowsAsked(), 5*pageRows, "scrolling to the end reads the end, not the middle")
	hist.mu.Lock()
	last := hist.offsets[len(hist.offsets)-1]
	hist.mu.Unlock()
	assert.Equal(t, lastPage*pageRows, last)
	c, ok := hp.pager.row(context.Background(), 999_999)
	require.True(t, ok)
	assert.Equal(t, "s0999999", c.SessionID)
	assert.LessOrEqual(t, len(hp.pager.pages), keepPages, "the cache stays small")
}

func TestFiltersAndSearchUpdateTheCount(t *testing.T) {
	st := newStoreT(t, 300)
	h := newHarness(t, newFakeDevices(deskLists()), Config{Store: st})
	h.start()
	hp := h.ui.history
	h.q.until(t, "the count", func() bool { return hp.countLabel.Text == "300 calls" })

	count := func(f calls.Filter) int {
		f.Me = calls.SampleMe
		n, err := st.Count(context.Background(), f)
		require.NoError(t, err)
		return n
	}
	hp.statusSel.SetSelected("Missed")
	missed := count(calls.Filter{CallStatus: "missed"})
	require.Greater(t, missed, 0)
	h.q.until(t, "the missed count", func() bool { return hp.countLabel.Text == fmt.Sprintf("%d of 300 calls", missed) })
	assert.Equal(t, missed, hp.pager.total)

	hp.typeSel.SetSelected("Video")
	hp.dirSel.SetSelected("Incoming")
	hp.recCheck.SetChecked(true)
	n := count(calls.Filter{CallStatus: "missed", CallType: "video", CallDirection: "incoming", HasRecording: true})
	want := fmt.Sprintf("%d of 300 calls", n)
	if n == 0 {
		want = "0 of 300 calls"
	}
	h.q.until(t, want, func() bool { return hp.countLabel.Text == want })

	hp.clearFilters()
	test.Type(hp.search, "grace")
	grace := count(calls.Filter{Search: "grace"})
	h.q.until(t, "the search count", func() bool { return hp.countLabel.Text == fmt.Sprintf("%d of 300 calls", grace) })
	c, ok := hp.pager.row(context.Background(), 0)
	require.True(t, ok)
	_, name := c.OtherParty(calls.SampleMe)
	assert.Equal(t, "Grace Hopper", name)

	test.Type(hp.search, "zzz")
	h.q.until(t, "no match", func() bool { return !hp.noMatch.Visible() == false })
	assert.True(t, hp.list.Hidden)
}

func TestDetailsTabsAndKeyboard(t *testing.T) {
	st := newStoreT(t, 200)
	h := newHarness(t, newFakeDevices(deskLists()), Config{Store: st})
	h.start()
	hp := h.ui.history
	h.q.until(t, "the list", func() bool { return hp.pager.total == 200 })

	// The list has the whole column until a call is picked.
	assert.False(t, hp.details.content.Visible(), "no details pane before a call is picked")
	// Ctrl+F focuses the search; arrows move in the list, Enter opens.
	h.press(fyne.KeyF)
	assert.Equal(t, hp.search, h.w.Canvas().Focused())
	h.w.Canvas().Focus(hp.list)
	hp.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	hp.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	want, _ := hp.pager.rowNow(context.Background(), 1)
	d := hp.details
	assert.Equal(t, want.SessionID, d.call.SessionID)
	assert.True(t, d.body.Visible())
	assert.True(t, d.content.Visible(), "the details open beside the list")
	_, name := want.OtherParty(calls.SampleMe)
	assert.True(t, strings.HasPrefix(d.title.Text, name+" · "))
	assert.Equal(t, statusLabel(want, calls.SampleMe), d.status.Text)
	assert.Len(t, d.participants.Objects, max(1, len(want.Participants)))

	// A call with a recording: one row each, Open and Download enabled.
	var rec calls.CallLog
	for i := 0; i < 200; i++ {
		c, _ := hp.pager.rowNow(context.Background(), i)
		if len(c.Recordings) > 0 {
			rec = c
			hp.list.Select(i)
			break
		}
	}
	require.NotEmpty(t, rec.SessionID, "the sample has recordings")
	assert.Len(t, d.recordings.Objects, len(rec.Recordings))
	// History: other calls with the same party, loaded in the background.
	h.q.until(t, "the history tab", func() bool { return len(d.history.Objects) > 0 })
	id, _ := rec.OtherParty(calls.SampleMe)
	f := calls.Filter{UID: id}
	if rec.Receiver.IsGroup() {
		f = calls.Filter{GUID: id}
	}
	n, _ := st.Count(context.Background(), f)
	assert.Equal(t, min(30, n-1), len(d.history.Objects), "all other calls with %s (up to 30)", id)
}

func TestEmptyStateLoadsTheSample(t *testing.T) {
	st := newStoreT(t, 0)
	h := newHarness(t, newFakeDevices(deskLists()), Config{Store: st})
	h.start()
	hp := h.ui.history
	h.q.until(t, "the empty state", func() bool { return hp.empty.Visible() })
	assert.Equal(t, "No calls yet", hp.countLabel.Text)
	assert.True(t, hp.list.Hidden)
	var labels []string
	for _, b := range hp.emptyButtons {
		labels = append(labels, b.Text)
	}
	assert.Equal(t, []string{"Connect CometChat account", "Import file…", "Load sample history"}, labels)
	test.Tap(hp.emptyButtons[2])
	h.q.until(t, "the sample", func() bool { return hp.countLabel.Text == "500 calls" })
	assert.True(t, hp.list.Visible())
	assert.False(t, hp.empty.Visible())
}

func TestStoreErrorIsShown(t *testing.T) {
	h := newHarness(t, newFakeDevices(deskLists()), Config{StoreErr: &calls.Error{Code: calls.CodeStoreCorrupt, Message: "the history file is damaged", Details: "file: /x/history.db; move it aside"}})
	h.start()
	hp := h.ui.history
	assert.True(t, hp.failed.Visible())
	assert.Contains(t, hp.failedText.Text, "the history file is damaged. file: /x/history.db; move it aside")
	assert.True(t, hp.account.syncBtn.Disabled())
}

func TestAccountSecretGoesToTheKeyring(t *testing.T) {
	h, a, _ := savedToKeyring(t, 0)
	acct, err := a.account(a.savedPrefs())
	require.NoError(t, err)
	assert.Equal(t, calls.Account{AppID: "app1", Region: "eu", APIKey: "sekret-key", OnBehalfOf: "alice"}, acct)
	for _, k := range []string{prefAppID, prefRegion, prefMode, prefOnBehalfOf} {
		assert.NotContains(t, h.app.Preferences().String(k), "sekret")
	}

	// No keyring: said plainly, kept for the session only, not on disk.
	withMock(func() { keyring.MockInitWithError(errors.New("org.freedesktop.secrets was not provided")) })
	msg := saveNow(a, "app1", "eu", modeAuthToken, "", "tok-123")
	assert.Contains(t, msg, "No system keyring is available")
	assert.Contains(t, msg, "this session only")
	assert.NotContains(t, msg, "org.freedesktop", "the D-Bus message is behind Details, not in the sentence")
	assert.Contains(t, a.keyringDetail, "org.freedesktop.secrets was not provided")
	acct, err = a.account(a.savedPrefs())
	require.NoError(t, err)
	assert.Equal(t, "tok-123", acct.AuthToken)
}

func TestSyncFillsTheHistoryAndCanBeCancelled(t *testing.T) {
	page := func(p, total int) []byte {
		var data []map[string]any
		for i := 0; i < 2; i++ {
			data = append(data, map[string]any{"sessionId": fmt.Sprintf("v1.us.app.%d-%d", p, i), "initiatedAt": 1700000000 - p*100 - i,
				"type": "audio", "status": "ended", "mode": "call", "receiverType": "user", "initiator": "alice", "receiver": "bob",
				"data": map[string]any{"entities": map[string]any{
					"initiator": map[string]any{"entity": map[string]any{"uid": "alice", "name": "Alice"}},
					"receiver":  map[string]any{"entity": map[string]any{"uid": "bob", "name": "Bob"}}}}})
		}
		b, _ := json.Marshal(map[string]any{"data": data, "meta": map[string]any{"pagination": map[string]any{
			"total": 2 * total, "count": 2, "per_page": 2, "current_page": p, "total_pages": total}}})
		return b
	}
	var block atomic.Bool
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if block.Load() {
			<-release
		}
		var p int
		fmt.Sscan(r.URL.Query().Get("page"), &p)
		w.Write(page(p, 3))
	}))
	defer srv.Close()
	defer close(release)

	st := newStoreT(t, 0)
	h := newHarness(t, newFakeDevices(deskLists()), Config{Store: st})
	h.start()
	a := h.ui.history.account
	a.baseURL = srv.URL
	saveNow(a, "app", "us", modeAPIKey, "alice", "k")
	a.sync()
	assert.True(t, a.syncRow.Visible())
	h.q.until(t, "the synced list", func() bool { return h.ui.history.countLabel.Text == "6 calls" })
	assert.False(t, a.syncRow.Visible())

	block.Store(true)
	a.sync()
	a.cancelSync()
	h.q.until(t, "the cancel", func() bool { return !a.syncRow.Visible() })
	assert.Contains(t, h.bodies[len(h.bodies)-1], "Sync cancelled")
}

func TestDownloadLeavesNoHalfFile(t *testing.T) {
	body := strings.Repeat("x", 300_000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			w.Write([]byte(body))
		case "/cut":
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			w.Write([]byte(body[:1000]))
		default:
			http.Error(w, "gone", http.StatusNotFound)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	var last int64
	path := filepath.Join(dir, "rec.mp4")
	require.NoError(t, downloadFile(context.Background(), srv.Client(), srv.URL+"/ok", path, func(done, total int64) { last = done }))
	b, _ := os.ReadFile(path)
	assert.Equal(t, body, string(b))
	assert.Equal(t, int64(len(body)), last)

	for _, p := range []string{"/cut", "/missing"} {
		bad := filepath.Join(dir, "bad"+strings.TrimPrefix(p, "/")+".mp4")
		assert.Error(t, downloadFile(context.Background(), srv.Client(), srv.URL+p, bad, func(int64, int64) {}), p)
		_, err := os.Stat(bad)
		assert.True(t, os.IsNotExist(err), p)
		_, err = os.Stat(bad + ".part")
		assert.True(t, os.IsNotExist(err), p)
	}
}

func TestOnlyWebLinksOpen(t *testing.T) {
	for _, ok := range []string{"https://rec.example.com/a.mp4", "http://x.test/r"} {
		_, err := webURL(ok)
		assert.NoError(t, err, ok)
	}
	for _, bad := range []string{"file:///etc/passwd", "javascript:alert(1)", "ftp://x/y", "/local/file", "https://", ""} {
		_, err := webURL(bad)
		assert.Error(t, err, bad)
	}
}

func TestPagerReadsEveryRowInOrder(t *testing.T) {
	st := newStoreT(t, 437)
	all, err := st.Calls(context.Background(), calls.Filter{}, 0, 437)
	require.NoError(t, err)
	p := newPager(st, calls.Filter{}, 437)
	for _, i := range []int{436, 0, 200, 219, 218, 399, 400, 49, 50} {
		c, ok := p.row(context.Background(), i)
		require.True(t, ok, i)
		assert.Equal(t, all[i].SessionID, c.SessionID, "row %d", i)
	}
	for i := range all {
		c, ok := p.row(context.Background(), i)
		require.True(t, ok)
		require.Equal(t, all[i].SessionID, c.SessionID, "row %d", i)
	}
	_, ok := p.row(context.Background(), 437)
	assert.False(t, ok, "past the end")
}

func TestNoDisplayIsAPlainError(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	err := checkDisplay()
	if err == nil {
		t.Skip("this OS needs no DISPLAY")
	}
	assert.Contains(t, err.Error(), "no display to open the window on")
	t.Setenv("DISPLAY", ":0")
	assert.NoError(t, checkDisplay())
}

func TestExportWritesWholeFilesOnly(t *testing.T) {
	st := newStoreT(t, 120)
	dir := t.TempDir()
	f := calls.Filter{CallType: "video"}
	want, err := st.Count(context.Background(), f)
	require.NoError(t, err)

	js := filepath.Join(dir, "calls.json")
	require.NoError(t, exportTo(context.Background(), st, f, js))
	back := newStoreT(t, 0)
	file, err := os.Open(js)
	require.NoError(t, err)
	n, err := calls.Import(context.Background(), back, file)
	file.Close()
	require.NoError(t, err)
	assert.Equal(t, want, n, "the JSON export holds every matching call and reads back")

	csvPath := filepath.Join(dir, "calls.CSV")
	require.NoError(t, exportTo(context.Background(), st, f, csvPath))
	b, err := os.ReadFile(csvPath)
	require.NoError(t, err)
	assert.Equal(t, want+1, strings.Count(string(b), "\n"), "CSV by extension: a header and a line a call")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	bad := filepath.Join(dir, "cancelled.json")
	assert.Error(t, exportTo(ctx, st, f, bad))
	_, err = os.Stat(bad)
	assert.True(t, os.IsNotExist(err), "a failed export leaves no file")
	left, _ := filepath.Glob(filepath.Join(dir, ".mediadesk-export-*"))
	assert.Empty(t, left, "nor a temp file")
}

func TestPagerLoadsMissingPagesInTheBackground(t *testing.T) {
	st := newStoreT(t, 300)
	q := make(uiQueue, 100)
	p := newPager(st, calls.Filter{}, 300)
	loads := 0
	p.background(context.Background(), q.Do, func() { loads++ })
	_, ok := p.row(context.Background(), 260)
	assert.False(t, ok, "not there yet: the caller draws a placeholder")
	_, ok = p.row(context.Background(), 270)
	assert.False(t, ok)
	q.until(t, "the page", func() bool { return loads > 0 })
	c, ok := p.row(context.Background(), 260)
	require.True(t, ok)
	all, err := st.Calls(context.Background(), calls.Filter{}, 260, 1)
	require.NoError(t, err)
	assert.Equal(t, all[0].SessionID, c.SessionID)
	assert.Equal(t, 1, loads, "one read for two rows of the same page")
	assert.Equal(t, pageRows, p.fetched)
}

// Errors a person can act on are said in words, not as the raw message.
func TestPlainErrorForOpenFailures(t *testing.T) {
	for code, want := range map[string]string{
		devices.CodeDeviceBusy:         "Another program is using this device",
		devices.CodeDeviceAccessDenied: "privacy settings",
		devices.CodeDeviceOpenFailed:   "could not be opened",
		devices.CodeUnknownDevice:      "no longer there",
	} {
		err := fmt.Errorf("meter: %w", &devices.Error{Code: code, Message: "cannot open audioinput device \"x\""})
		assert.Contains(t, plainError(err), want, code)
	}
}

// A reading that looks the same as the last one is not redrawn: each
// redraw repaints the whole window.
func TestLevelBarRedrawsOnlyVisibleChanges(t *testing.T) {
	test.NewTempApp(t)
	bar := newLevelBar()
	bar.Resize(fyne.NewSize(levelTextWidth+300, 30))
	r := test.WidgetRenderer(bar).(*levelRenderer)

	bar.SetLevel(devices.Reading{RMSDBFS: -20, PeakDBFS: -8})
	assert.Equal(t, "-20 dB", r.text.Text)
	r.text.Text = "not redrawn"
	bar.SetLevel(devices.Reading{RMSDBFS: -19.99, PeakDBFS: -7.99}) // same pixels, same figure
	assert.Equal(t, "not redrawn", r.text.Text)
	bar.SetLevel(devices.Reading{RMSDBFS: -18, PeakDBFS: -8})
	assert.Equal(t, "-18 dB", r.text.Text)

	bar.SetLevel(devices.Reading{RMSDBFS: devices.SilenceDBFS, PeakDBFS: devices.SilenceDBFS})
	assert.Equal(t, "silent", r.text.Text)
	assert.True(t, r.peak.Hidden)
	r.text.Text = "not redrawn"
	bar.SetLevel(devices.Reading{RMSDBFS: devices.SilenceDBFS, PeakDBFS: devices.SilenceDBFS})
	assert.Equal(t, "not redrawn", r.text.Text, "a silent room costs no redraws")

	bar.SetLevel(devices.Reading{RMSDBFS: -10, PeakDBFS: -1})
	assert.Equal(t, theme.Color(theme.ColorNameError), r.fill.FillColor, "clipping shows red")
	assert.False(t, r.peak.Hidden)
	bar.SetIdle()
	assert.Equal(t, "—", r.text.Text)
}

// Picking a call never makes the window wider than it is (a first try
// saw it widen by 13 px): at the size the window opens at, and at the
// narrowest the window allows before a call is picked, the content's
// minimum width stays within the window for every call of the sample,
// whatever its names, participants and recordings.
func TestPickingACallKeepsTheWindowWidth(t *testing.T) {
	st := newStoreT(t, 200)
	h := newHarness(t, newFakeDevices(deskLists()), Config{Store: st})
	h.start()
	hp := h.ui.history
	h.q.until(t, "the list", func() bool { return hp.pager.total == 200 })
	narrowest := h.w.Content().MinSize().Width
	t.Logf("narrowest window before a call is picked: %.0f px", narrowest)
	for _, width := range []float32{1180, narrowest} {
		h.w.Resize(fyne.NewSize(width, 760))
		for i := 0; i < 200; i++ {
			want, _ := hp.pager.rowNow(context.Background(), i)
			hp.list.Select(i)
			h.q.until(t, "the details of call "+want.SessionID, func() bool { return hp.details.call.SessionID == want.SessionID })
			if got := h.w.Content().MinSize().Width; got > width {
				t.Fatalf("call %d (%s) needs %.0f px at a %.0f px window: the window would widen", i, want.SessionID, got, width)
			}
		}
	}
}
