package calls

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDailyMinutes(t *testing.T) {
	st := newStore(t)
	loc := time.FixedZone("UTC+5", 5*3600)
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, loc)
	at := func(day, hour int) int64 { return time.Date(2026, 11, day, hour, 0, 0, 0, loc).Unix() }
	require.NoError(t, st.Upsert(ctx, []CallLog{
		{SessionID: "a", InitiatedAt: at(20, 1), Type: "audio", TotalDurationInMinutes: 2.5},
		{SessionID: "b", InitiatedAt: at(20, 9), Type: "video", TotalDurationInMinutes: 10},
		{SessionID: "c", InitiatedAt: at(19, 23), Type: "audio", TotalDurationInMinutes: 1},
		{SessionID: "d", InitiatedAt: at(18, 0), Type: "video", TotalDurationInMinutes: 4},
		{SessionID: "e", InitiatedAt: at(17, 23), Type: "audio", TotalDurationInMinutes: 99}, // before the window
		{SessionID: "f", InitiatedAt: at(21, 0), Type: "audio", TotalDurationInMinutes: 99},  // after it
	}))
	got, err := st.DailyMinutes(ctx, now, 3)
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, time.Date(2026, 11, 18, 0, 0, 0, 0, loc), got[0].Day)
	assert.Equal(t, DayMinutes{Day: got[0].Day, Video: 4}, got[0])
	assert.Equal(t, DayMinutes{Day: got[1].Day, Audio: 1}, got[1])
	assert.Equal(t, DayMinutes{Day: got[2].Day, Audio: 2.5, Video: 10}, got[2])

	none, err := st.DailyMinutes(ctx, now, 0)
	require.NoError(t, err)
	assert.Empty(t, none)
}
