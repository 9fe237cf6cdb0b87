package calls

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// num accepts a JSON number, a numeric string, null or absence: the REST
// API documents integers and sends floats, and the docs disagree on types.
// A number that parses but is not finite or beyond maxNum ("NaN", "Inf",
// 1e400) is kept aside in bad, so the call can be refused with its name
// and the field's (checkNums), not stored with a NaN or a wrapped time.
type num struct {
	v   float64
	set bool
	bad string // the value as sent, when it is not a usable number
}

// maxNum bounds every number of a call: 2^53 is the largest integer a
// float64 (and JavaScript) holds exactly, far beyond any time, count or
// duration, and well inside int64.
const maxNum = 1 << 53

func finite(f float64) bool { return !math.IsNaN(f) && f >= -maxNum && f <= maxNum }

func (n *num) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			return nil
		}
	}
	// For a bare number the decoder has already checked the syntax.
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("not a number: %q", s)
	}
	n.set = true
	if err != nil || !finite(f) {
		n.bad = s
		return nil
	}
	n.v = f
	return nil
}

func (n num) int64() int64 { return int64(math.Round(n.v)) }

// flexBool accepts true/false, 0/1 and "true"/"false".
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	switch strings.Trim(string(bytes.TrimSpace(b)), `"`) {
	case "true", "1":
		*f = true
	case "false", "0", "null", "":
		*f = false
	default:
		return fmt.Errorf("not a boolean: %s", b)
	}
	return nil
}

// text accepts a string, or a number written as one (ids sometimes are).
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		// Fast path: no escapes, so the bytes between the quotes are it.
		if len(b) >= 2 && bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b) {
			*t = text(b[1 : len(b)-1])
			return nil
		}
		var s string
		err := json.Unmarshal(b, &s)
		*t = text(s)
		return err
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("not a string: %s", b)
	}
	*t = text(n.String())
	return nil
}

// restCall is a call object as GET /calls returns it.
type restCall struct {
	SessionID              text              `json:"sessionId"`
	Type                   text              `json:"type"`
	Mode                   text              `json:"mode"`
	CallCategory           text              `json:"callCategory"`
	Status                 text              `json:"status"`
	ReceiverType           text              `json:"receiverType"`
	Initiator              json.RawMessage   `json:"initiator"`
	Receiver               json.RawMessage   `json:"receiver"`
	InitiatedAt            num               `json:"initiatedAt"`
	StartedAt              num               `json:"startedAt"`
	EndedAt                num               `json:"endedAt"`
	TotalAudioMinutes      num               `json:"totalAudioMinutes"`
	TotalVideoMinutes      num               `json:"totalVideoMinutes"`
	TotalDurationInMinutes num               `json:"totalDurationInMinutes"`
	TotalDuration          json.RawMessage   `json:"totalDuration"`
	TotalParticipants      num               `json:"totalParticipants"`
	HasRecording           flexBool          `json:"hasRecording"`
	MID                    text              `json:"mid"`
	Participants           []restParticipant `json:"participants"`
	Recordings             []restRecording   `json:"recordings"`
	Data                   struct {
		Entities struct {
			Initiator struct {
				Entity json.RawMessage `json:"entity"`
			} `json:"initiator"`
			Receiver struct {
				Entity json.RawMessage `json:"entity"`
			} `json:"receiver"`
		} `json:"entities"`
	} `json:"data"`
}

type restParticipant struct {
	UID                    text     `json:"uid"`
	Name                   text     `json:"name"`
	Avatar                 text     `json:"avatar"`
	TotalAudioMinutes      num      `json:"totalAudioMinutes"`
	TotalVideoMinutes      num      `json:"totalVideoMinutes"`
	TotalDuration          num      `json:"totalDuration"`
	TotalDurationInMinutes num      `json:"totalDurationInMinutes"`
	DeviceID               text     `json:"deviceId"`
	DeviceIDSDK            text     `json:"deviceID"`
	IsJoined               flexBool `json:"isJoined"`
	HasJoined              flexBool `json:"hasJoined"`
	JoinedAt               num      `json:"joinedAt"`
	LeftAt                 num      `json:"leftAt"`
	MID                    text     `json:"mid"`
	State                  text     `json:"state"`
}

type restRecording struct {
	RID          text `json:"rid"`
	RecordingURL text `json:"recording_url"`
	URLSDK       text `json:"recordingUrl"`
	StartTime    num  `json:"startTime"`
	EndTime      num  `json:"endTime"`
	Duration     num  `json:"duration"`
}

type restEntity struct {
	UID    text `json:"uid"`
	GUID   text `json:"guid"`
	Name   text `json:"name"`
	Avatar text `json:"avatar"`
	Icon   text `json:"icon"`
}

// DecodeCall maps one REST call object onto the SDK's CallLog:
//
//   - mode → callCategory; startedAt when initiatedAt is missing.
//   - initiator and receiver are uid/guid strings in REST; names and
//     avatars come from data.entities.{initiator,receiver}.entity (the v3.0
//     shape) when present, else from the participant with that uid.
//   - participants: isJoined → hasJoined (joinedAt also counts, as the UI
//     Kit does), deviceId → deviceID, totalDuration or
//     totalDurationInMinutes (both occur) → totalDurationInMinutes.
//   - recordings: recording_url → recordingUrl; duration in seconds (see
//     decodeRecording).
//   - totalDuration: kept when it is "HH:MM:SS"; a number is taken as
//     seconds; missing, it is derived from totalDurationInMinutes.
//
// Numbers may be integers, floats or numeric strings.
func DecodeCall(b []byte) (CallLog, error) {
	var r restCall
	if err := json.Unmarshal(b, &r); err != nil {
		return CallLog{}, badResponse("a call object could not be read", err)
	}
	return decodeRest(r)
}

func decodeRest(r restCall) (CallLog, error) {
	if r.SessionID == "" {
		return CallLog{}, badResponse("a call object has no sessionId", nil)
	}
	if err := r.checkNums(); err != nil {
		return CallLog{}, err
	}
	c := CallLog{
		SessionID:              string(r.SessionID),
		Type:                   string(r.Type),
		CallCategory:           firstText(r.Mode, r.CallCategory),
		Status:                 string(r.Status),
		ReceiverType:           string(r.ReceiverType),
		InitiatedAt:            r.InitiatedAt.int64(),
		EndedAt:                r.EndedAt.int64(),
		TotalAudioMinutes:      r.TotalAudioMinutes.v,
		TotalVideoMinutes:      r.TotalVideoMinutes.v,
		TotalDurationInMinutes: r.TotalDurationInMinutes.v,
		TotalParticipants:      int(r.TotalParticipants.int64()),
		HasRecording:           bool(r.HasRecording),
		MID:                    string(r.MID),
		Participants:           []Participant{},
		Recordings:             []Recording{},
	}
	if !r.InitiatedAt.set {
		c.InitiatedAt = r.StartedAt.int64()
	}
	if !r.TotalDurationInMinutes.set {
		c.TotalDurationInMinutes = c.TotalAudioMinutes + c.TotalVideoMinutes
	}
	c.TotalDuration = decodeTotalDuration(r.TotalDuration, c.TotalDurationInMinutes)
	for _, p := range r.Participants {
		c.Participants = append(c.Participants, decodeParticipant(p))
	}
	for _, rec := range r.Recordings {
		c.Recordings = append(c.Recordings, decodeRecording(rec))
	}
	if len(c.Recordings) > 0 {
		c.HasRecording = true
	}
	if c.TotalParticipants == 0 {
		c.TotalParticipants = len(c.Participants)
	}

	initID, err := entityID(r.Initiator)
	if err != nil {
		return CallLog{}, badResponse("initiator of "+c.SessionID, err)
	}
	c.Initiator = CallUser{UID: initID}
	if e, ok := entity(r.Data.Entities.Initiator.Entity); ok {
		c.Initiator = CallUser{UID: firstText(e.UID, text(initID)), Name: string(e.Name), Avatar: string(e.Avatar)}
	}
	recvID, err := entityID(r.Receiver)
	if err != nil {
		return CallLog{}, badResponse("receiver of "+c.SessionID, err)
	}
	e, haveEntity := entity(r.Data.Entities.Receiver.Entity)
	if c.ReceiverType == "group" || (c.ReceiverType == "" && haveEntity && e.GUID != "") {
		c.ReceiverType = "group"
		g := &CallGroup{GUID: recvID}
		if haveEntity {
			g = &CallGroup{GUID: firstText(e.GUID, text(recvID)), Name: string(e.Name), Icon: firstText(e.Icon, e.Avatar)}
		}
		c.Receiver = Receiver{Group: g}
	} else {
		c.ReceiverType = "user"
		u := &CallUser{UID: recvID}
		if haveEntity {
			u = &CallUser{UID: firstText(e.UID, text(recvID)), Name: string(e.Name), Avatar: string(e.Avatar)}
		}
		c.Receiver = Receiver{User: u}
	}
	// Names from participants where the entities did not give them.
	for _, p := range c.Participants {
		if p.UID == c.Initiator.UID && c.Initiator.Name == "" {
			c.Initiator.Name, c.Initiator.Avatar = p.Name, firstText(text(c.Initiator.Avatar), text(p.Avatar))
		}
		if u := c.Receiver.User; u != nil && p.UID == u.UID && u.Name == "" {
			u.Name, u.Avatar = p.Name, firstText(text(u.Avatar), text(p.Avatar))
		}
	}
	// Derived values (a sum of minutes, a duration in seconds from
	// minutes) can leave the range their inputs kept to.
	if err := c.check(); err != nil {
		return CallLog{}, err
	}
	return c, nil
}

// checkNums refuses a call with a number that is not finite or too big,
// naming the call and the first such field.
func (r restCall) checkNums() error {
	nc := numCheck[num]{id: string(r.SessionID), refused: func(n num) bool { return n.bad != "" }, sent: func(n num) string { return n.bad }}
	// totalDuration is "HH:MM:SS" or seconds; a number out of range
	// (1e400 does not even decode as a float64) is refused too.
	var total num
	if raw := bytes.TrimSpace(r.TotalDuration); len(raw) > 0 && (raw[0] == '-' || '0' <= raw[0] && raw[0] <= '9') {
		var secs float64
		if err := json.Unmarshal(raw, &secs); err != nil || !finite(secs) {
			total.bad = string(raw)
		}
	}
	nc.part("", 0, []numField[num]{
		{"initiatedAt", r.InitiatedAt}, {"startedAt", r.StartedAt}, {"endedAt", r.EndedAt},
		{"totalAudioMinutes", r.TotalAudioMinutes}, {"totalVideoMinutes", r.TotalVideoMinutes},
		{"totalDurationInMinutes", r.TotalDurationInMinutes}, {"totalParticipants", r.TotalParticipants},
		{"totalDuration", total},
	})
	for i, p := range r.Participants {
		nc.part("participants", i, []numField[num]{
			{"totalAudioMinutes", p.TotalAudioMinutes}, {"totalVideoMinutes", p.TotalVideoMinutes},
			{"totalDuration", p.TotalDuration}, {"totalDurationInMinutes", p.TotalDurationInMinutes},
			{"joinedAt", p.JoinedAt}, {"leftAt", p.LeftAt},
		})
	}
	for i, rec := range r.Recordings {
		nc.part("recordings", i, []numField[num]{{"startTime", rec.StartTime}, {"endTime", rec.EndTime}, {"duration", rec.Duration}})
	}
	return nc.err
}

// numField is one number of a call, named as in the JSON.
type numField[T any] struct {
	name string
	v    T
}

// numCheck finds the first number of a call that refused refuses, and
// keeps its BAD_VALUE error (with the value as sent says it) in err.
type numCheck[T any] struct {
	id      string
	refused func(T) bool
	sent    func(T) string
	err     error
}

// part checks the numbers of the call itself (list "") or of the i-th
// element of one of its lists ("participants", "recordings").
func (nc *numCheck[T]) part(list string, i int, fields []numField[T]) {
	for _, f := range fields {
		if nc.err != nil {
			return
		}
		if nc.refused(f.v) {
			name := f.name
			if list != "" {
				name = fmt.Sprintf("%s[%d].%s", list, i, f.name)
			}
			nc.err = badValue(nc.id, name, nc.sent(f.v))
		}
	}
}

// badValue is the BAD_VALUE error for one field of one call.
func badValue(sessionID, field, value string) *Error {
	if len(value) > 40 {
		value = value[:40] + "…"
	}
	return newError(CodeBadValue,
		fmt.Sprintf("call %q: %s is %q, not a finite number within ±2^53", sessionID, field, value),
		"nothing of this call was stored")
}

// check holds a CallLog (as decoded from the SDK shape, or built by a
// caller) to the rule checkNums applies to the REST shape, so the store
// never meets a number json.Marshal refuses.
func (c CallLog) check() error {
	nc := numCheck[float64]{id: c.SessionID, refused: func(v float64) bool { return !finite(v) }, sent: func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }}
	nc.part("", 0, []numField[float64]{
		{"initiatedAt", float64(c.InitiatedAt)}, {"endedAt", float64(c.EndedAt)},
		{"totalAudioMinutes", c.TotalAudioMinutes}, {"totalVideoMinutes", c.TotalVideoMinutes},
		{"totalDurationInMinutes", c.TotalDurationInMinutes}, {"totalParticipants", float64(c.TotalParticipants)},
	})
	for i, p := range c.Participants {
		nc.part("participants", i, []numField[float64]{
			{"totalAudioMinutes", p.TotalAudioMinutes}, {"totalVideoMinutes", p.TotalVideoMinutes},
			{"totalDurationInMinutes", p.TotalDurationInMinutes}, {"joinedAt", float64(p.JoinedAt)}, {"leftAt", float64(p.LeftAt)},
		})
	}
	for i, r := range c.Recordings {
		nc.part("recordings", i, []numField[float64]{{"startTime", float64(r.StartTime)}, {"endTime", float64(r.EndTime)}, {"duration", r.Duration}})
	}
	return nc.err
}

func decodeParticipant(p restParticipant) Participant {
	out := Participant{
		UID:                    string(p.UID),
		Name:                   string(p.Name),
		Avatar:                 string(p.Avatar),
		TotalAudioMinutes:      p.TotalAudioMinutes.v,
		TotalVideoMinutes:      p.TotalVideoMinutes.v,
		TotalDurationInMinutes: p.TotalDurationInMinutes.v,
		DeviceID:               firstText(p.DeviceIDSDK, p.DeviceID),
		HasJoined:              bool(p.IsJoined) || bool(p.HasJoined) || p.JoinedAt.int64() > 0,
		JoinedAt:               p.JoinedAt.int64(),
		LeftAt:                 p.LeftAt.int64(),
		MID:                    string(p.MID),
		State:                  string(p.State),
	}
	if !p.TotalDurationInMinutes.set {
		out.TotalDurationInMinutes = p.TotalDuration.v
	}
	return out
}

// decodeRecording: the SDK says a recording's duration is in seconds, the
// REST docs say minutes. The model is seconds: from endTime − startTime
// when both are there (they are Unix seconds, so no unit is in doubt),
// else the REST duration read as minutes.
func decodeRecording(r restRecording) Recording {
	out := Recording{
		RID:          string(r.RID),
		RecordingURL: firstText(r.RecordingURL, r.URLSDK),
		StartTime:    r.StartTime.int64(),
		EndTime:      r.EndTime.int64(),
	}
	if out.StartTime > 0 && out.EndTime >= out.StartTime {
		out.Duration = float64(out.EndTime - out.StartTime)
	} else {
		out.Duration = math.Round(r.Duration.v*60*1000) / 1000
	}
	return out
}

func decodeTotalDuration(raw json.RawMessage, minutes float64) string {
	var s string
	if json.Unmarshal(raw, &s) == nil && s != "" {
		return s
	}
	var secs float64
	if json.Unmarshal(raw, &secs) == nil && secs > 0 && secs <= maxNum {
		return formatHMS(int64(math.Round(secs)))
	}
	return formatHMS(int64(math.Round(minutes * 60)))
}

func formatHMS(secs int64) string {
	if secs < 0 {
		secs = 0
	}
	return fmt.Sprintf("%02d:%02d:%02d", secs/3600, secs/60%60, secs%60)
}

// entityID reads initiator/receiver, which REST sends as an id string (and
// a decoded CallLog as an object).
func entityID(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return "", nil
	}
	if raw[0] == '{' {
		var e restEntity
		if err := json.Unmarshal(raw, &e); err != nil {
			return "", err
		}
		return firstText(e.UID, e.GUID), nil
	}
	var t text
	err := json.Unmarshal(raw, &t)
	return string(t), err
}

func entity(raw json.RawMessage) (restEntity, bool) {
	var e restEntity
	if len(bytes.TrimSpace(raw)) == 0 || json.Unmarshal(raw, &e) != nil {
		return e, false
	}
	return e, e.UID != "" || e.GUID != "" || e.Name != ""
}

func firstText(vals ...text) string {
	for _, v := range vals {
		if v != "" {
			return string(v)
		}
	}
	return ""
}

func badResponse(what string, err error) *Error {
	e := newError(CodeBadResponse, what, "the server sent something MediaDesk cannot read; nothing was stored from it")
	e.Err = err
	return e
}

// ListPage is one decoded page of GET /calls.
type ListPage struct {
	Calls       []CallLog
	Total       int
	CurrentPage int
	TotalPages  int
	PerPage     int
	// Skipped are the page's calls refused for a number that is not
	// finite or too big (BAD_VALUE, naming call and field). They are left
	// out rather than failing the page: one bad record would otherwise
	// stop every later sync at this page for good.
	Skipped []*Error
}

// DecodeList decodes a list response {"data":[…],"meta":{"pagination":…}},
// or the error envelope {"error":{…}} as an *Error.
func DecodeList(b []byte) (ListPage, error) {
	var env struct {
		Data  json.RawMessage `json:"data"`
		Error *apiError       `json:"error"`
		Meta  struct {
			Pagination struct {
				Total       num `json:"total"`
				Count       num `json:"count"`
				PerPage     num `json:"per_page"`
				CurrentPage num `json:"current_page"`
				TotalPages  num `json:"total_pages"`
			} `json:"pagination"`
		} `json:"meta"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return ListPage{}, badResponse("the call list could not be read", err)
	}
	if env.Error != nil {
		return ListPage{}, env.Error.toError(0)
	}
	if len(env.Data) == 0 || bytes.Equal(env.Data, []byte("null")) {
		return ListPage{}, newError(CodeUnknownAPIError, "the response had neither data nor error", "")
	}
	var items []json.RawMessage
	if err := json.Unmarshal(env.Data, &items); err != nil {
		// Get Call in the current spec answers a single object.
		items = []json.RawMessage{env.Data}
	}
	p := env.Meta.Pagination
	for _, n := range []num{p.Total, p.Count, p.PerPage, p.CurrentPage, p.TotalPages} {
		if n.bad != "" {
			return ListPage{}, badResponse(fmt.Sprintf("the page's pagination holds %q, not a number", n.bad), nil)
		}
	}
	page := ListPage{Total: int(p.Total.int64()), CurrentPage: int(p.CurrentPage.int64()),
		TotalPages: int(p.TotalPages.int64()), PerPage: int(p.PerPage.int64()), Calls: make([]CallLog, 0, len(items))}
	for _, it := range items {
		c, err := DecodeCall(it)
		var bad *Error
		if errors.As(err, &bad) && bad.Code == CodeBadValue {
			page.Skipped = append(page.Skipped, bad)
			continue
		}
		if err != nil {
			return ListPage{}, err
		}
		page.Calls = append(page.Calls, c)
	}
	return page, nil
}

type apiError struct {
	Message    string `json:"message"`
	DevMessage string `json:"devMessage"`
	Source     string `json:"source"`
	Code       text   `json:"code"`
	Name       string `json:"name"`
	Details    string `json:"details"`
}

func (a *apiError) toError(status int) *Error {
	e := &Error{Code: string(a.Code), Name: a.Name, Message: a.Message, Details: firstText(text(a.Details), text(a.DevMessage)), HTTPStatus: status}
	if e.Code == "" {
		e.Code = CodeUnknownAPIError
	}
	if e.Name == "" {
		e.Name = "COMET_CHAT_API_ERROR"
	}
	if e.Message == "" {
		e.Message = "the CometChat API returned an error"
	}
	return e
}
