package gui

import (
	_ "embed"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Our own call icons (drawn for MediaDesk), themed to the foreground
// colour, and the missed-call arrow in the theme's error colour as the UI
// Kit shows it.
var (
	//go:embed icons/incoming.svg
	incomingSVG []byte
	//go:embed icons/outgoing.svg
	outgoingSVG []byte
	//go:embed icons/missed.svg
	missedSVG []byte
	//go:embed icons/phone.svg
	phoneSVG []byte
	//go:embed icons/video.svg
	videoSVG []byte
	//go:embed icons/mic.svg
	micSVG []byte

	iconIncoming = theme.NewThemedResource(fyne.NewStaticResource("incoming.svg", incomingSVG))
	iconOutgoing = theme.NewThemedResource(fyne.NewStaticResource("outgoing.svg", outgoingSVG))
	iconMissed   = theme.NewErrorThemedResource(fyne.NewStaticResource("missed.svg", missedSVG))
	iconAudio    = theme.NewThemedResource(fyne.NewStaticResource("phone.svg", phoneSVG))
	iconVideo    = theme.NewThemedResource(fyne.NewStaticResource("video.svg", videoSVG))
	iconMic      = theme.NewThemedResource(fyne.NewStaticResource("mic.svg", micSVG))
)
