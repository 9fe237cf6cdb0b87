package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// callList is the history's widget.List with Enter opening the
// highlighted call.
type callList struct {
	widget.List
	h         *historyPanel
	highlight int
}

func newCallList(h *historyPanel) *callList {
	l := &callList{h: h}
	l.Length = func() int { return h.pager.total }
	l.CreateItem = func() fyne.CanvasObject { return newCallRow() }
	l.UpdateItem = func(id widget.ListItemID, o fyne.CanvasObject) {
		row := o.(*callRow)
		c, ok := h.pager.row(h.cfg.Ctx, id)
		if !ok {
			row.blank()
			return
		}
		row.set(c, h.me, h.filter.Search)
	}
	l.OnSelected = func(id widget.ListItemID) {
		l.highlight = id
		if c, ok := h.pager.rowNow(h.cfg.Ctx, id); ok {
			h.details.show(c)
		}
	}
	l.OnHighlighted = func(id widget.ListItemID) { l.highlight = id }
	l.ExtendBaseWidget(l)
	return l
}

// TypedKey adds Enter (open the highlighted call) to the list's arrows.
func (l *callList) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
		l.Select(l.highlight)
		return
	}
	l.List.TypedKey(ev)
}
