package gui

import (
	"testing"

	"github.com/stretchr/testify/assert"

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
