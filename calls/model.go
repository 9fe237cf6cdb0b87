package calls

import (
	"bytes"
	"encoding/json"
	"errors"
)

// CallLog is one call history entry, with exactly the SDK's properties.
// Timestamps are Unix seconds; minutes are fractional.
type CallLog struct {
	SessionID              string        `json:"sessionId"`
	TotalAudioMinutes      float64       `json:"totalAudioMinutes"`
	TotalVideoMinutes      float64       `json:"totalVideoMinutes"`
	TotalDuration          string        `json:"totalDuration"` // "HH:MM:SS"
	TotalDurationInMinutes float64       `json:"totalDurationInMinutes"`
	HasRecording           bool          `json:"hasRecording"`
	InitiatedAt            int64         `json:"initiatedAt"`
	EndedAt                int64         `json:"endedAt"`
	CallCategory           string        `json:"callCategory"` // "call" or "meet"
	Type                   string        `json:"type"`         // "audio" or "video"
	Status                 string        `json:"status"`
	ReceiverType           string        `json:"receiverType"` // "user" or "group"
	TotalParticipants      int           `json:"totalParticipants"`
	MID                    string        `json:"mid"`
	Initiator              CallUser      `json:"initiator"`
	Receiver               Receiver      `json:"receiver"`
	Participants           []Participant `json:"participants"`
	Recordings             []Recording   `json:"recordings"`
}

// CallUser is a user as the Calls SDK knows one.
type CallUser struct {
	UID    string `json:"uid"`
	Name   string `json:"name"`
	Avatar string `json:"avatar"`
}

// CallGroup is a group as the Calls SDK knows one.
type CallGroup struct {
	GUID string `json:"guid"`
	Name string `json:"name"`
	Icon string `json:"icon"`
}

// Receiver is the user or the group a call went to: exactly one of User
// and Group is set. In JSON it is the user or group object itself, as in
// the SDK; a "guid" key marks a group.
type Receiver struct {
	User  *CallUser
	Group *CallGroup
}

// IsGroup reports whether the call went to a group.
func (r Receiver) IsGroup() bool { return r.Group != nil }

// ID is the receiver's uid or guid.
func (r Receiver) ID() string {
	switch {
	case r.Group != nil:
		return r.Group.GUID
	case r.User != nil:
		return r.User.UID
	}
	return ""
}

// Name is the receiver's display name.
func (r Receiver) Name() string {
	switch {
	case r.Group != nil:
		return r.Group.Name
	case r.User != nil:
		return r.User.Name
	}
	return ""
}

func (r Receiver) MarshalJSON() ([]byte, error) {
	switch {
	case r.Group != nil && r.User != nil:
		return nil, errors.New("calls: a receiver is a user or a group, not both")
	case r.Group != nil:
		return json.Marshal(r.Group)
	case r.User != nil:
		return json.Marshal(r.User)
	}
	return []byte("null"), nil
}

func (r *Receiver) UnmarshalJSON(b []byte) error {
	*r = Receiver{}
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(b, &probe); err != nil {
		return err
	}
	if _, ok := probe["guid"]; ok {
		r.Group = &CallGroup{}
		return json.Unmarshal(b, r.Group)
	}
	r.User = &CallUser{}
	return json.Unmarshal(b, r.User)
}

// Participant is one user (one device) taking part in a call.
type Participant struct {
	UID                    string  `json:"uid"`
	Name                   string  `json:"name"`
	Avatar                 string  `json:"avatar"`
	TotalAudioMinutes      float64 `json:"totalAudioMinutes"`
	TotalVideoMinutes      float64 `json:"totalVideoMinutes"`
	TotalDurationInMinutes float64 `json:"totalDurationInMinutes"`
	DeviceID               string  `json:"deviceID"`
	HasJoined              bool    `json:"hasJoined"`
	JoinedAt               int64   `json:"joinedAt"`
	LeftAt                 int64   `json:"leftAt"`
	MID                    string  `json:"mid"`
	State                  string  `json:"state"`
}

// Recording is one recording of a call. Duration is in seconds (the SDK's
// unit); see decodeRecording for how it is derived from the REST shape.
type Recording struct {
	RID          string  `json:"rid"`
	RecordingURL string  `json:"recordingUrl"`
	StartTime    int64   `json:"startTime"`
	EndTime      int64   `json:"endTime"`
	Duration     float64 `json:"duration"`
}

// OtherParty is who a call was with, seen from me (my uid): the receiver
// when I called, else the initiator; for group calls the group.
func (c CallLog) OtherParty(me string) (id, name string) {
	if c.Receiver.IsGroup() {
		return c.Receiver.ID(), c.Receiver.Name()
	}
	if c.SentBy(me) {
		return c.Receiver.ID(), c.Receiver.Name()
	}
	return c.Initiator.UID, c.Initiator.Name
}

// SentBy reports whether me started the call (the UI Kit's rule: an empty
// initiator counts as mine).
func (c CallLog) SentBy(me string) bool {
	return c.Initiator.UID == "" || c.Initiator.UID == me
}

// Missed reports whether the call is a missed call for me: not mine, and
// unanswered, cancelled, busy or rejected (the UI Kit's rule).
func (c CallLog) Missed(me string) bool {
	if c.SentBy(me) {
		return false
	}
	switch c.Status {
	case "unanswered", "cancelled", "busy", "rejected":
		return true
	}
	return false
}
