package calls

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeCometChat serves GET /calls in the documented REST shape from a set
// of calls (encoded back to REST: uid strings, mode, isJoined, recording_url,
// entities), with the filters the SDK sends, and can be told to fail.
type fakeCometChat struct {
	mu      sync.Mutex
	calls   []CallLog
	apiKey  string
	fail    map[int]int    // page -> HTTP status to answer once
	after   map[int]string // page -> Retry-After value with the failure
	hits    atomic.Int32
	queries []string
}

func toREST(c CallLog) map[string]any {
	parts := []map[string]any{}
	for _, p := range c.Participants {
		parts = append(parts, map[string]any{"uid": p.UID, "name": p.Name, "totalAudioMinutes": p.TotalAudioMinutes,
			"totalVideoMinutes": p.TotalVideoMinutes, "totalDuration": p.TotalDurationInMinutes, "isJoined": p.HasJoined,
			"deviceId": p.DeviceID, "joinedAt": p.JoinedAt, "leftAt": p.LeftAt, "state": p.State, "mid": p.MID})
	}
	recs := []map[string]any{}
	for _, r := range c.Recordings {
		recs = append(recs, map[string]any{"rid": r.RID, "recording_url": r.RecordingURL, "startTime": r.StartTime,
			"endTime": r.EndTime, "duration": r.Duration / 60})
	}
	recv := map[string]any{"uid": c.Receiver.ID(), "name": c.Receiver.Name()}
	if c.Receiver.IsGroup() {
		recv = map[string]any{"guid": c.Receiver.ID(), "name": c.Receiver.Name(), "icon": c.Receiver.Group.Icon}
	}
	return map[string]any{"sessionId": c.SessionID, "type": c.Type, "mode": c.CallCategory, "status": c.Status,
		"receiverType": c.ReceiverType, "initiator": c.Initiator.UID, "receiver": c.Receiver.ID(),
		"initiatedAt": c.InitiatedAt, "endedAt": c.EndedAt, "totalAudioMinutes": c.TotalAudioMinutes,
		"totalVideoMinutes": c.TotalVideoMinutes, "totalDurationInMinutes": c.TotalDurationInMinutes,
		"totalDuration": c.TotalDuration, "totalParticipants": c.TotalParticipants, "hasRecording": c.HasRecording,
		"mid": c.MID, "participants": parts, "recordings": recs,
		"data": map[string]any{"entities": map[string]any{
			"initiator": map[string]any{"entity": map[string]any{"uid": c.Initiator.UID, "name": c.Initiator.Name, "avatar": c.Initiator.Avatar}},
			"receiver":  map[string]any{"entity": recv}}}}
}

func (f *fakeCometChat) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.hits.Add(1)
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path != "/v3/calls" {
		w.WriteHeader(404)
		fmt.Fprint(w, `{"error":{"message":"Not found","code":"ERR_NOT_FOUND"}}`)
		return
	}
	if r.Header.Get("apikey") != f.apiKey && r.Header.Get("authToken") == "" {
		w.WriteHeader(401)
		fmt.Fprint(w, `{"error":{"message":"The apikey is invalid.","devMessage":"check the key","source":"calls","code":"AUTH_ERR_APIKEY_NOT_FOUND"}}`)
		return
	}
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	per, _ := strconv.Atoi(q.Get("perPage"))
	f.mu.Lock()
	f.queries = append(f.queries, r.URL.RawQuery)
	if st, ok := f.fail[page]; ok {
		delete(f.fail, page)
		if v := f.after[page]; v != "" {
			w.Header().Set("Retry-After", v)
		}
		f.mu.Unlock()
		w.WriteHeader(st)
		fmt.Fprint(w, `{"error":{"message":"slow down","code":"ERR_TOO_MANY"}}`)
		return
	}
	var matched []CallLog
	flt := Filter{CallType: q.Get("type"), CallStatus: q.Get("status"), CallCategory: q.Get("mode"), UID: q.Get("uid"), GUID: q.Get("guid"),
		HasRecording: q.Get("hasRecording") == "true"}
	for _, c := range f.calls {
		if flt.Matches(c) {
			matched = append(matched, c)
		}
	}
	f.mu.Unlock()
	pages := (len(matched) + per - 1) / per
	var data []map[string]any
	for i := (page - 1) * per; i < page*per && i < len(matched) && i >= 0; i++ {
		data = append(data, toREST(matched[i]))
	}
	if data == nil {
		data = []map[string]any{}
	}
	json.NewEncoder(w).Encode(map[string]any{"data": data, "meta": map[string]any{"pagination": map[string]any{
		"total": len(matched), "count": len(data), "per_page": per, "current_page": page, "total_pages": pages}}})
}

func fakeServer(t *testing.T, calls []CallLog) (*fakeCometChat, Account) {
	f := &fakeCometChat{calls: calls, apiKey: "secret-key", fail: map[int]int{}, after: map[int]string{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, Account{AppID: "app1", Region: "us", APIKey: "secret-key", OnBehalfOf: SampleMe, BaseURL: srv.URL + "/v3"}
}

func fastClient(t *testing.T, a Account) *Client {
	c, err := NewClient(a)
	require.NoError(t, err)
	c.Backoff = 10 * time.Millisecond
	return c
}

func TestSyncMapsEveryCall(t *testing.T) {
	all := Sample(250, 9, sampleNow)
	_, acct := fakeServer(t, all)
	st := newStore(t)
	var reports []SyncProgress
	p, err := Sync(ctx, fastClient(t, acct), st, func(p SyncProgress) { reports = append(reports, p) })
	require.NoError(t, err)
	assert.Equal(t, 250, p.Calls)
	assert.Equal(t, 3, len(reports), "one report a page of 100")
	assert.Equal(t, 3, reports[2].TotalPages)
	for _, want := range all {
		got, err := st.Call(ctx, want.SessionID)
		require.NoError(t, err)
		assert.Equal(t, want, got, "REST → model is faithful for %s", want.SessionID)
	}
	me, _ := st.Meta(ctx, MetaMe)
	assert.Equal(t, SampleMe, me, "the account's uid is kept for direction filters")
}

func TestSyncResumesAfterFailure(t *testing.T) {
	all := Sample(350, 4, sampleNow)
	f, acct := fakeServer(t, all)
	f.fail[3] = 400 // not retryable
	st := newStore(t)
	c := fastClient(t, acct)
	_, err := Sync(ctx, c, st, nil)
	require.Error(t, err)
	n, _ := st.Count(ctx, Filter{})
	assert.Equal(t, 200, n, "the pages stored before the failure stay")

	f.mu.Lock()
	f.queries = nil
	f.mu.Unlock()
	_, err = Sync(ctx, c, st, nil)
	require.NoError(t, err)
	n, _ = st.Count(ctx, Filter{})
	assert.Equal(t, 350, n)
	assert.Contains(t, f.queries[0], "page=3", "the re-run resumes where it stopped")
}

func TestRESTErrorsAndRetries(t *testing.T) {
	all := Sample(30, 2, sampleNow)

	t.Run("bad key: the server's code", func(t *testing.T) {
		_, acct := fakeServer(t, all)
		acct.APIKey = "wrong"
		_, err := fastClient(t, acct).List(ctx, Filter{Limit: 10}, 1)
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, "AUTH_ERR_APIKEY_NOT_FOUND", e.Code)
		assert.Equal(t, 401, e.HTTPStatus)
		assert.NotContains(t, err.Error(), "wrong", "keys never appear in errors")
	})
	t.Run("404", func(t *testing.T) {
		_, acct := fakeServer(t, all)
		acct.BaseURL += "/nope"
		_, err := fastClient(t, acct).List(ctx, Filter{Limit: 10}, 1)
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, 404, e.HTTPStatus)
	})
	t.Run("429 with Retry-After, then success", func(t *testing.T) {
		f, acct := fakeServer(t, all)
		f.fail[1], f.after[1] = 429, "1"
		c := fastClient(t, acct)
		var waits []time.Duration
		c.sleep = func(_ context.Context, d time.Duration) error {
			waits = append(waits, d)
			return nil
		}
		p, err := c.List(ctx, Filter{Limit: 10}, 1)
		require.NoError(t, err)
		assert.Len(t, p.Calls, 10)
		assert.Equal(t, []time.Duration{time.Second}, waits, "Retry-After honoured (not the 10 ms backoff)")
		assert.Equal(t, int32(2), f.hits.Load())
	})
	t.Run("500 retried", func(t *testing.T) {
		f, acct := fakeServer(t, all)
		f.fail[1] = 500
		_, err := fastClient(t, acct).List(ctx, Filter{Limit: 10}, 1)
		require.NoError(t, err)
		assert.Equal(t, int32(2), f.hits.Load())
	})
	t.Run("500 for good: gives up with the status", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
		defer srv.Close()
		c := fastClient(t, Account{APIKey: "k", BaseURL: srv.URL})
		c.Retries = 2
		_, err := c.List(ctx, Filter{Limit: 10}, 1)
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, 503, e.HTTPStatus)
		assert.Equal(t, CodeHTTP, e.Code)
	})
	t.Run("truncated body", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			fmt.Fprint(w, `{"data":[{"sessionId":`)
		}))
		defer srv.Close()
		c := fastClient(t, Account{APIKey: "k", BaseURL: srv.URL})
		c.Retries = 1
		_, err := c.List(ctx, Filter{Limit: 10}, 1)
		require.Error(t, err)
		var e *Error
		require.ErrorAs(t, err, &e)
	})
	t.Run("malformed JSON", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"data": [1, 2`) }))
		defer srv.Close()
		_, err := fastClient(t, Account{APIKey: "k", BaseURL: srv.URL}).List(ctx, Filter{Limit: 10}, 1)
		assert.ErrorIs(t, err, ErrBadResponse)
	})
	t.Run("oversized body", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"data":[`)
			for i := 0; i < 2000; i++ {
				fmt.Fprint(w, `{"sessionId":"x"},`)
			}
		}))
		defer srv.Close()
		c := fastClient(t, Account{APIKey: "k", BaseURL: srv.URL})
		c.MaxBody = 1 << 10
		_, err := c.List(ctx, Filter{Limit: 10}, 1)
		assert.ErrorIs(t, err, ErrBadResponse)
	})
	t.Run("slow server: timeout, and cancellation", func(t *testing.T) {
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}))
		defer srv.Close()
		defer close(release)
		c := fastClient(t, Account{APIKey: "k", BaseURL: srv.URL})
		c.HTTP.Timeout = 100 * time.Millisecond
		c.Retries = 0
		_, err := c.List(ctx, Filter{Limit: 10}, 1)
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, CodeNetwork, e.Code)

		c.HTTP.Timeout = time.Minute
		cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_, err = c.List(cctx, Filter{Limit: 10}, 1)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
}

func TestRESTSourceWithFilters(t *testing.T) {
	all := Sample(120, 6, sampleNow)
	f, acct := fakeServer(t, all)
	req, err := NewRequest(fastClient(t, acct), Filter{Limit: 20, CallType: "video", HasRecording: true, UID: "sample-u2"})
	require.NoError(t, err)
	var got []CallLog
	for {
		page, err := req.FetchNext(ctx)
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		got = append(got, page...)
	}
	want := Filter{CallType: "video", HasRecording: true, UID: "sample-u2"}
	n := 0
	for _, c := range all {
		if want.Matches(c) {
			n++
		}
	}
	assert.Len(t, got, n)
	assert.Contains(t, f.queries[0], "type=video")
	assert.Contains(t, f.queries[0], "hasRecording=true")
	assert.Contains(t, f.queries[0], "perPage=20")
	assert.Contains(t, f.queries[0], "uid=sample-u2")
}

func TestAccountValidation(t *testing.T) {
	for _, tc := range []struct {
		a    Account
		code string
	}{
		{Account{AppID: "a", Region: "us"}, CodeNotEnoughParameters},
		{Account{AppID: "a", Region: "mars", APIKey: "k"}, CodeInvalidSettings},
		{Account{AppID: "a/b", Region: "us", APIKey: "k"}, CodeInvalidSettings},
		{Account{APIKey: "k", AuthToken: "t", AppID: "a", Region: "us"}, CodeInvalidSettings},
		{Account{APIKey: "k", BaseURL: "http://calls.example.com/v3"}, CodeInvalidSettings},
	} {
		_, err := NewClient(tc.a)
		assert.ErrorIs(t, err, &Error{Code: tc.code}, "%+v", tc.a)
	}
	for _, ok := range []Account{
		{AppID: "abc123", Region: "EU", APIKey: "k"},
		{APIKey: "k", BaseURL: "http://127.0.0.1:8080/v3"},
		{AuthToken: "t", BaseURL: "http://localhost:1/v3"},
	} {
		_, err := NewClient(ok)
		assert.NoError(t, err, "%+v", ok)
	}
	assert.NotContains(t, fmt.Sprint(Account{APIKey: "supersecret", AppID: "a"}), "supersecret")
}

func TestQueryMapsEveryFilter(t *testing.T) {
	f := Filter{Limit: 25, CallType: "video", CallStatus: "busy", HasRecording: true, CallCategory: "meet",
		CallDirection: "incoming", Me: "me", UID: "u1", GUID: "g1"}
	require.NoError(t, f.Validate())
	q := query(f, 3)
	assert.Equal(t, map[string][]string{"page": {"3"}, "perPage": {"25"}, "type": {"video"}, "status": {"busy"},
		"hasRecording": {"true"}, "mode": {"meet"}, "direction": {"incoming"}, "uid": {"u1"}, "guid": {"g1"}},
		map[string][]string(q), "the SDK's query keys; callCategory goes as mode")
	q = query(Filter{Limit: 30}, 1)
	assert.Equal(t, map[string][]string{"page": {"1"}, "perPage": {"30"}}, map[string][]string(q),
		"hasRecording=false is never sent, as in the SDK")
}

// Keys travel in custom headers, which Go forwards on a redirect; a
// redirect to another host or scheme is refused before anything is sent
// there (issue #13, point 2).
func TestRESTRefusesRedirectToAnotherHost(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		fmt.Fprint(w, `{"data":[{"sessionId":"planted"}],"meta":{"pagination":{"total_pages":1}}}`)
	}))
	defer other.Close()
	f := &fakeCometChat{calls: Sample(5, 1, sampleNow), apiKey: "secret-key", fail: map[int]int{}, after: map[int]string{}}
	var target string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away/calls":
			http.Redirect(w, r, target+"/v3/calls?"+r.URL.RawQuery, http.StatusFound)
		case "/moved/calls":
			http.Redirect(w, r, "/v3/calls?"+r.URL.RawQuery, http.StatusMovedPermanently)
		default:
			f.ServeHTTP(w, r)
		}
	}))
	defer srv.Close()
	acct := Account{AppID: "app1", APIKey: "secret-key", OnBehalfOf: "me", BaseURL: srv.URL + "/away"}

	for name, to := range map[string]string{
		"another host (port)": other.URL,
		"another scheme":      "https://" + strings.TrimPrefix(srv.URL, "http://"),
	} {
		t.Run(name, func(t *testing.T) {
			target = to
			st := newStore(t)
			_, err := Sync(ctx, fastClient(t, acct), st, nil)
			require.ErrorIs(t, err, ErrRedirectRefused)
			assert.Contains(t, err.Error(), strings.SplitN(to, "/", 4)[2], "says where it was sent")
			assert.NotContains(t, err.Error(), "secret-key")
			assert.Equal(t, int32(0), elsewhere.Load(), "nothing reached the other server")
			n, err := st.Count(ctx, Filter{})
			require.NoError(t, err)
			assert.Zero(t, n, "nothing stored")
		})
	}
	t.Run("same host and scheme: followed", func(t *testing.T) {
		acct.BaseURL = srv.URL + "/moved"
		st := newStore(t)
		p, err := Sync(ctx, fastClient(t, acct), st, nil)
		require.NoError(t, err)
		assert.Equal(t, 5, p.Calls)
	})
}

// A body cut short is a network failure, retried like one (issue #13,
// point 8).
func TestRESTTruncatedBodyIsRetried(t *testing.T) {
	var hits atomic.Int32
	var cutUntil atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		body := `{"data":[{"sessionId":"s1"}],"meta":{"pagination":{"total":1,"total_pages":1}}}`
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if n <= cutUntil.Load() {
			body = body[:20] // the server hangs up mid-body
		}
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	c := fastClient(t, Account{APIKey: "k", BaseURL: srv.URL})
	c.Retries = 2

	cutUntil.Store(1)
	p, err := c.List(ctx, Filter{Limit: 10}, 1)
	require.NoError(t, err, "the second attempt gets the whole body")
	assert.Len(t, p.Calls, 1)
	assert.Equal(t, int32(2), hits.Load())

	hits.Store(0)
	cutUntil.Store(100)
	_, err = c.List(ctx, Filter{Limit: 10}, 1)
	require.ErrorIs(t, err, &Error{Code: CodeNetwork})
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, int32(3), hits.Load(), "the first attempt and two retries")
}

// An app id becomes a host name: only what CometChat issues (letters,
// digits, - and _) is accepted (issue #13, point 9).
func TestAccountAppIDAllowlist(t *testing.T) {
	for _, bad := range []string{"x?y", "x#y", "x/y", "a.b", "a b", "x@y", "x:1", "ü1", "%41", "x\n", "x\\y", "",
		strings.Repeat("a", 64)} {
		_, err := NewClient(Account{AppID: bad, Region: "us", APIKey: "k"})
		assert.ErrorIs(t, err, ErrInvalidSettings, "%q", bad)
		assert.ErrorIs(t, CheckAppID(bad), ErrInvalidSettings, "%q", bad)
		if bad != "" {
			_, err = NewClient(Account{AppID: bad, APIKey: "k", BaseURL: "http://127.0.0.1:1/v3"})
			assert.ErrorIs(t, err, ErrInvalidSettings, "%q is sent as a header even with a base URL", bad)
		}
	}
	for _, ok := range []string{"2501234abcdef", "app_1-X", strings.Repeat("a", 63)} {
		c, err := NewClient(Account{AppID: ok, Region: "in", APIKey: "k"})
		require.NoError(t, err, ok)
		assert.Equal(t, ok+".call-in.cometchat.io", c.base.Host)
		assert.NoError(t, CheckAppID(ok))
	}
}

// Over the REST API, a Request's pages leave out the calls that cannot be
// stored (a number not finite or too big); the Client says which, and a
// page of nothing else does not end the list.
func TestRESTSourceSaysWhatItSkipped(t *testing.T) {
	rp := &rawPages{pages: []string{
		`[{"sessionId":"good-1","initiatedAt":1700000300,"initiator":"a","receiver":"me"},
		  {"sessionId":"bad-nan","initiatedAt":1700000200,"totalAudioMinutes":"NaN","initiator":"a","receiver":"me"}]`,
		`[{"sessionId":"bad-inf","initiatedAt":"Inf","initiator":"a","receiver":"me"}]`,
		`[{"sessionId":"good-3","initiatedAt":1700000000,"initiator":"a","receiver":"me"}]`,
	}}
	srv := httptest.NewServer(rp)
	defer srv.Close()
	c := fastClient(t, Account{AppID: "app1", APIKey: "k", OnBehalfOf: "me", BaseURL: srv.URL})
	req, err := NewRequest(c, Filter{})
	require.NoError(t, err)
	sessions := func(list []CallLog) []string {
		out := []string{}
		for _, cl := range list {
			out = append(out, cl.SessionID)
		}
		return out
	}

	page, err := req.FetchNext(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"good-1"}, sessions(page))
	page, err = req.FetchNext(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"good-3"}, sessions(page), "page 2 held only a skipped call")
	assert.Equal(t, 3, req.CurrentPage())
	page, err = req.FetchNext(ctx)
	require.NoError(t, err)
	assert.Empty(t, page, "the end")

	skipped := c.Skipped()
	require.Len(t, skipped, 2)
	assert.ErrorIs(t, skipped[0], ErrBadValue)
	assert.Contains(t, skipped[0].Message, `"bad-nan"`)
	assert.Contains(t, skipped[1].Message, `"bad-inf"`)

	page, err = req.FetchPrevious(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"good-1"}, sessions(page), "back past page 2 as well")
	assert.Equal(t, 1, req.CurrentPage())
}

// A request that cannot reach the API says why in words; the system's
// message stays in Err (issue #31, point 10).
func TestNetworkErrorsInWords(t *testing.T) {
	nx := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Name: "abc123.call-us.cometchat.io", Err: "no such host", IsNotFound: true}}
	msg, details := networkWords(nx, "x", "y")
	assert.Equal(t, "there is no CometChat server named abc123.call-us.cometchat.io", msg)
	assert.Contains(t, details, "App ID and the region")

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close() // nothing listens there now: refused
	c := fastClient(t, Account{AppID: "app1", APIKey: "k", OnBehalfOf: "me", BaseURL: "http://" + addr})
	_, err = c.List(ctx, Filter{}, 1)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeNetwork, e.Code)
	assert.Equal(t, "the CometChat server refused the connection", e.Message)
	assert.NotContains(t, e.Message+e.Details, "dial tcp")
	require.Error(t, e.Err)
	assert.Contains(t, e.Err.Error(), "refused", "the system's message is kept for --verbose")
}
