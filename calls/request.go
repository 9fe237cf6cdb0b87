package calls

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// searchKey is the form a search text is compared in: trimmed and
// case-folded.
func searchKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// searchNames is what Filter.Search looks in: the initiator's and the
// receiver's names, case-folded, one per line.
func (c CallLog) searchNames() string {
	return searchKey(c.Initiator.Name) + "\n" + searchKey(c.Receiver.Name())
}

// Filter is the SDK's CallLogRequestBuilder settings, validated up front:
// a bad value is an error, never a silently empty result.
type Filter struct {
	Limit        int    // 1…100; 0 means the SDK's default, 30
	CallType     string // "", "audio", "video"
	CallStatus   string // "", ongoing, ended, initiated, unanswered, rejected, cancelled, busy, missed
	HasRecording bool   // only calls with a recording (false: all calls, as the SDK)
	CallCategory string // "", "call", "meet"
	// CallDirection is "incoming" or "outgoing" relative to the account's
	// own uid (Me); it needs Me.
	CallDirection string
	Me            string
	UID           string // only calls this user took part in
	GUID          string // only calls to this group
	// Search keeps calls whose initiator's or receiver's (user or group)
	// name contains it, ignoring case. Not an SDK filter: the history
	// window's search box.
	Search string
}

// DefaultLimit is the SDK's page size.
const DefaultLimit = 30

var validStatus = map[string]bool{"ongoing": true, "ended": true, "initiated": true, "unanswered": true,
	"rejected": true, "cancelled": true, "busy": true, "missed": true}

// Validate normalises the limit and checks every value.
func (f *Filter) Validate() error {
	if f.Limit == 0 {
		f.Limit = DefaultLimit
	}
	bad := func(field, value, allowed string) error {
		return newError(CodeInvalidArgument, fmt.Sprintf("%s %q is not valid", field, value), "use "+allowed)
	}
	switch {
	case f.Limit < 1 || f.Limit > 100:
		return bad("limit", fmt.Sprint(f.Limit), "a number from 1 to 100")
	case f.CallType != "" && f.CallType != "audio" && f.CallType != "video":
		return bad("callType", f.CallType, "audio or video")
	case f.CallStatus != "" && !validStatus[f.CallStatus]:
		return bad("callStatus", f.CallStatus, "ongoing, ended, initiated, unanswered, rejected, cancelled, busy or missed")
	case f.CallCategory != "" && f.CallCategory != "call" && f.CallCategory != "meet":
		return bad("callCategory", f.CallCategory, "call or meet")
	case f.CallDirection != "" && f.CallDirection != "incoming" && f.CallDirection != "outgoing":
		return bad("callDirection", f.CallDirection, "incoming or outgoing")
	case f.CallDirection != "" && f.Me == "":
		return newError(CodeNotEnoughParameters, "callDirection needs the account's own uid",
			"sync with --on-behalf-of or --me so MediaDesk knows which calls are yours")
	}
	return nil
}

// Matches reports whether a call passes the filter: the reference
// semantics every source implements (the store in SQL).
func (f Filter) Matches(c CallLog) bool {
	if f.CallType != "" && c.Type != f.CallType {
		return false
	}
	if f.CallCategory != "" && c.CallCategory != f.CallCategory {
		return false
	}
	if f.HasRecording && !c.HasRecording {
		return false
	}
	if f.CallStatus == "missed" {
		if !c.Missed(f.Me) {
			return false
		}
	} else if f.CallStatus != "" && c.Status != f.CallStatus {
		return false
	}
	if f.CallDirection == "outgoing" && !c.SentBy(f.Me) {
		return false
	}
	if f.CallDirection == "incoming" && c.SentBy(f.Me) {
		return false
	}
	if f.GUID != "" && (!c.Receiver.IsGroup() || c.Receiver.ID() != f.GUID) {
		return false
	}
	if f.UID != "" && !c.involves(f.UID) {
		return false
	}
	if q := searchKey(f.Search); q != "" && !strings.Contains(c.searchNames(), q) {
		return false
	}
	return true
}

// involves reports whether uid initiated, received or took part in c.
func (c CallLog) involves(uid string) bool {
	if c.Initiator.UID == uid || (c.Receiver.User != nil && c.Receiver.User.UID == uid) {
		return true
	}
	for _, p := range c.Participants {
		if p.UID == uid {
			return true
		}
	}
	return false
}

// Source answers one page of a filtered, newest-first call list. Pages are
// numbered from 1; more says whether a later page exists.
type Source interface {
	Page(ctx context.Context, f Filter, page int) (calls []CallLog, more bool, err error)
}

// Request pages through a Source like the SDK's CallLogRequest:
// FetchNext walks to older calls, FetchPrevious back; both return an empty
// page at the ends, and a call while another is in flight fails with
// REQUEST_IN_PROGRESS. Safe for concurrent use.
type Request struct {
	src    Source
	filter Filter

	mu       sync.Mutex
	inFlight bool
	current  int // the page last returned; 0 before the first
	more     bool
	started  bool
}

// NewRequest validates the filter and returns a request over src.
func NewRequest(src Source, f Filter) (*Request, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return &Request{src: src, filter: f}, nil
}

// Filter returns the validated filter.
func (r *Request) Filter() Filter { return r.filter }

// FetchNext returns the next (older) page.
func (r *Request) FetchNext(ctx context.Context) ([]CallLog, error) { return r.fetch(ctx, 1) }

// FetchPrevious returns the previous (newer) page.
func (r *Request) FetchPrevious(ctx context.Context) ([]CallLog, error) { return r.fetch(ctx, -1) }

// CurrentPage is the page last returned (0 before the first fetch).
func (r *Request) CurrentPage() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.current
}

func (r *Request) fetch(ctx context.Context, step int) ([]CallLog, error) {
	r.mu.Lock()
	switch {
	case step > 0 && r.started && !r.more:
		r.mu.Unlock()
		return []CallLog{}, nil
	case step < 0 && r.current <= 1:
		r.mu.Unlock()
		return []CallLog{}, nil
	case r.inFlight:
		r.mu.Unlock()
		return nil, newError(CodeRequestInProgress, "Request in progress.", "wait for the fetch in flight to finish")
	}
	r.inFlight = true
	page := r.current + step
	r.mu.Unlock()

	calls, more, err := r.src.Page(ctx, r.filter, page)
	// An empty page that is not an end is one whose every call the source
	// left out (Client.Skipped): walk on instead of ending the list there.
	for err == nil && len(calls) == 0 && (step > 0 && more || step < 0 && page > 1) {
		page += step
		calls, more, err = r.src.Page(ctx, r.filter, page)
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	r.inFlight = false
	if err != nil {
		return nil, err
	}
	if len(calls) == 0 && step > 0 {
		r.started, r.more = true, false
		return []CallLog{}, nil
	}
	r.current, r.started = page, true
	if step > 0 {
		r.more = more
	} else {
		r.more = true
	}
	return calls, nil
}
