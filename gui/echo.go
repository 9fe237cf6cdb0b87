package gui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mediadesk/mediadesk/devices"
)

// echoSeconds is how long "Record and play back" records.
const echoSeconds = 5

// echoView is "hear yourself" in the Microphone card: record a few
// seconds from the chosen microphone, play them back on the chosen
// speaker, cancel at any point. The recording stays in memory and is
// discarded when the check ends.
type echoView struct {
	cfg     *Config
	button  *widget.Button
	status  *widget.Label
	content fyne.CanvasObject
	cancel  func()
	// mic and speaker give the chosen devices' ids at the time of a click.
	mic, speaker func() string
	// relayout lays the column out again when the status line appears.
	relayout func()
	// micUsed is the microphone the status line speaks of.
	micUsed string
	// onDone, if set, hears that a check ended: played back in full or not.
	onDone func(played bool)
}

// echoIdle is the status line before a check: it also reserves the line,
// so nothing below moves when the check starts talking.
const echoIdle = "Hear how you sound: 5 s are recorded, played back, then discarded."

// newEchoView builds the button and its status line; oneLine keeps the
// status to one line (cut with an ellipsis) where a second line would
// move what is below it.
func newEchoView(cfg *Config, mic, speaker func() string, oneLine bool) *echoView {
	v := &echoView{cfg: cfg, mic: mic, speaker: speaker}
	v.status = widget.NewLabel(echoIdle)
	v.status.Importance = widget.MediumImportance
	v.status.Wrapping = fyne.TextWrapWord
	if oneLine {
		v.status.Wrapping, v.status.Truncation = fyne.TextWrapOff, fyne.TextTruncateEllipsis
	}
	v.button = widget.NewButtonWithIcon("Record and play back", theme.MediaRecordIcon(), v.toggle)
	v.content = container.NewVBox(container.NewHBox(v.button), v.status)
	return v
}

func (v *echoView) say(s string, imp widget.Importance) {
	v.status.SetText(s)
	v.status.Importance = imp
	shown := v.status.Visible()
	v.status.Show()
	v.status.Refresh()
	if !shown && v.relayout != nil {
		v.relayout()
	}
}

// toggle starts a check, or cancels the one running.
func (v *echoView) toggle() {
	if v.cancel != nil {
		v.cancel()
		return
	}
	mic, spk := v.mic(), v.speaker()
	v.micUsed = mic
	ctx, cancel := context.WithCancel(v.cfg.Ctx)
	v.cancel = cancel
	v.button.SetText("Cancel")
	v.button.SetIcon(theme.MediaStopIcon())
	v.say(fmt.Sprintf("Recording %d seconds: speak now…", echoSeconds), widget.MediumImportance)
	go func() {
		defer cancel()
		rec, err := v.cfg.Devices.Record(ctx, mic, echoSeconds*time.Second, nil)
		if rec != nil {
			defer rec.Discard()
		}
		if err == nil {
			v.cfg.Do(func() { v.say("Playing it back…", widget.MediumImportance) })
			err = v.cfg.Devices.Play(ctx, spk, rec)
		}
		cancelled := ctx.Err() != nil && v.cfg.Ctx.Err() == nil
		v.cfg.Do(func() {
			v.cancel = nil
			v.button.SetText("Record and play back")
			v.button.SetIcon(theme.MediaRecordIcon())
			switch {
			case cancelled:
				v.say("Cancelled; nothing was kept.", widget.MediumImportance)
			case err != nil:
				v.say("The check could not finish: "+plainError(err), widget.DangerImportance)
			default:
				v.say("That is how you sound. The recording is gone.", widget.SuccessImportance)
			}
			if v.onDone != nil {
				v.onDone(!cancelled && err == nil)
			}
		})
	}()
}

// follow clears a finished check's line once another microphone is
// chosen: "That is how you sound" spoke of the one before.
func (v *echoView) follow(mic string) {
	if v.cancel == nil && v.status.Visible() && mic != v.micUsed {
		v.status.Hide()
		if v.relayout != nil {
			v.relayout()
		}
	}
}

// stop cancels a check in progress (the window closing).
func (v *echoView) stop() {
	if v.cancel != nil {
		v.cancel()
	}
}

// signalText is a microphone's signal warnings, as shown under its meter.
func signalText(ps []devices.Problem) string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Sentence()
	}
	return strings.Join(lines, "\n")
}
