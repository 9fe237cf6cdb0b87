package calls

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUpsertIsIdempotent(t *testing.T) {
	st, calls := sampleStore(t, 50, 1)
	require.NoError(t, st.Upsert(ctx, calls))
	n, _ := st.Count(ctx, Filter{})
	assert.Equal(t, 50, n)

	changed := calls[3]
	changed.Status = "rejected"
	changed.Participants = changed.Participants[:1]
	require.NoError(t, st.Upsert(ctx, []CallLog{changed}))
	got, err := st.Call(ctx, changed.SessionID)
	require.NoError(t, err)
	assert.Equal(t, changed, got, "the newer copy replaces the old one, members too")
	n, _ = st.Count(ctx, Filter{})
	assert.Equal(t, 50, n)

	_, err = st.Call(ctx, "nope")
	assert.ErrorIs(t, err, ErrNotFound)
	assert.ErrorIs(t, st.Upsert(ctx, []CallLog{{}}), ErrInvalidArgument, "no sessionId")
}

// The same call twice in one batch (a file that lists it twice) is stored
// as its last version, and only that version's members find it.
func TestUpsertDuplicateInOneBatch(t *testing.T) {
	st := newStore(t)
	calls := Sample(600, 2, sampleNow) // more member rows than one INSERT carries
	first := calls[10]
	second := first
	second.InitiatedAt += 60
	second.Participants = []Participant{{UID: "late-joiner", Name: "Late Joiner"}}
	second.Initiator.UID = "someone-else"
	batch := append(append([]CallLog{first}, calls[:10]...), second)
	batch = append(batch, calls[11:]...)
	require.NoError(t, st.Upsert(ctx, batch))

	got, err := st.Call(ctx, first.SessionID)
	require.NoError(t, err)
	assert.Equal(t, second, got)
	n, err := st.Count(ctx, Filter{UID: "late-joiner"})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	for _, p := range first.Participants {
		if p.UID == second.Initiator.UID || p.UID == second.Receiver.ID() {
			continue
		}
		ids, err := st.Calls(ctx, Filter{UID: p.UID}, 0, 1000)
		require.NoError(t, err)
		for _, c := range ids {
			assert.NotEqual(t, first.SessionID, c.SessionID, "%s was only in the first version", p.UID)
		}
	}
	n, err = st.Count(ctx, Filter{})
	require.NoError(t, err)
	assert.Equal(t, 600, n)
}
