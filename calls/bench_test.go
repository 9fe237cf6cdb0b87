package calls

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"
)

// millionStore builds (once, then reuses from the temp dir) a store with
// 1,000,000 sample calls.
func millionStore(b *testing.B) *Store {
	path := filepath.Join(os.TempDir(), "mediadesk-bench-1m.db")
	st, err := OpenStore(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	if n, _ := st.Count(ctx, Filter{}); n == 1_000_000 {
		return st
	}
	all := Sample(1_000_000, 1, sampleNow)
	for i := 0; i < len(all); i += 10_000 {
		if err := st.Upsert(ctx, all[i:i+10_000]); err != nil {
			b.Fatal(err)
		}
	}
	if err := st.SetMeta(ctx, MetaMe, SampleMe); err != nil {
		b.Fatal(err)
	}
	return st
}

func benchFetch(b *testing.B, f Filter) {
	st := millionStore(b)
	defer st.Close()
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req, err := NewRequest(st, f)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		page, err := req.FetchNext(ctx)
		lat = append(lat, time.Since(start))
		if err != nil || len(page) != 30 {
			b.Fatalf("got %d calls, %v", len(page), err)
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkFetchNext1M: the first page of 30, newest first, of 1M calls.
func BenchmarkFetchNext1M(b *testing.B) { benchFetch(b, Filter{}) }

// BenchmarkFetchNext1MTwoFilters: video calls that have a recording.
func BenchmarkFetchNext1MTwoFilters(b *testing.B) {
	benchFetch(b, Filter{CallType: "video", HasRecording: true})
}

// BenchmarkFetchNext1MDirectionStatus: incoming missed calls (two filters
// that depend on the account's uid).
func BenchmarkFetchNext1MDirectionStatus(b *testing.B) {
	benchFetch(b, Filter{CallDirection: "incoming", CallStatus: "unanswered", Me: SampleMe})
}

// freshStore opens an empty store in a new folder, off the clock.
func freshStore(b *testing.B) *Store {
	b.StopTimer()
	defer b.StartTimer()
	st, err := OpenStore(ctx, filepath.Join(b.TempDir(), "h.db"))
	if err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkImport100k imports a 100,000-call REST list response file into a
// new store.
func BenchmarkImport100k(b *testing.B) {
	file := restFile(Sample(100_000, 2, sampleNow), true)
	b.SetBytes(int64(len(file)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st := freshStore(b)
		n, err := Import(ctx, st, bytes.NewReader(file))
		if err != nil || n != 100_000 {
			b.Fatal(n, err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}

// BenchmarkSync10k syncs 10,000 calls (100 pages) from a loopback server
// that speaks the documented REST shapes. The pages are rendered once
// beforehand, so the figure is MediaDesk's side, not the test server's.
func BenchmarkSync10k(b *testing.B) {
	f := &fakeCometChat{calls: Sample(10_000, 3, sampleNow), apiKey: "k", fail: map[int]int{}, after: map[int]string{}}
	pages := map[string][]byte{}
	for p := 1; p <= 100; p++ {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", fmt.Sprintf("/v3/calls?page=%d&perPage=100", p), nil)
		req.Header.Set("apikey", "k")
		f.ServeHTTP(rec, req)
		pages[strconv.Itoa(p)] = rec.Body.Bytes()
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(pages[r.URL.Query().Get("page")])
	}))
	defer srv.Close()
	c, err := NewClient(Account{APIKey: "k", BaseURL: srv.URL + "/v3"})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st := freshStore(b)
		p, err := Sync(ctx, c, st, nil)
		if err != nil || p.Calls != 10_000 {
			b.Fatal(p, err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}

// BenchmarkFetchNext1MNoMatch is the worst case for the store's choice of
// indices: a filter nothing matches (type + status combination that never
// occurs), so the newest-first scan reads every row.
func BenchmarkFetchNext1MNoMatch(b *testing.B) {
	st := millionStore(b)
	defer st.Close()
	req, err := NewRequest(st, Filter{CallType: "video", CallStatus: "initiated"})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req, _ = NewRequest(st, req.Filter())
		if page, err := req.FetchNext(ctx); err != nil || len(page) != 0 {
			b.Fatal(len(page), err)
		}
	}
}
