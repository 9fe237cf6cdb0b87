package gui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/mediadesk/mediadesk/internal/exception"
)

// causeError is a sentence for a person with the system's own error
// behind it: Error is the sentence only; the cause shows under Details.
type causeError struct {
	msg   string
	cause error
}

func (e *causeError) Error() string { return e.msg }
func (e *causeError) Unwrap() error { return e.cause }

// errorWords splits err into what a person reads (in words) and what
// sits behind "Details" (a code, the system's message): a raw
// "dial tcp: lookup … no such host" is never the sentence.
func errorWords(err error) (words, details string) {
	var e *exception.Error
	var c *causeError
	switch {
	case errors.As(err, &e):
		words = sentence(e.Message)
		if e.Details != "" {
			words += " " + sentence(e.Details)
		}
		details = e.Code
		if e.Err != nil {
			details += "\n" + e.Err.Error()
		}
	case errors.As(err, &c):
		words = sentence(c.msg)
		if c.cause != nil {
			details = c.cause.Error()
		}
	default:
		words = sentence(err.Error())
	}
	return words, details
}

// sentence starts s with a capital and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "…") && !strings.HasSuffix(s, "?") {
		s += "."
	}
	return s
}

// showError shows err in words under title, the details folded away.
func showError(title string, err error, win fyne.Window) {
	words, details := errorWords(err)
	showWords(title, words, details, win)
}

// showWords shows a message with an optional "Details" disclosure.
func showWords(title, words, details string, win fyne.Window) {
	msg := widget.NewLabel(words)
	msg.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(msg)
	if details != "" {
		d := widget.NewLabel(details)
		d.Wrapping = fyne.TextWrapWord
		d.TextStyle.Monospace = true
		body.Add(widget.NewAccordion(widget.NewAccordionItem("Details", d)))
	}
	dlg := dialog.NewCustom(title, "OK", body, win)
	dlg.Resize(fyne.NewSize(460, dlg.MinSize().Height))
	dlg.Show()
}
