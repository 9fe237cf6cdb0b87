package calls

import (
	"context"
	"strconv"
)

// SyncProgress is reported after each stored page.
type SyncProgress struct {
	Page, TotalPages int
	Calls            int // stored so far in this run
	Total            int // calls the server says there are
}

const metaResume = "sync.resume_page"

// Sync copies the account's call history into the store, 100 calls a page,
// one transaction a page: a failure or a kill leaves every stored page
// intact, and the next Sync resumes after the last stored page. progress
// (may be nil) is called after each page.
func Sync(ctx context.Context, c *Client, st *Store, progress func(SyncProgress)) (SyncProgress, error) {
	if me := c.acct.Self(); me != "" {
		if err := st.SetMeta(ctx, MetaMe, me); err != nil {
			return SyncProgress{}, err
		}
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
	for page := start; ; page++ {
		got := <-next
		lp, err := got.lp, got.err
		if err != nil {
			return p, err
		}
		if lp.TotalPages > page && len(lp.Calls) > 0 {
			// Fetch the next page while this one is stored; pages are still
			// committed in order, so the resume point stays exact.
			next = fetch(page + 1)
		}
		tx, err := st.db.BeginTx(ctx, nil)
		if err != nil {
			return p, err
		}
		prepared, err := prepareAll(lp.Calls)
		if err == nil {
			err = st.upsertTx(ctx, tx, prepared)
		}
		last := lp.TotalPages <= page || len(lp.Calls) == 0
		if err == nil {
			if last {
				_, err = tx.ExecContext(ctx, `DELETE FROM meta WHERE key = ?`, metaResume)
			} else {
				_, err = tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
					metaResume, strconv.Itoa(page+1))
			}
		}
		if err == nil {
			err = tx.Commit()
		} else {
			tx.Rollback()
		}
		if err != nil {
			return p, err
		}
		p.Page, p.TotalPages, p.Total = page, lp.TotalPages, lp.Total
		p.Calls += len(lp.Calls)
		if progress != nil {
			progress(p)
		}
		if last {
			return p, nil
		}
	}
}
