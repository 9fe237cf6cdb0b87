package calls

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawPages serves GET /calls from fixed JSON pages, failing a page once
// with a status when told to.
type rawPages struct {
	mu    sync.Mutex
	pages []string // the "data" arrays
	fail  map[int]int
	asked []int
}

func (rp *rawPages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	rp.mu.Lock()
	rp.asked = append(rp.asked, page)
	status, failing := rp.fail[page]
	delete(rp.fail, page)
	rp.mu.Unlock()
	if failing {
		w.WriteHeader(status)
		fmt.Fprint(w, `{"error":{"message":"no","code":"ERR_BAD"}}`)
		return
	}
	if page < 1 || page > len(rp.pages) {
		page = len(rp.pages) + 1
		fmt.Fprintf(w, `{"data":[],"meta":{"pagination":{"total":0,"current_page":%d,"total_pages":%d}}}`, page, len(rp.pages))
		return
	}
	fmt.Fprintf(w, `{"data":%s,"meta":{"pagination":{"total":5,"per_page":100,"current_page":%d,"total_pages":%d}}}`,
		rp.pages[page-1], page, len(rp.pages))
}

func (rp *rawPages) askedPages() []int {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return append([]int(nil), rp.asked...)
}

// A call with a number that is not finite is skipped with a warning that
// names it; the page's other calls are stored with the resume point, so a
// later run moves past it (issue #13, point 5).
func TestSyncSkipsCallsWithNonFiniteNumbers(t *testing.T) {
	rp := &rawPages{fail: map[int]int{2: 400}, pages: []string{
		`[{"sessionId":"good-1","initiatedAt":1700000300,"initiator":"a","receiver":"me"},
		  {"sessionId":"bad-nan","initiatedAt":1700000200,"totalAudioMinutes":"NaN","initiator":"a","receiver":"me"},
		  {"sessionId":"good-2","initiatedAt":1700000100,"initiator":"a","receiver":"me"}]`,
		`[{"sessionId":"bad-inf","initiatedAt":"Inf","initiator":"a","receiver":"me"},
		  {"sessionId":"good-3","initiatedAt":1700000000,"initiator":"a","receiver":"me"}]`,
	}}
	srv := httptest.NewServer(rp)
	defer srv.Close()
	c := fastClient(t, Account{AppID: "app1", APIKey: "k", OnBehalfOf: "me", BaseURL: srv.URL})
	st := newStore(t)

	// First run: page 1 is stored without its bad call, then page 2 fails.
	p, err := Sync(ctx, c, st, nil)
	require.Error(t, err)
	assert.Equal(t, 2, p.Calls)
	require.Len(t, p.Skipped, 1)
	assert.ErrorIs(t, p.Skipped[0], ErrBadValue)
	assert.Contains(t, p.Skipped[0].Message, `"bad-nan"`)
	assert.Contains(t, p.Skipped[0].Message, "totalAudioMinutes")

	// The next run resumes after page 1 and gets past page 2's bad call.
	p, err = Sync(ctx, c, st, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, p.Calls)
	require.Len(t, p.Skipped, 1)
	assert.Contains(t, p.Skipped[0].Message, `"bad-inf"`)
	assert.Contains(t, p.Skipped[0].Message, "initiatedAt")
	assert.Equal(t, []int{1, 2, 2}, rp.askedPages())

	n, err := st.Count(ctx, Filter{})
	require.NoError(t, err)
	assert.Equal(t, 3, n, "the good calls, and only those")
	for _, id := range []string{"bad-nan", "bad-inf"} {
		_, err := st.Call(ctx, id)
		assert.ErrorIs(t, err, ErrNotFound, "nothing of %s is stored", id)
	}
	// And a full run again (nothing to resume) is not blocked either.
	_, err = Sync(ctx, c, st, nil)
	require.NoError(t, err)
}

// A store belongs to the account that first synced into it (issue #13,
// point 3).
func TestSyncRefusesAnotherAccount(t *testing.T) {
	all := Sample(250, 5, sampleNow)
	f, alice := fakeServer(t, all)
	f.fail[2] = 400 // leaves a resume point behind
	st := newStore(t)
	_, err := Sync(ctx, fastClient(t, alice), st, nil)
	require.Error(t, err)
	before, _ := st.Count(ctx, Filter{})
	require.Equal(t, 100, before)
	stored, _ := st.Meta(ctx, metaAccount)
	require.Equal(t, alice.accountKey(), stored, "the first page stored the account")

	for name, other := range map[string]func(a *Account){
		"another user":     func(a *Account) { a.OnBehalfOf = "bob" },
		"another app":      func(a *Account) { a.AppID = "app2" },
		"an unknown user":  func(a *Account) { a.APIKey, a.OnBehalfOf, a.AuthToken = "", "", "tok" },
		"a user named me":  func(a *Account) { a.APIKey, a.OnBehalfOf, a.AuthToken, a.Me = "", "", "tok", "bob" },
		"app id with user": func(a *Account) { a.AppID, a.OnBehalfOf = "app1x", "" },
	} {
		t.Run(name, func(t *testing.T) {
			b := alice
			other(&b)
			hits := f.hits.Load()
			_, err := Sync(ctx, fastClient(t, b), st, nil)
			require.ErrorIs(t, err, ErrStoreOtherAccount)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Contains(t, e.Message, fmt.Sprintf("%q", alice.AppID))
			assert.Contains(t, e.Message, fmt.Sprintf("%q", SampleMe), "names the store's account")
			assert.Contains(t, e.Message, fmt.Sprintf("%q", b.AppID), "and the one refused")
			if b.Self() != "" {
				assert.Contains(t, e.Message, fmt.Sprintf("%q", b.Self()))
			}
			assert.Equal(t, hits, f.hits.Load(), "refused before asking the server")
			me, _ := st.Meta(ctx, MetaMe)
			assert.Equal(t, SampleMe, me)
			resume, _ := st.Meta(ctx, metaResume)
			assert.Equal(t, "2", resume, "alice's resume point is untouched")
			n, _ := st.Count(ctx, Filter{})
			assert.Equal(t, before, n)
		})
	}

	// Alice herself carries on where she stopped (the app id's case is
	// the host name's: no matter).
	alice.AppID = strings.ToUpper(alice.AppID)
	_, err = Sync(ctx, fastClient(t, alice), st, nil)
	require.NoError(t, err)
	n, _ := st.Count(ctx, Filter{})
	assert.Equal(t, 250, n)

	// A history synced before stores remembered their account is claimed
	// by the uid it keeps as "me".
	old := newStore(t)
	require.NoError(t, old.SetMeta(ctx, MetaMe, "carol"))
	_, err = Sync(ctx, fastClient(t, alice), old, nil)
	require.ErrorIs(t, err, ErrStoreOtherAccount)
	assert.Contains(t, err.Error(), `"carol"`)
	// One filled with the sample history (or nothing) is free to claim.
	fresh := newStore(t)
	require.NoError(t, fresh.SetMeta(ctx, MetaMe, SampleMe))
	dave := alice
	dave.OnBehalfOf = "dave"
	_, err = Sync(ctx, fastClient(t, dave), fresh, nil)
	require.NoError(t, err)
	me, _ := fresh.Meta(ctx, MetaMe)
	assert.Equal(t, "dave", me)
}

// ignoresPage serves page 1 whatever page is asked for, with the
// pagination of a 500-call history, as a cache or proxy that drops the
// query would; current reports the page asked for when true (a proxy
// rewriting nothing but the data), else the page sent.
type ignoresPage struct {
	data    string
	current bool
}

func (ip ignoresPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cur := 1
	if ip.current {
		cur, _ = strconv.Atoi(r.URL.Query().Get("page"))
	}
	fmt.Fprintf(w, `{"data":%s,"meta":{"pagination":{"total":500,"per_page":100,"current_page":%d,"total_pages":5}}}`, ip.data, cur)
}

// Sync does not trust its own page counter (issue #31, point 5): a
// server that ignores ?page= made it store page 1 five times and report
// 500 calls synced with 100 stored.
func TestSyncNoticesAServerThatIgnoresThePage(t *testing.T) {
	var calls []string
	for i := range 100 {
		calls = append(calls, fmt.Sprintf(`{"sessionId":"s%d","initiatedAt":%d,"initiator":"a","receiver":"me"}`, i, 1700000000+i))
	}
	data := "[" + strings.Join(calls, ",") + "]"
	for _, tc := range []struct {
		name    string
		current bool
		says    string
	}{
		{"current_page says page 1", false, "asked for page 2 of the call history, the server sent page 1"},
		{"current_page echoes the page asked", true, "the server said there are 500 calls, but sent 100 different ones"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(ignoresPage{data: data, current: tc.current})
			defer srv.Close()
			st := newStore(t)
			_, err := Sync(ctx, fastClient(t, Account{AppID: "app1", APIKey: "k", OnBehalfOf: "me", BaseURL: srv.URL}), st, nil)
			require.Error(t, err, "not a success")
			assert.ErrorIs(t, err, ErrBadResponse)
			assert.Contains(t, err.Error(), tc.says)
			n, _ := st.Count(ctx, Filter{})
			assert.Equal(t, 100, n, "what arrived is stored")
		})
	}
}
