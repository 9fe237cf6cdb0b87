package gui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/mediadesk/mediadesk/calls"
)

// callRow is one drawn row: avatar, name, direction and date, type.
type callRow struct {
	widget.BaseWidget
	circle  *canvas.Circle
	letters *canvas.Text
	name    *widget.Label
	dir     *widget.Icon
	when    *widget.Label
	kind    *widget.Icon
	box     *fyne.Container
}

func newCallRow() *callRow {
	r := &callRow{
		circle:  canvas.NewCircle(color.Gray{Y: 0x80}),
		letters: canvas.NewText("", color.White),
		name:    widget.NewLabel("Someone with a long name"),
		dir:     widget.NewIcon(iconIncoming),
		when:    widget.NewLabel(""),
		kind:    widget.NewIcon(iconAudio),
	}
	r.letters.Alignment = fyne.TextAlignCenter
	r.letters.TextStyle.Bold = true
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.name.TextStyle.Bold = true
	avatar := container.NewGridWrap(fyne.NewSize(36, 36), container.NewStack(r.circle, container.NewCenter(r.letters)))
	sub := container.NewHBox(r.dir, r.when)
	r.box = container.NewBorder(nil, nil, container.NewCenter(avatar), container.NewCenter(r.kind),
		container.New(layout.NewCustomPaddedVBoxLayout(-12), r.name, sub))
	r.ExtendBaseWidget(r)
	return r
}

// set shows c; search is the name being searched for, so a call listed
// because someone else in it matched (a group call Ada took part in) says
// who.
func (r *callRow) set(c calls.CallLog, me, search string) {
	id, name := c.OtherParty(me)
	if name == "" {
		name = id
	}
	r.name.SetText(name)
	if c.Missed(me) {
		r.name.Importance = widget.DangerImportance
	} else {
		r.name.Importance = widget.MediumImportance
	}
	r.name.Refresh()
	r.letters.Text = initials(name)
	r.letters.Refresh()
	r.circle.FillColor = avatarColor(id + name)
	r.circle.Refresh()
	r.dir.SetResource(directionIcon(c, me))
	when := callDate(c.InitiatedAt)
	if d := shortDuration(c.TotalDurationInMinutes); d != "" && !c.Missed(me) {
		when += " · " + d
	}
	if who := matchedBy(c, name, search); who != "" {
		when += " · " + who + " took part"
	}
	r.when.SetText(when)
	r.kind.SetResource(typeIcon(c))
	r.kind.Show()
	r.dir.Show()
}

func (r *callRow) blank() {
	r.name.SetText("…")
	r.when.SetText("")
	r.letters.Text = ""
	r.letters.Refresh()
	r.kind.Hide()
	r.dir.Hide()
}

func (r *callRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

// matchedBy is who in c matches a name search when the name shown does
// not: "" when the shown name matches or nothing is searched.
func matchedBy(c calls.CallLog, shown, search string) string {
	q := strings.ToLower(strings.TrimSpace(search))
	if q == "" || strings.Contains(strings.ToLower(shown), q) {
		return ""
	}
	names := []string{c.Initiator.Name}
	if u := c.Receiver.User; u != nil {
		names = append(names, u.Name)
	}
	for _, p := range c.Participants {
		names = append(names, p.Name)
	}
	for _, n := range names {
		if strings.Contains(strings.ToLower(n), q) {
			return n
		}
	}
	return ""
}
