package gui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/calls"
)

// A call listed by a name search because someone else in it matched says
// who (issue #31, point 11: group calls appeared without a word why).
func TestSearchSaysWhoMatched(t *testing.T) {
	c := calls.CallLog{Initiator: calls.CallUser{UID: "bob", Name: "Bob"},
		Receiver:     calls.Receiver{Group: &calls.CallGroup{GUID: "g", Name: "Support rota"}},
		Participants: []calls.Participant{{UID: "bob", Name: "Bob"}, {UID: "ada", Name: "Ada Lovelace"}}}
	assert.Equal(t, "Ada Lovelace", matchedBy(c, "Support rota", "ada"))
	assert.Empty(t, matchedBy(c, "Support rota", "rota"), "the name shown matches")
	assert.Empty(t, matchedBy(c, "Support rota", ""), "no search")

	r := newCallRow()
	r.set(c, "bob", "ada")
	assert.Contains(t, r.when.Text, "Ada Lovelace took part")
}

// The chart's keys are labelled, and it says the filters do not apply.
func TestChartCaptionLabelsItsKeys(t *testing.T) {
	ch := newMinutesChart()
	ch.SetData([]calls.DayMinutes{{Audio: 10, Video: 5}, {Audio: 2}})
	head, audio, video := ch.caption()
	assert.Equal(t, "Last 2 days, all calls (not filtered):", head)
	assert.Equal(t, "12 min audio", audio)
	assert.Equal(t, "5 min video", video)
}

// A recording served over plain http is downloaded only when the person
// agrees; over https the save dialog comes at once, offering the base name
// of the rid (issue #31, point 6).
func TestDownloadAsksBeforePlainHTTP(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	h := newHarness(t, newFakeDevices(deskLists()), Config{Store: newStoreT(t, 0)})
	h.start()
	row := h.ui.history.details.recordingRow(calls.Recording{RID: "../../evil", RecordingURL: "http://rec.example/a.mp4", Duration: 60})
	b := findButton(row, "Download")
	require.NotNil(t, b)
	test.Tap(b)
	top := h.w.Canvas().Overlays().Top()
	require.NotNil(t, top)
	require.NotNil(t, findButton(top, "Yes"), "asked first")
	h.tapInDialog("Yes")
	e := findEntry(h.w.Canvas().Overlays().Top())
	require.NotNil(t, e, "then the save dialog")
	assert.Equal(t, "evil.mp4", e.Text)
	h.tapInDialog("Cancel")

	row = h.ui.history.details.recordingRow(calls.Recording{RID: "r1", RecordingURL: "https://rec.example/a.mp4", Duration: 60})
	test.Tap(findButton(row, "Download"))
	e = findEntry(h.w.Canvas().Overlays().Top())
	require.NotNil(t, e, "https: straight to the save dialog")
	assert.Equal(t, "r1.mp4", e.Text)
}
