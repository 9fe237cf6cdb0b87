package calls

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// SyncProgress is reported after each stored page.
type SyncProgress struct {
	Page, TotalPages int
	Calls            int // stored so far in this run
	Total            int // calls the server says there are
	// Skipped are the calls left out so far in this run because a number
	// in them is not finite or too big (BAD_VALUE errors naming call and
	// field). Show them as warnings: the rest of their page is stored.
	Skipped []*Error
}

const (
	metaResume = "sync.resume_page"
	// metaAccount is the account a store was synced from, "appId/uid"
	// (uid empty when unknown: an auth token without Me).
	metaAccount = "sync.account"
)

// accountKey names an account for metaAccount. App ids hold no '/'
// (CheckAppID), and name a host, so their case does not matter.
func (a Account) accountKey() string { return strings.ToLower(a.AppID) + "/" + a.Self() }

// describeAccount writes an accountKey for a person.
func describeAccount(key string) string {
	app, uid, _ := strings.Cut(key, "/")
	who := fmt.Sprintf("user %q", uid)
	if uid == "" {
		who = "an unnamed user (an auth token without --me)"
	}
	if app == "" {
		return who
	}
	return fmt.Sprintf("app %q as %s", app, who)
}

// checkAccount refuses to sync an account into a history another account
// was synced into: the two histories would mix, "me" (which decides
// incoming and outgoing) would change under the first one's calls, and
// the second would resume at the first one's page.
func checkAccount(ctx context.Context, st *Store, a Account) error {
	want := a.accountKey()
	have, err := st.Meta(ctx, metaAccount)
	if err != nil {
		return err
	}
	if have == "" {
		// A history synced before stores kept their account (or never
		// synced): the uid it keeps as "me" is all there is to go by. The
		// sample history's "me" claims nothing.
		me, err := st.Meta(ctx, MetaMe)
		if err != nil || me == "" || me == SampleMe || me == a.Self() {
			return err
		}
		have = "/" + me
	}
	if have == want {
		return nil
	}
	return newError(CodeStoreOtherAccount,
		fmt.Sprintf("this history was synced from %s; refusing to sync %s into it", describeAccount(have), describeAccount(want)),
		"file: "+st.Path()+"; sync that account into another history file (--db or MEDIADESK_DB); nothing was changed")
}

// Sync copies the account's call history into the store, 100 calls a page,
// one transaction a page: a failure or a kill leaves every stored page
// intact, and the next Sync resumes after the last stored page. A store
// holds one account's history: syncing another account into it is refused
// (STORE_OTHER_ACCOUNT) before anything is fetched or changed.
//
// A call with a number that is not finite or too big ("NaN", "Inf",
// 1e400) is skipped, not stored in part, and reported in
// SyncProgress.Skipped; the rest of its page is stored and the resume
// point moves past it. Failing the page instead would stop every later
// sync at that page for good. A full run starts again at page 1 (the
// resume point goes once the last page is stored), so a call the server
// later sends correctly is stored then. progress (may be nil) is called
// after each page.
func Sync(ctx context.Context, c *Client, st *Store, progress func(SyncProgress)) (SyncProgress, error) {
	if err := checkAccount(ctx, st, c.acct); err != nil {
		return SyncProgress{}, err
	}
	start := 1
	if v, err := st.Meta(ctx, metaResume); err == nil && v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 1 {
			start = n
		}
	}
	f := Filter{Limit: 100}
	var p SyncProgress
	type fetched struct {
		lp  ListPage
		err error
	}
	fetch := func(page int) <-chan fetched {
		ch := make(chan fetched, 1)
		go func() {
			lp, err := c.List(ctx, f, page)
			ch <- fetched{lp, err}
		}()
		return ch
	}
	next := fetch(start)
	seen := map[string]struct{}{} // the calls this run received, once each
	for page := start; ; page++ {
		got := <-next
		lp, err := got.lp, got.err
		if err != nil {
			return p, err
		}
		if lp.CurrentPage != 0 && lp.CurrentPage != page {
			// A server or proxy that ignores ?page= sends page 1 again and
			// again: storing it as page 2 would report calls never fetched.
			return p, newError(CodeBadResponse,
				fmt.Sprintf("asked for page %d of the call history, the server sent page %d", page, lp.CurrentPage),
				fmt.Sprintf("the server, or a proxy between, ignores the page asked for; %d calls from the pages before were stored, and the sync stopped there", p.Calls))
		}
		if lp.TotalPages > page && len(lp.Calls)+len(lp.Skipped) > 0 {
			// Fetch the next page while this one is stored; pages are still
			// committed in order, so the resume point stays exact.
			next = fetch(page + 1)
		}
		last := lp.TotalPages <= page || len(lp.Calls)+len(lp.Skipped) == 0
		if err := st.storePage(ctx, c.acct, page == start, lp.Calls, page, last); err != nil {
			return p, st.corrupt(err)
		}
		p.Page, p.TotalPages, p.Total = page, lp.TotalPages, lp.Total
		p.Calls += len(lp.Calls)
		p.Skipped = append(p.Skipped, lp.Skipped...)
		if progress != nil {
			progress(p)
		}
		for _, c := range lp.Calls {
			seen[c.SessionID] = struct{}{}
		}
		if last {
			if start == 1 {
				return p, checkSynced(p, len(seen))
			}
			return p, nil
		}
	}
}

// checkSynced compares what a full run received, each call once, with
// what the server said there are: fewer (less what was skipped) means
// pages that repeated others or came short.
func checkSynced(p SyncProgress, distinct int) error {
	if have, want := distinct+len(p.Skipped), p.Total; have < want {
		return newError(CodeBadResponse,
			fmt.Sprintf("the server said there are %d calls, but sent %d different ones", want, have),
			fmt.Sprintf("%d calls arrived over %d pages, some more than once: the server, or a proxy between, may ignore the page asked for; what arrived is stored, sync again later", p.Calls, p.Page))
	}
	return nil
}

// storePage stores one synced page and the resume point in one
// transaction; the first page of a run also stores the account.
func (s *Store) storePage(ctx context.Context, a Account, first bool, calls []CallLog, page int, last bool) error {
	prepared, err := prepareAll(calls)
	if err != nil {
		return err
	}
	return s.upsertPrepared(ctx, prepared, func(tx *sql.Tx) error {
		if first {
			if err := setMeta(ctx, tx, metaAccount, a.accountKey()); err != nil {
				return err
			}
			if a.Self() != "" {
				if err := setMeta(ctx, tx, MetaMe, a.Self()); err != nil {
					return err
				}
			}
		}
		if last {
			_, err := tx.ExecContext(ctx, `DELETE FROM meta WHERE key = ?`, metaResume)
			return err
		}
		return setMeta(ctx, tx, metaResume, strconv.Itoa(page+1))
	})
}
