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

// pager answers the history list's row lookups from cached pages.
type pager struct {
	src    History
	filter calls.Filter
	total  int

	pages map[int][]calls.CallLog
	lru   []int // page numbers, most recent last
	// fetched counts rows asked of the source (tests and benchmarks).
	fetched int
	err     error
}

func newPager(src History, f calls.Filter, total int) *pager {
	return &pager{src: src, filter: f, total: total, pages: map[int][]calls.CallLog{}}
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

// row returns call i (newest first); false when it cannot be read (err
// says why) or is past the end.
func (p *pager) row(ctx context.Context, i int) (calls.CallLog, bool) {
	if i < 0 || i >= p.total || p.src == nil {
		return calls.CallLog{}, false
	}
	n := i / pageRows
	rows, ok := p.pages[n]
	if !ok {
		var err error
		rows, err = p.read(ctx, n*pageRows)
		p.fetched += pageRows
		if err != nil {
			p.err = err
			return calls.CallLog{}, false
		}
		p.pages[n] = rows
		if len(p.lru) >= keepPages {
			delete(p.pages, p.lru[0])
			p.lru = p.lru[1:]
		}
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
