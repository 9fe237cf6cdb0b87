package calls

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// SamplePrefix starts the sessionId of every generated sample call, so
// sample data is never mistaken for real history (and can be deleted).
const SamplePrefix = "sample."

// SampleMe is the uid the sample history is seen from.
const SampleMe = "sample-me"

var (
	sampleNames  = []string{"Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson", "Linus Torvalds", "Margaret Hamilton", "Dennis Ritchie", "Barbara Liskov", "Ken Thompson", "Radia Perlman", "Donald Knuth", "Frances Allen"}
	sampleGroups = []string{"Design review", "Weekly sync", "Support rota", "Launch room"}
)

// Sample generates n sample calls ending at now, newest first, with a
// realistic mix: mostly answered one-to-one calls, some missed, rejected or
// cancelled, a fifth to groups, some with recordings. The same seed gives
// the same history.
func Sample(n int, seed uint64, now time.Time) []CallLog {
	rng := rand.New(rand.NewPCG(seed, 0x6d65646961646573))
	out := make([]CallLog, 0, n)
	t := now.Unix()
	me := CallUser{UID: SampleMe, Name: "You"}
	for i := 0; i < n; i++ {
		t -= int64(60 + rng.IntN(6*3600)) // calls some minutes to hours apart
		c := CallLog{
			SessionID:    fmt.Sprintf("%sv1.%d.%08x", SamplePrefix, seed, i),
			InitiatedAt:  t,
			Type:         []string{"audio", "video"}[rng.IntN(2)],
			CallCategory: "call",
			MID:          fmt.Sprintf("sample-mid-%d", i),
			Participants: []Participant{},
			Recordings:   []Recording{},
		}
		other := CallUser{UID: fmt.Sprintf("sample-u%d", rng.IntN(len(sampleNames))), Avatar: ""}
		var idx int
		fmt.Sscanf(other.UID, "sample-u%d", &idx)
		other.Name = sampleNames[idx]
		outgoing := rng.IntN(2) == 0
		if rng.IntN(5) == 0 {
			g := rng.IntN(len(sampleGroups))
			c.ReceiverType, c.CallCategory = "group", []string{"call", "meet"}[rng.IntN(2)]
			c.Receiver = Receiver{Group: &CallGroup{GUID: fmt.Sprintf("sample-g%d", g), Name: sampleGroups[g]}}
			c.Initiator = other
			if outgoing {
				c.Initiator = me
			}
		} else {
			c.ReceiverType = "user"
			if outgoing {
				c.Initiator, c.Receiver = me, Receiver{User: &CallUser{UID: other.UID, Name: other.Name}}
			} else {
				c.Initiator, c.Receiver = other, Receiver{User: &CallUser{UID: me.UID, Name: me.Name}}
			}
		}
		switch r := rng.IntN(100); {
		case r < 70:
			c.Status = "ended"
		case r < 82:
			c.Status = "unanswered"
		case r < 90:
			c.Status = "rejected"
		case r < 96:
			c.Status = "cancelled"
		default:
			c.Status = "busy"
		}
		secs := 0
		if c.Status == "ended" {
			secs = 20 + rng.IntN(3600)
		}
		c.EndedAt = t + int64(secs)
		c.TotalDurationInMinutes = float64(secs) / 60
		if c.Type == "video" {
			c.TotalVideoMinutes = c.TotalDurationInMinutes
		} else {
			c.TotalAudioMinutes = c.TotalDurationInMinutes
		}
		c.TotalDuration = formatHMS(int64(secs))
		// Two participants: whoever started the call, and the other side.
		second := me
		if c.Initiator.UID == me.UID {
			second = other
		}
		for _, u := range []CallUser{c.Initiator, second} {
			joined := c.Status == "ended"
			p := Participant{UID: u.UID, Name: u.Name, HasJoined: joined, State: c.Status, DeviceID: fmt.Sprintf("sample-device-%s", u.UID)}
			if joined {
				p.JoinedAt, p.LeftAt, p.TotalDurationInMinutes = t, c.EndedAt, c.TotalDurationInMinutes
			}
			c.Participants = append(c.Participants, p)
		}
		c.TotalParticipants = len(c.Participants)
		if secs > 120 && rng.IntN(6) == 0 {
			c.HasRecording = true
			c.Recordings = append(c.Recordings, Recording{RID: fmt.Sprintf("sample-rec-%d", i),
				RecordingURL: "https://example.com/mediadesk-sample/recording.mp4",
				StartTime:    t + 10, EndTime: c.EndedAt, Duration: float64(c.EndedAt - t - 10)})
		}
		out = append(out, c)
	}
	return out
}
