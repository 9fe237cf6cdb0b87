package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("x.hello")
	w := a.NewWindow("Hello")
	w.SetContent(widget.NewLabel("hello"))
	w.Resize(fyne.NewSize(1180, 760))
	w.ShowAndRun()
}
