package gui

import (
	"context"

	"github.com/mediadesk/mediadesk/calls"
)

// Rows are read from the history a page at a time, and only the pages the
// list draws are kept: a million-call history costs a few pages of memory.
const (
	pageRows  = 50
	keepPages = 8
)

// pager answers the history list's row lookups from cached pages. With
// do set, a missing page is read on a goroutine and the row is reported
// missing until it arrives (then loaded runs on the UI goroutine), so a
// page that has to come from disk never stalls the window; without do,
// rows are read at once. Its methods run on one goroutine (the UI's).
type pager struct {
	src    History
	filter calls.Filter
	total  int
	ctx    context.Context
	do     func(func())
	loaded func()

	pages    map[int][]calls.CallLog
	inflight map[int]bool
	lru      []int // page numbers, most recent last
	// fetched counts rows asked of the source (tests and benchmarks).
	fetched int
	err     error
}

func newPager(src History, f calls.Filter, total int) *pager {
	return &pager{src: src, filter: f, total: total, pages: map[int][]calls.CallLog{}, inflight: map[int]bool{}}
}

// background makes later misses load on a goroutine (see pager).
func (p *pager) background(ctx context.Context, do func(func()), loaded func()) {
	p.ctx, p.do, p.loaded = ctx, do, loaded
}

// fromEnd is a History that can read from the oldest end (*calls.Store).
type fromEnd interface {
	CallsFromEnd(ctx context.Context, f calls.Filter, skip, limit int) ([]calls.CallLog, error)
}

// read fetches the page starting at offset; in the far half of the list
// it counts from the end, which SQLite walks to faster.
func (p *pager) read(ctx context.Context, offset int) ([]calls.CallLog, error) {
	if fe, ok := p.src.(fromEnd); ok && offset > p.total/2 {
		limit := min(pageRows, p.total-offset)
		return fe.CallsFromEnd(ctx, p.filter, p.total-offset-limit, limit)
	}
	return p.src.Calls(ctx, p.filter, offset, pageRows)
}

// row returns call i (newest first); false when it is not loaded yet, it
// cannot be read (err says why) or it is past the end.
func (p *pager) row(ctx context.Context, i int) (calls.CallLog, bool) {
	return p.get(ctx, i, p.do == nil)
}

// rowNow is row, reading a missing page at once (for a row the person
// picked, which is on screen and almost always loaded).
func (p *pager) rowNow(ctx context.Context, i int) (calls.CallLog, bool) {
	return p.get(ctx, i, true)
}

func (p *pager) get(ctx context.Context, i int, now bool) (calls.CallLog, bool) {
	if i < 0 || i >= p.total || p.src == nil {
		return calls.CallLog{}, false
	}
	n := i / pageRows
	rows, ok := p.pages[n]
	if !ok && !now {
		p.fetchLater(n)
		return calls.CallLog{}, false
	}
	if !ok {
		var err error
		rows, err = p.read(ctx, n*pageRows)
		p.fetched += pageRows
		if err != nil {
			p.err = err
			return calls.CallLog{}, false
		}
		p.store(n, rows)
	} else {
		for j, q := range p.lru {
			if q == n {
				p.lru = append(p.lru[:j], p.lru[j+1:]...)
				break
			}
		}
	}
	p.lru = append(p.lru, n)
	if k := i % pageRows; k < len(rows) {
		return rows[k], true
	}
	return calls.CallLog{}, false
}

// store caches page n, dropping the least recently used beyond keepPages.
func (p *pager) store(n int, rows []calls.CallLog) {
	if _, ok := p.pages[n]; !ok && len(p.lru) >= keepPages {
		delete(p.pages, p.lru[0])
		p.lru = p.lru[1:]
	}
	p.pages[n] = rows
}

// fetchLater reads page n on a goroutine, once.
func (p *pager) fetchLater(n int) {
	if p.inflight[n] {
		return
	}
	p.inflight[n] = true
	p.fetched += pageRows
	ctx := p.ctx
	go func() {
		rows, err := p.read(ctx, n*pageRows)
		p.do(func() {
			delete(p.inflight, n)
			if err != nil {
				p.err = err
				return
			}
			if _, ok := p.pages[n]; !ok { // rowNow may have read it meanwhile
				p.store(n, rows)
				p.lru = append(p.lru, n)
			}
			if p.loaded != nil {
				p.loaded()
			}
		})
	}()
}
