package gui

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mediadesk/mediadesk/calls"
)

// detailsView shows the selected call: status, date and duration, then
// tabs for participants, recordings and other calls with the same party.
type detailsView struct {
	h            *historyPanel
	placeholder  *widget.Label
	title        *widget.Label
	statusIcon   *widget.Icon
	status       *widget.Label
	when         *widget.Label
	tabs         *container.AppTabs
	participants *fyne.Container
	recordings   *fyne.Container
	history      *fyne.Container
	body         *fyne.Container
	content      fyne.CanvasObject
	call         calls.CallLog
}

func newDetailsView(h *historyPanel) *detailsView {
	d := &detailsView{h: h}
	// Low importance rather than italics: an italic face is one more font
	// parsed into memory (about 3 MB; BENCHMARKS.md).
	d.placeholder = widget.NewLabelWithStyle("Select a call to see its details.", fyne.TextAlignCenter, fyne.TextStyle{})
	d.placeholder.Importance = widget.LowImportance
	d.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.statusIcon = widget.NewIcon(iconIncoming)
	d.status = widget.NewLabel("")
	d.when = widget.NewLabel("")
	d.participants = container.NewVBox()
	d.recordings = container.NewVBox()
	d.history = container.NewVBox()
	d.tabs = container.NewAppTabs(
		container.NewTabItem("Participants", container.NewVScroll(d.participants)),
		container.NewTabItem("Recordings", container.NewVScroll(d.recordings)),
		container.NewTabItem("History", container.NewVScroll(d.history)),
	)
	header := container.NewVBox(d.title, container.NewHBox(d.statusIcon, d.status, widget.NewSeparator(), d.when))
	d.body = container.NewBorder(header, nil, nil, nil, d.tabs)
	d.body.Hide()
	d.content = container.NewStack(container.NewCenter(d.placeholder), d.body)
	return d
}

func (d *detailsView) clear() {
	d.call = calls.CallLog{}
	d.body.Hide()
	d.placeholder.Show()
	d.setOpen(false)
}

// setOpen shows or hides the details beside the list.
func (d *detailsView) setOpen(open bool) {
	if d.content.Visible() == open {
		return
	}
	if open {
		d.content.Show()
	} else {
		d.content.Hide()
	}
	if d.h.split != nil {
		d.h.split.Refresh()
	}
}

// show fills the view for c.
func (d *detailsView) show(c calls.CallLog) {
	d.setOpen(true)
	me := d.h.me
	d.call = c
	_, name := c.OtherParty(me)
	kind := "Audio call"
	if c.Type == "video" {
		kind = "Video call"
	}
	d.title.SetText(fmt.Sprintf("%s · %s", name, kind))
	d.statusIcon.SetResource(directionIcon(c, me))
	d.status.SetText(statusLabel(c, me))
	if c.Missed(me) {
		d.status.Importance = widget.DangerImportance
	} else {
		d.status.Importance = widget.MediumImportance
	}
	d.status.Refresh()
	d.when.SetText(fmt.Sprintf("%s · %s", callDate(c.InitiatedAt), longDuration(c.TotalDurationInMinutes)))

	d.participants.RemoveAll()
	for _, p := range c.Participants {
		joined := "Did not join"
		// The UI Kit's guard: the REST shape may leave hasJoined unset
		// while joinedAt says they were there.
		if p.HasJoined || p.JoinedAt != 0 {
			joined = "Joined · " + longDuration(p.TotalDurationInMinutes)
		}
		n := p.Name
		if n == "" {
			n = p.UID
		}
		d.participants.Add(container.NewBorder(nil, nil, nil, widget.NewLabel(joined), widget.NewLabel(n)))
	}
	if len(c.Participants) == 0 {
		d.participants.Add(widget.NewLabel("No participants were recorded."))
	}

	d.recordings.RemoveAll()
	for _, r := range c.Recordings {
		d.recordings.Add(d.recordingRow(r))
	}
	if len(c.Recordings) == 0 {
		d.recordings.Add(widget.NewLabel("No recording available."))
	}

	d.history.RemoveAll()
	d.loadHistory(c)

	d.placeholder.Hide()
	d.body.Show()
}

// loadHistory lists other calls with the same party (user or group).
func (d *detailsView) loadHistory(c calls.CallLog) {
	id, _ := c.OtherParty(d.h.me)
	f := calls.Filter{Limit: 30}
	if c.Receiver.IsGroup() {
		f.GUID = id
	} else {
		f.UID = id
	}
	if id == "" || d.h.cfg.History == nil {
		d.history.Add(widget.NewLabel("No other calls."))
		return
	}
	src, ctx := d.h.cfg.History, d.h.cfg.Ctx
	go func() {
		got, err := src.Calls(ctx, f, 0, 31)
		d.h.cfg.Do(func() {
			if d.call.SessionID != c.SessionID {
				return
			}
			if err != nil {
				d.history.Add(widget.NewLabel("Could not read the history: " + err.Error()))
				return
			}
			n := 0
			for _, o := range got {
				if o.SessionID == c.SessionID || n == 30 {
					continue
				}
				n++
				line := fmt.Sprintf("%s · %s", callDate(o.InitiatedAt), statusLabel(o, d.h.me))
				if dur := shortDuration(o.TotalDurationInMinutes); dur != "" {
					line += " · " + dur
				}
				d.history.Add(container.NewHBox(widget.NewIcon(directionIcon(o, d.h.me)), widget.NewIcon(typeIcon(o)), widget.NewLabel(line)))
			}
			if n == 0 {
				d.history.Add(widget.NewLabel("No other calls."))
			}
		})
	}()
}

// webURL accepts only http and https links: a recording URL from the
// server must not open a file or run a program.
func webURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not a web address", s)
	}
	return u, nil
}

func (d *detailsView) recordingRow(r calls.Recording) fyne.CanvasObject {
	title := r.RID
	if title == "" {
		title = "Recording"
	}
	info := widget.NewLabel(fmt.Sprintf("%s · %s", callDate(r.StartTime), longDuration(r.Duration/60)))
	info.Importance = widget.MediumImportance
	bar := widget.NewProgressBar()
	bar.Hide()
	note := widget.NewLabel("")
	note.Wrapping = fyne.TextWrapWord
	note.Hide()
	u, err := webURL(r.RecordingURL)
	open := widget.NewButtonWithIcon("Open", theme.ComputerIcon(), func() {
		if err := d.h.cfg.OpenURL(u); err != nil {
			note.SetText("Could not open the browser: " + err.Error())
			note.Show()
		}
	})
	var download *widget.Button
	fetch := func(path string) {
		download.Disable()
		bar.SetValue(0)
		bar.Show()
		note.Hide()
		go func() {
			err := downloadFile(d.h.cfg.Ctx, d.h.cfg.HTTP, u.String(), path, func(done, total int64) {
				v := float64(done) / float64(total)
				d.h.cfg.Do(func() { bar.SetValue(v) })
			})
			d.h.cfg.Do(func() {
				download.Enable()
				bar.Hide()
				if err != nil {
					note.SetText("Download failed: " + err.Error() + ". Nothing was saved; a file it was to replace is as it was.")
				} else {
					note.SetText("Saved to " + path)
				}
				note.Show()
			})
		}()
	}
	download = widget.NewButtonWithIcon("Download", theme.DownloadIcon(), func() {
		ask := func() { askSavePath(d.h.cfg.Window, "Download recording", recordingFileName(r.RID), fetch) }
		if u.Scheme != "https" {
			dialog.ShowConfirm("Download without encryption?",
				"This recording is offered over plain http: anyone on the network between you and the server can see it or change it. Download it anyway?",
				func(yes bool) {
					if yes {
						ask()
					}
				}, d.h.cfg.Window)
			return
		}
		ask()
	})
	if err != nil {
		open.Disable()
		download.Disable()
		note.SetText("This recording has no web address MediaDesk can open.")
		note.Show()
	}
	return container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(open, download), container.NewVBox(widget.NewLabel(title), info)),
		bar, note)
}

// downloadFile fetches url into path through replaceFile: a failed or
// cancelled download leaves no half-written file, and a file it was to
// replace stays whole. progress is called when the whole percentage
// changes (at most about 100 times, however large the file), and only
// when the size is known.
func downloadFile(ctx context.Context, client *http.Client, url, path string, progress func(done, total int64)) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the server answered %s", resp.Status)
	}
	return replaceFile(path, func(f *os.File) error {
		var done int64
		shown := int64(-1)
		total := resp.ContentLength
		buf := make([]byte, 64<<10)
		for {
			n, rerr := resp.Body.Read(buf)
			if n > 0 {
				if _, err := f.Write(buf[:n]); err != nil {
					return err
				}
				done += int64(n)
				if pct := done * 100 / max(total, 1); total > 0 && pct != shown {
					shown = pct
					progress(done, total)
				}
			}
			if rerr == io.EOF {
				break
			}
			if rerr != nil {
				return rerr
			}
		}
		if total > 0 && done != total {
			return fmt.Errorf("the download stopped at %d of %d bytes", done, total)
		}
		return nil
	})
}

// recordingFileName is the name a recording is offered to be saved as:
// the base name of the server's rid (which may hold path separators or
// controls), with .mp4 when it has no extension.
func recordingFileName(rid string) string {
	rid = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' {
			return '/'
		}
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, rid)
	name := path.Base(rid)
	name = strings.TrimSpace(strings.TrimLeft(name, "."))
	if name == "" || name == "/" {
		name = "recording"
	}
	if path.Ext(name) == "" {
		name += ".mp4"
	}
	return name
}
