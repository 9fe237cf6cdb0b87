package calls

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStoreFiltersMatchReference(t *testing.T) {
	st, all := sampleStore(t, 2000, 7)

	var filters []Filter
	for _, typ := range []string{"", "audio", "video"} {
		for _, status := range []string{"", "ended", "unanswered", "missed", "busy"} {
			for _, dir := range []string{"", "incoming", "outgoing"} {
				for _, rec := range []bool{false, true} {
					filters = append(filters, Filter{CallType: typ, CallStatus: status, CallDirection: dir, HasRecording: rec, Me: SampleMe})
				}
			}
		}
	}
	filters = append(filters,
		Filter{UID: "sample-u3"}, Filter{GUID: "sample-g1"}, Filter{CallCategory: "meet"},
		Filter{UID: "sample-u3", CallType: "video", CallDirection: "incoming", Me: SampleMe},
		Filter{UID: "nobody"},
		Filter{Search: "grace"}, Filter{Search: "  LOVElace "}, Filter{Search: sampleGroups[1][:4]},
		Filter{Search: "hopper", CallDirection: "incoming", Me: SampleMe}, Filter{Search: "zzz"})
	for _, f := range filters {
		require.NoError(t, f.Validate())
		var want []string
		for _, c := range all { // Sample is newest first, like the store
			if f.Matches(c) {
				want = append(want, c.SessionID)
			}
		}
		n, err := st.Count(ctx, f)
		require.NoError(t, err)
		assert.Equal(t, len(want), n, "%+v", f)
		got, err := st.Calls(ctx, f, 0, 5000)
		require.NoError(t, err)
		var ids []string
		for _, c := range got {
			ids = append(ids, c.SessionID)
		}
		assert.Equal(t, want, ids, "%+v", f)
	}
}

func TestFilterValidation(t *testing.T) {
	for _, tc := range []struct {
		f  Filter
		ok bool
	}{
		{Filter{}, true},
		{Filter{Limit: 100, CallType: "video", CallStatus: "missed", CallCategory: "meet", CallDirection: "incoming", Me: "me"}, true},
		{Filter{Limit: 101}, false},
		{Filter{Limit: -1}, false},
		{Filter{CallType: "fax"}, false},
		{Filter{CallStatus: "lost"}, false},
		{Filter{CallCategory: "presenter"}, false},
		{Filter{CallDirection: "sideways", Me: "me"}, false},
		{Filter{CallDirection: "incoming"}, false},
	} {
		err := tc.f.Validate()
		if tc.ok {
			assert.NoError(t, err, "%+v", tc.f)
		} else {
			assert.Error(t, err, "%+v", tc.f)
		}
	}
	f := Filter{}
	require.NoError(t, f.Validate())
	assert.Equal(t, DefaultLimit, f.Limit)
	_, err := NewRequest(newStore(t), Filter{CallType: "fax"})
	assert.ErrorIs(t, err, ErrInvalidArgument)
}

func TestCallsFromEndMatchesCalls(t *testing.T) {
	st, _ := sampleStore(t, 237, 9)
	for _, f := range []Filter{{}, {CallType: "video"}, {Search: "ada"}} {
		n, err := st.Count(ctx, f)
		require.NoError(t, err)
		all, err := st.Calls(ctx, f, 0, n)
		require.NoError(t, err)
		for _, off := range []int{0, 1, n / 2, n - 10, n - 1} {
			want := all[max(0, off):min(n, off+10)]
			skip := n - off - 10
			limit := 10
			if skip < 0 {
				limit += skip
				skip = 0
			}
			got, err := st.CallsFromEnd(ctx, f, skip, limit)
			require.NoError(t, err)
			assert.Equal(t, want, got, "%+v offset %d", f, off)
		}
	}
}
