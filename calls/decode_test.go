package calls

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A list item as the current docs show it: initiator/receiver are uid
// strings, floats for minutes, "totalDuration" on participants.
const restListItem = `{
  "sessionId": "v1.us.2443f5f8.1711447063b1c2",
  "totalAudioMinutes": 0.31666666666666665,
  "totalVideoMinutes": 0,
  "totalDuration": "00:00:19",
  "totalDurationInMinutes": 0.31666666666666665,
  "hasRecording": true,
  "initiatedAt": 1711447063,
  "startedAt": 1711447060,
  "endedAt": 1711447082,
  "mode": "call",
  "type": "audio",
  "status": "ended",
  "receiverType": "user",
  "totalParticipants": 2,
  "mid": "5f0c7b3e-2b33-4c2b-a3c1-9a1e1c0f7d11",
  "initiator": "cometchat-uid-8",
  "receiver": "cometchat-uid-2",
  "participants": [
    {"uid": "cometchat-uid-8", "totalAudioMinutes": 0.3, "totalVideoMinutes": 0, "totalDuration": 0.3,
     "isJoined": true, "state": "ended", "deviceId": "70a4b2f1@rtc.example/abc", "joinedAt": 1711447064, "leftAt": 1711447082,
     "mid": "p-1", "name": "Henry", "avatar": "https://example.com/h.png"},
    {"uid": "cometchat-uid-2", "totalAudioMinutes": "0.2", "totalDurationInMinutes": 0.2, "isJoined": false, "state": "unanswered"}
  ],
  "recordings": [
    {"rid": "r-1", "recording_url": "https://example.com/r1.mp4", "startTime": 1711447065, "endTime": 1711447080, "duration": 0.25},
    {"rid": "r-2", "recording_url": "https://example.com/r2.mp4", "duration": 1.5}
  ]
}`

// The v3.0 Get Call shape: entities carry names and avatars, a group call.
const restGroupWithEntities = `{
  "sessionId": "v1.us.2443f5f8.group1", "type": "video", "mode": "meet", "status": "ongoing",
  "receiverType": "group", "initiator": "cometchat-uid-1", "receiver": "cometchat-guid-1",
  "initiatedAt": 1711447000, "totalParticipants": "3", "hasRecording": false,
  "participants": [],
  "data": {"entities": {
    "initiator": {"entity": {"uid": "cometchat-uid-1", "name": "Andrew Joseph", "avatar": "https://example.com/a.png"}},
    "receiver": {"entity": {"guid": "cometchat-guid-1", "name": "Hiking Group", "icon": "https://example.com/g.png"}}
  }}
}`

func TestDecodeCallFieldByField(t *testing.T) {
	c, err := DecodeCall([]byte(restListItem))
	require.NoError(t, err)
	assert.Equal(t, "v1.us.2443f5f8.1711447063b1c2", c.SessionID)
	assert.InDelta(t, 0.3166, c.TotalAudioMinutes, 0.001)
	assert.Equal(t, 0.0, c.TotalVideoMinutes)
	assert.Equal(t, "00:00:19", c.TotalDuration)
	assert.InDelta(t, 0.3166, c.TotalDurationInMinutes, 0.001)
	assert.True(t, c.HasRecording)
	assert.Equal(t, int64(1711447063), c.InitiatedAt, "initiatedAt wins over startedAt")
	assert.Equal(t, int64(1711447082), c.EndedAt)
	assert.Equal(t, "call", c.CallCategory, "mode → callCategory")
	assert.Equal(t, "audio", c.Type)
	assert.Equal(t, "ended", c.Status)
	assert.Equal(t, "user", c.ReceiverType)
	assert.Equal(t, 2, c.TotalParticipants)
	assert.Equal(t, "5f0c7b3e-2b33-4c2b-a3c1-9a1e1c0f7d11", c.MID)
	assert.Equal(t, CallUser{UID: "cometchat-uid-8", Name: "Henry", Avatar: "https://example.com/h.png"}, c.Initiator,
		"without entities, the name comes from the participant")
	require.NotNil(t, c.Receiver.User)
	assert.Equal(t, "cometchat-uid-2", c.Receiver.User.UID)
	assert.False(t, c.Receiver.IsGroup())

	require.Len(t, c.Participants, 2)
	p := c.Participants[0]
	assert.Equal(t, "cometchat-uid-8", p.UID)
	assert.Equal(t, "Henry", p.Name)
	assert.InDelta(t, 0.3, p.TotalDurationInMinutes, 1e-9, "totalDuration → totalDurationInMinutes")
	assert.True(t, p.HasJoined, "isJoined → hasJoined")
	assert.Equal(t, "70a4b2f1@rtc.example/abc", p.DeviceID, "deviceId → deviceID")
	assert.Equal(t, int64(1711447064), p.JoinedAt)
	assert.Equal(t, int64(1711447082), p.LeftAt)
	assert.Equal(t, "p-1", p.MID)
	assert.Equal(t, "ended", p.State)
	q := c.Participants[1]
	assert.InDelta(t, 0.2, q.TotalAudioMinutes, 1e-9, "numbers as strings")
	assert.InDelta(t, 0.2, q.TotalDurationInMinutes, 1e-9)
	assert.False(t, q.HasJoined)

	require.Len(t, c.Recordings, 2)
	assert.Equal(t, Recording{RID: "r-1", RecordingURL: "https://example.com/r1.mp4", StartTime: 1711447065, EndTime: 1711447080, Duration: 15},
		c.Recordings[0], "duration in seconds from endTime − startTime")
	assert.Equal(t, 90.0, c.Recordings[1].Duration, "without times, the REST duration is minutes")
}

func TestDecodeGroupWithEntities(t *testing.T) {
	c, err := DecodeCall([]byte(restGroupWithEntities))
	require.NoError(t, err)
	assert.Equal(t, "meet", c.CallCategory)
	assert.Equal(t, CallUser{UID: "cometchat-uid-1", Name: "Andrew Joseph", Avatar: "https://example.com/a.png"}, c.Initiator)
	require.True(t, c.Receiver.IsGroup())
	assert.Equal(t, CallGroup{GUID: "cometchat-guid-1", Name: "Hiking Group", Icon: "https://example.com/g.png"}, *c.Receiver.Group)
	assert.Equal(t, 3, c.TotalParticipants)
	assert.Equal(t, "00:00:00", c.TotalDuration)
	assert.NotNil(t, c.Participants)
	assert.NotNil(t, c.Recordings)
}

func TestDecodeVariants(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		check    func(t *testing.T, c CallLog)
	}{
		{"startedAt stands in for initiatedAt", `{"sessionId":"s","startedAt":1700000000,"initiator":"a","receiver":"b"}`,
			func(t *testing.T, c CallLog) { assert.Equal(t, int64(1700000000), c.InitiatedAt) }},
		{"totalDuration as seconds", `{"sessionId":"s","totalDuration":3725}`,
			func(t *testing.T, c CallLog) { assert.Equal(t, "01:02:05", c.TotalDuration) }},
		{"totalDuration derived from minutes", `{"sessionId":"s","totalDurationInMinutes":1.5}`,
			func(t *testing.T, c CallLog) { assert.Equal(t, "00:01:30", c.TotalDuration) }},
		{"minutes summed when the total is missing", `{"sessionId":"s","totalAudioMinutes":1,"totalVideoMinutes":2}`,
			func(t *testing.T, c CallLog) { assert.Equal(t, 3.0, c.TotalDurationInMinutes) }},
		{"joinedAt counts as joined", `{"sessionId":"s","participants":[{"uid":"u","joinedAt":5}]}`,
			func(t *testing.T, c CallLog) { assert.True(t, c.Participants[0].HasJoined) }},
		{"integer timestamps as floats", `{"sessionId":"s","initiatedAt":1.7e9}`,
			func(t *testing.T, c CallLog) { assert.Equal(t, int64(1700000000), c.InitiatedAt) }},
		{"a recording makes hasRecording true", `{"sessionId":"s","hasRecording":false,"recordings":[{"rid":"r"}]}`,
			func(t *testing.T, c CallLog) { assert.True(t, c.HasRecording) }},
		{"group receiver without entities", `{"sessionId":"s","receiverType":"group","receiver":"g1"}`,
			func(t *testing.T, c CallLog) { assert.Equal(t, "g1", c.Receiver.Group.GUID) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := DecodeCall([]byte(tc.in))
			require.NoError(t, err)
			tc.check(t, c)
		})
	}
	for _, bad := range []string{`{}`, `[]`, `{"sessionId":"s","initiatedAt":"soon"}`, `{"sessionId":"s","hasRecording":"maybe"}`, `not json`} {
		_, err := DecodeCall([]byte(bad))
		assert.ErrorIs(t, err, ErrBadResponse, bad)
	}
}

func TestCallLogJSONKeysAndRoundTrip(t *testing.T) {
	for _, in := range []string{restListItem, restGroupWithEntities} {
		c, err := DecodeCall([]byte(in))
		require.NoError(t, err)
		b, err := json.Marshal(c)
		require.NoError(t, err)
		var m map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(b, &m))
		var keys []string
		for k := range m {
			keys = append(keys, k)
		}
		assert.ElementsMatch(t, []string{"sessionId", "totalAudioMinutes", "totalVideoMinutes", "totalDuration",
			"totalDurationInMinutes", "hasRecording", "initiatedAt", "endedAt", "callCategory", "type", "status",
			"receiverType", "totalParticipants", "mid", "initiator", "receiver", "participants", "recordings"}, keys)
		var back CallLog
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, c, back, "round-trips, receiver kind included")
	}
	c, _ := DecodeCall([]byte(restListItem))
	b, _ := json.Marshal(c.Participants[0])
	assert.Contains(t, string(b), `"deviceID"`)
	assert.Contains(t, string(b), `"hasJoined"`)
	b, _ = json.Marshal(c.Recordings[0])
	assert.Contains(t, string(b), `"recordingUrl"`)
}

func TestDecodeListAndErrors(t *testing.T) {
	p, err := DecodeList([]byte(`{"data":[` + restListItem + `],"meta":{"pagination":{"total":41,"count":1,"per_page":1,"current_page":2,"total_pages":41}}}`))
	require.NoError(t, err)
	assert.Len(t, p.Calls, 1)
	assert.Equal(t, 41, p.Total)
	assert.Equal(t, 2, p.CurrentPage)
	assert.Equal(t, 41, p.TotalPages)

	_, err = DecodeList([]byte(`{"error":{"message":"The apikey is invalid.","devMessage":"no such key","source":"calls-api","code":"AUTH_ERR_APIKEY_NOT_FOUND"}}`))
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "AUTH_ERR_APIKEY_NOT_FOUND", e.Code)
	assert.Equal(t, "The apikey is invalid.", e.Message)
	assert.Equal(t, "no such key", e.Details)

	_, err = DecodeList([]byte(`{}`))
	assert.ErrorIs(t, err, &Error{Code: CodeUnknownAPIError})
	_, err = DecodeList([]byte(`{"data":[{"sessionId":`))
	assert.ErrorIs(t, err, ErrBadResponse)
}

func FuzzDecodeCall(f *testing.F) {
	f.Add([]byte(restListItem))
	f.Add([]byte(restGroupWithEntities))
	f.Add([]byte(`{"sessionId":"s","receiver":{"guid":"g"},"initiator":{"uid":1}}`))
	// Non-finite and huge numbers (issue #13, point 5): each must be refused.
	f.Add([]byte(`{"sessionId":"s","totalAudioMinutes":"NaN"}`))
	f.Add([]byte(`{"sessionId":"s","initiatedAt":"Inf"}`))
	f.Add([]byte(`{"sessionId":"s","endedAt":"-Infinity","startedAt":"+inf"}`))
	f.Add([]byte(`{"sessionId":"s","initiatedAt":1e400}`))
	f.Add([]byte(`{"sessionId":"s","initiatedAt":1e300,"totalParticipants":1e19}`))
	f.Add([]byte(`{"sessionId":"s","totalDuration":1e300}`))
	f.Add([]byte(`{"sessionId":"s","participants":[{"uid":"u","joinedAt":"NaN","totalDuration":"Inf"}]}`))
	f.Add([]byte(`{"sessionId":"s","recordings":[{"rid":"r","duration":"nan","startTime":-1e300}]}`))
	f.Add([]byte(`{"sessionId":"s","totalAudioMinutes":9e15,"totalVideoMinutes":9e15,"recordings":[{"duration":1e15}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := DecodeCall(b)
		if err != nil {
			return
		}
		if c.SessionID == "" {
			t.Fatal("decoded a call without a sessionId")
		}
		if err := c.check(); err != nil {
			t.Fatalf("a decoded call holds a number the store refuses: %v", err)
		}
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("a decoded call must marshal: %v", err)
		}
		var back CallLog
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("and read back: %v", err)
		}
	})
}

// Numbers that parse but are not finite, or too big to mean anything, are
// refused at decode time with an error naming the call and the field
// (issue #13, point 5).
func TestDecodeRejectsNonFiniteNumbers(t *testing.T) {
	for _, tc := range []struct{ in, field string }{
		{`{"sessionId":"s1","initiatedAt":"Inf"}`, "initiatedAt"},
		{`{"sessionId":"s1","totalAudioMinutes":"NaN"}`, "totalAudioMinutes"},
		{`{"sessionId":"s1","totalVideoMinutes":"-Infinity"}`, "totalVideoMinutes"},
		{`{"sessionId":"s1","endedAt":1e400}`, "endedAt"},
		{`{"sessionId":"s1","initiatedAt":1e300}`, "initiatedAt"},
		{`{"sessionId":"s1","startedAt":"-9.3e18"}`, "startedAt"},
		{`{"sessionId":"s1","totalParticipants":"+Inf"}`, "totalParticipants"},
		{`{"sessionId":"s1","totalDurationInMinutes":"nan"}`, "totalDurationInMinutes"},
		{`{"sessionId":"s1","totalDuration":1e300}`, "totalDuration"},
		{`{"sessionId":"s1","participants":[{"uid":"u"},{"uid":"v","joinedAt":"Infinity"}]}`, "participants[1].joinedAt"},
		{`{"sessionId":"s1","participants":[{"uid":"u","totalDuration":"NaN"}]}`, "participants[0].totalDuration"},
		{`{"sessionId":"s1","recordings":[{"rid":"r","duration":"NaN"}]}`, "recordings[0].duration"},
		{`{"sessionId":"s1","recordings":[{"rid":"r","startTime":1e19}]}`, "recordings[0].startTime"},
		{`{"sessionId":"s1","totalAudioMinutes":9e15,"totalVideoMinutes":9e15}`, "totalDurationInMinutes"},
		{`{"sessionId":"s1","recordings":[{"rid":"r","duration":1e15}]}`, "recordings[0].duration"},
	} {
		_, err := DecodeCall([]byte(tc.in))
		require.ErrorIs(t, err, ErrBadValue, tc.in)
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Contains(t, e.Message, `"s1"`, "names the call: %s", tc.in)
		assert.Contains(t, e.Message, tc.field+" ", "names the field: %s", tc.in)
	}
	// The largest exact integer is still a number; so are ordinary floats.
	c, err := DecodeCall([]byte(`{"sessionId":"s1","initiatedAt":9007199254740992,"totalAudioMinutes":"1e3"}`))
	require.NoError(t, err)
	assert.Equal(t, int64(1<<53), c.InitiatedAt)

	// A list page keeps its good calls and names the skipped one.
	p, err := DecodeList([]byte(`{"data":[{"sessionId":"a"},{"sessionId":"b","initiatedAt":"Inf"},{"sessionId":"c"}],
		"meta":{"pagination":{"total":3,"total_pages":1}}}`))
	require.NoError(t, err)
	require.Len(t, p.Calls, 2)
	assert.Equal(t, "c", p.Calls[1].SessionID)
	require.Len(t, p.Skipped, 1)
	assert.Contains(t, p.Skipped[0].Message, `"b"`)
	// Pagination that is not a number fails the page: nothing to skip to.
	_, err = DecodeList([]byte(`{"data":[],"meta":{"pagination":{"total_pages":"NaN"}}}`))
	assert.ErrorIs(t, err, ErrBadResponse)

	// The SDK (export) shape is held to the same rule on import.
	_, err = decodeAny([]byte(`{"sessionId":"s1","callCategory":"call","initiator":{"uid":"a"},"totalAudioMinutes":1e300}`))
	assert.ErrorIs(t, err, ErrBadValue)
}
