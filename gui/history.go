package gui

import (
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mediadesk/mediadesk/calls"
)

// Filter choices as shown, and the filter values behind them.
var (
	typeChoices      = []string{"All types", "Audio", "Video"}
	typeValues       = []string{"", "audio", "video"}
	statusChoices    = []string{"Any status", "Missed", "Ended", "Unanswered", "Rejected", "Cancelled", "Busy", "Ongoing"}
	statusValues     = []string{"", "missed", "ended", "unanswered", "rejected", "cancelled", "busy", "ongoing"}
	directionChoices = []string{"In and out", "Incoming", "Outgoing"}
	directionValues  = []string{"", "incoming", "outgoing"}
)

// historyPanel is the right side: toolbar, chart, filters, the call list
// and the details of the selected call.
type historyPanel struct {
	cfg *Config
	me  string
	// onFailed, if set, hears why the history could not be opened (the
	// Check lists it).
	onFailed func(error)

	countLabel *widget.Label
	chart      *minutesChart
	typeSel    *widget.Select
	statusSel  *widget.Select
	dirSel     *widget.Select
	recCheck   *widget.Check
	search     *widget.Entry
	list       *callList
	listArea   *fyne.Container
	empty      fyne.CanvasObject
	noMatch    fyne.CanvasObject
	failed     *fyne.Container
	failedText *widget.Label
	details    *detailsView
	split      *container.Split
	account    *accountPanel
	content    fyne.CanvasObject

	filter   calls.Filter
	pager    *pager
	gen      int // filter generation, so a late count does not win
	searchT  *time.Timer
	started  bool
	overview *overview // whole-history figures; nil: read them again

	emptyButtons []*widget.Button
}

func newHistoryPanel(cfg *Config) *historyPanel {
	h := &historyPanel{cfg: cfg, pager: newPager(nil, calls.Filter{}, 0)}
	h.countLabel = widget.NewLabel("")
	h.countLabel.TextStyle.Bold = true
	h.chart = newMinutesChart()

	onFilter := func(string) { h.applyFilters() }
	h.typeSel = widget.NewSelect(typeChoices, nil)
	h.statusSel = widget.NewSelect(statusChoices, nil)
	h.dirSel = widget.NewSelect(directionChoices, nil)
	h.recCheck = widget.NewCheck("With recording", nil)
	for _, s := range []*widget.Select{h.typeSel, h.statusSel, h.dirSel} {
		s.SetSelectedIndex(0)
		s.OnChanged = onFilter
	}
	h.recCheck.OnChanged = func(bool) { h.applyFilters() }
	h.search = widget.NewEntry()
	h.search.SetPlaceHolder("Search by name (Ctrl+F)")
	h.search.OnChanged = func(string) { h.searchSoon() }
	h.search.OnSubmitted = func(string) { h.applyFilters() }

	h.list = newCallList(h)
	h.details = newDetailsView(h)
	h.account = newAccountPanel(h)

	h.empty = h.emptyState()
	clear := widget.NewButton("Clear filters", h.clearFilters)
	h.noMatch = container.NewCenter(container.NewVBox(
		widget.NewLabelWithStyle("No calls match these filters.", fyne.TextAlignCenter, fyne.TextStyle{}),
		container.NewCenter(clear)))
	h.failedText = widget.NewLabel("")
	h.failedText.Wrapping = fyne.TextWrapWord
	h.failedText.Importance = widget.DangerImportance
	h.failed = container.NewPadded(h.failedText)
	h.listArea = container.NewStack(h.list, h.empty, h.noMatch, h.failed)
	h.show(h.failed)

	filters := container.NewVBox(
		container.NewGridWithColumns(4, h.typeSel, h.statusSel, h.dirSel, h.recCheck),
		h.search)
	top := container.NewVBox(h.account.toolbar(h.countLabel), h.account.syncRow, h.chart, filters)
	listSide := container.NewBorder(top, nil, nil, nil, h.listArea)
	// The list has the whole column; a call's details open beside it when
	// one is picked, and close again with the selection.
	split := container.NewHSplit(listSide, h.details.content)
	split.Offset = 0.55
	h.split = split
	h.details.content.Hide()
	h.content = split
	return h
}

func (h *historyPanel) start() {
	if open := h.cfg.OpenStore; open != nil {
		h.cfg.OpenStore = nil
		h.failedText.Importance = widget.MediumImportance
		h.failedText.SetText("Opening your call history…")
		h.show(h.failed)
		h.account.disable()
		go func() {
			st, err := open(h.cfg.Ctx)
			h.cfg.Do(func() {
				h.cfg.Store, h.cfg.StoreErr = st, err
				if st != nil {
					h.cfg.History = st
				}
				h.failedText.Importance = widget.DangerImportance
				h.account.enable()
				h.start()
			})
		}()
		return
	}
	if h.cfg.History == nil {
		msg := "The call history could not be opened."
		var e *calls.Error
		if errors.As(h.cfg.StoreErr, &e) {
			msg += " " + e.Message + ". " + e.Details
		} else if h.cfg.StoreErr != nil {
			msg += " " + h.cfg.StoreErr.Error()
		}
		h.failedText.SetText(msg)
		h.show(h.failed)
		h.account.disable()
		if h.onFailed != nil && h.cfg.StoreErr != nil {
			h.onFailed(h.cfg.StoreErr)
		}
		return
	}
	h.me, _ = h.cfg.History.Meta(h.cfg.Ctx, calls.MetaMe)
	h.started = true
	h.applyFilters()
}

func (h *historyPanel) stop() { h.account.cancelSync() }

// show brings one of the list area's states to the front.
func (h *historyPanel) show(o fyne.CanvasObject) {
	for _, c := range h.listArea.Objects {
		if c == o {
			c.Show()
		} else {
			c.Hide()
		}
	}
}

func (h *historyPanel) focusSearch() { h.cfg.Window.Canvas().Focus(h.search) }

// searchSoon applies the search a moment after typing stops.
func (h *historyPanel) searchSoon() {
	if h.searchT != nil {
		h.searchT.Stop()
	}
	h.searchT = time.AfterFunc(250*time.Millisecond, func() { h.cfg.Do(h.applyFilters) })
}

func (h *historyPanel) clearFilters() {
	h.started = false // one reload at the end, not one per widget
	h.typeSel.SetSelectedIndex(0)
	h.statusSel.SetSelectedIndex(0)
	h.dirSel.SetSelectedIndex(0)
	h.recCheck.SetChecked(false)
	h.search.SetText("")
	h.started = true
	h.applyFilters()
}

// currentFilter reads the filter widgets.
func (h *historyPanel) currentFilter() calls.Filter {
	f := calls.Filter{Me: h.me, Search: h.search.Text, HasRecording: h.recCheck.Checked}
	if i := h.typeSel.SelectedIndex(); i > 0 {
		f.CallType = typeValues[i]
	}
	if i := h.statusSel.SelectedIndex(); i > 0 {
		f.CallStatus = statusValues[i]
	}
	if i := h.dirSel.SelectedIndex(); i > 0 && h.me != "" {
		f.CallDirection = directionValues[i]
	}
	return f
}

// applyFilters counts the matching calls off the UI goroutine, then
// points the list at them.
func (h *historyPanel) applyFilters() {
	if h.cfg.History == nil || !h.started {
		return
	}
	if h.me == "" {
		h.dirSel.Disable()
	} else {
		h.dirSel.Enable()
	}
	f := h.currentFilter()
	if err := f.Validate(); err != nil {
		h.failedText.SetText(err.Error())
		h.show(h.failed)
		return
	}
	h.gen++
	gen := h.gen
	h.countLabel.SetText("Counting…")
	src, ctx, now := h.cfg.History, h.cfg.Ctx, h.cfg.Now()
	// The whole-history figures (total, chart) do not depend on the
	// filters: read them again only after a reload or on a new day.
	ov := h.overview
	if ov != nil && !sameDay(ov.day, now) {
		ov = nil
	}
	go func() {
		n, err := src.Count(ctx, f)
		if err == nil && ov == nil {
			ov = &overview{day: now, all: n}
			if !isEmptyFilter(f) {
				ov.all, err = src.Count(ctx, calls.Filter{})
			}
			if err == nil {
				ov.days, err = src.DailyMinutes(ctx, now, 30)
			}
		}
		// The first page too, so the UI goroutine has it at hand.
		pg := newPager(src, f, n)
		if err == nil && n > 0 {
			pg.row(ctx, 0)
			err = pg.err
		}
		h.cfg.Do(func() {
			if gen != h.gen {
				return
			}
			h.loaded(pg, ov, err)
		})
	}()
}

// overview is what the history panel shows of the whole history.
type overview struct {
	day  time.Time // when it was read
	all  int
	days []calls.DayMinutes
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

func isEmptyFilter(f calls.Filter) bool {
	f.Limit, f.Me = 0, ""
	return f == calls.Filter{}
}

// loaded shows a fresh count: the list, the empty state or a message.
func (h *historyPanel) loaded(pg *pager, ov *overview, err error) {
	if err != nil {
		h.failedText.SetText("The call history could not be read: " + err.Error())
		h.show(h.failed)
		h.countLabel.SetText("")
		return
	}
	h.filter, h.pager, h.overview = pg.filter, pg, ov
	all := ov.all
	pg.background(h.cfg.Ctx, h.cfg.Do, func() {
		if h.pager == pg {
			h.list.Refresh()
		}
	})
	n := pg.total
	h.chart.SetData(ov.days)
	switch {
	case all == 0:
		h.countLabel.SetText("No calls yet")
		h.show(h.empty)
	case n == 0:
		h.countLabel.SetText(fmt.Sprintf("0 of %s calls", thousands(all)))
		h.show(h.noMatch)
	case n == all:
		h.countLabel.SetText(plural(n, "call", "calls"))
		h.show(h.list)
	default:
		h.countLabel.SetText(fmt.Sprintf("%s of %s calls", thousands(n), thousands(all)))
		h.show(h.list)
	}
	h.list.UnselectAll()
	h.list.Refresh()
	h.list.ScrollToTop()
	h.details.clear()
	if h.cfg.OnHistoryShown != nil {
		h.cfg.OnHistoryShown()
		h.cfg.OnHistoryShown = nil
	}
}

// reload re-reads everything, e.g. after a sync or an import.
func (h *historyPanel) reload() {
	h.overview = nil
	if h.cfg.History != nil {
		h.me, _ = h.cfg.History.Meta(h.cfg.Ctx, calls.MetaMe)
	}
	h.applyFilters()
}

func (h *historyPanel) emptyState() fyne.CanvasObject {
	title := widget.NewLabelWithStyle("Your call history is empty", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	sub := widget.NewLabelWithStyle("Connect your CometChat app to sync your calls, import an export, or look around with a sample history.",
		fyne.TextAlignCenter, fyne.TextStyle{})
	sub.Wrapping = fyne.TextWrapWord
	connect := widget.NewButtonWithIcon("Connect CometChat account", theme.AccountIcon(), func() { h.account.showSettings() })
	connect.Importance = widget.HighImportance
	imp := widget.NewButtonWithIcon("Import file…", theme.FolderOpenIcon(), func() { h.account.importFile() })
	sample := widget.NewButtonWithIcon("Load sample history", theme.DocumentIcon(), func() { h.account.loadSample() })
	h.emptyButtons = []*widget.Button{connect, imp, sample}
	box := container.NewVBox(title, sub, container.NewCenter(container.NewVBox(connect, imp, sample)))
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(420, 260), box))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// thousands writes 1234567 as "1,234,567".
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
