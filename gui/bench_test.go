package gui

import (
	"context"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/calls"
)

// BenchmarkHistory1M times what the history panel asks of a big store:
// one page of rows at the top, middle and end (what scrolling there
// costs), the counts behind the filter line, and the chart's query.
// MEDIADESK_BENCH_DB names a store made with
// `mediadesk calls sample --count 1000000 --db FILE`; without it the
// benchmark is skipped.
func BenchmarkHistory1M(b *testing.B) {
	path := os.Getenv("MEDIADESK_BENCH_DB")
	if path == "" {
		b.Skip("set MEDIADESK_BENCH_DB to a 1M-call store (mediadesk calls sample --count 1000000 --db FILE)")
	}
	ctx := context.Background()
	st, err := calls.OpenStore(ctx, path)
	require.NoError(b, err)
	defer st.Close()
	total, err := st.Count(ctx, calls.Filter{})
	require.NoError(b, err)
	me := calls.SampleMe
	steps := []struct {
		name string
		run  func() error
	}{
		{"page at the top", func() error { _, err := st.Calls(ctx, calls.Filter{}, 0, pageRows); return err }},
		{"page in the middle", func() error { _, err := st.Calls(ctx, calls.Filter{}, total/2, pageRows); return err }},
		{"page at the end (from the end)", func() error { _, err := st.CallsFromEnd(ctx, calls.Filter{}, 0, pageRows); return err }},
		{"page at 3/4 (from the end)", func() error { _, err := st.CallsFromEnd(ctx, calls.Filter{}, total/4, pageRows); return err }},
		{"count all", func() error { _, err := st.Count(ctx, calls.Filter{}); return err }},
		{"count missed", func() error { _, err := st.Count(ctx, calls.Filter{CallStatus: "missed", Me: me}); return err }},
		{"count search \"grace\"", func() error { _, err := st.Count(ctx, calls.Filter{Search: "grace"}); return err }},
		{"first page of search \"grace\"", func() error {
			_, err := st.Calls(ctx, calls.Filter{Search: "grace"}, 0, pageRows)
			return err
		}},
		{"search \"zz\" (no match), first page", func() error {
			_, err := st.Calls(ctx, calls.Filter{Search: "zz"}, 0, pageRows)
			return err
		}},
		{"chart, 30 days", func() error { _, err := st.DailyMinutes(ctx, time.Now(), 30); return err }},
	}
	for i := 0; i < b.N; i++ {
		for _, s := range steps {
			var ds []time.Duration
			for j := 0; j < 5; j++ {
				t0 := time.Now()
				require.NoError(b, s.run())
				ds = append(ds, time.Since(t0))
			}
			sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
			b.Logf("%-32s median %8.2f ms  (max %8.2f ms)", s.name, float64(ds[2].Microseconds())/1000, float64(ds[4].Microseconds())/1000)
		}
	}
}
