package gui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// askSavePath asks where to save a file — a name in a folder — and hands
// the chosen path to save, after asking before it replaces a file. It
// never opens the file: Fyne's save dialog hands over storage.Writer(uri),
// which truncates the chosen file before anything is written, so a save
// that then failed (a window closed mid-export, a full disk) lost the file
// the person chose to replace. Writing is the caller's, through
// replaceFile, which leaves the old file whole until the new one is
// complete.
func askSavePath(win fyne.Window, title, name string, save func(path string)) {
	dir := defaultSaveDir()
	nameEntry := widget.NewEntry()
	nameEntry.SetText(name)
	folder := widget.NewLabel(dir)
	folder.Truncation = fyne.TextTruncateEllipsis
	change := widget.NewButton("Change folder…", func() {
		d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
			if err == nil && l != nil {
				dir = l.Path()
				folder.SetText(dir)
			}
		}, win)
		d.Show()
	})
	form := widget.NewForm(
		widget.NewFormItem("File name", nameEntry),
		widget.NewFormItem("Folder", container.NewBorder(nil, nil, nil, change, folder)),
	)
	d := dialog.NewCustomConfirm(title, "Save", "Cancel", form, func(ok bool) {
		if !ok {
			return
		}
		path, err := savePath(dir, nameEntry.Text)
		if err != nil {
			dialog.ShowError(err, win)
			return
		}
		fi, err := os.Stat(path)
		switch {
		case err == nil && fi.IsDir():
			dialog.ShowError(fmt.Errorf("%s is a folder: choose another file name", path), win)
		case err == nil:
			dialog.ShowConfirm("Replace the file?",
				fmt.Sprintf("%s already exists. Replace it? The old file stays as it is until the new one is complete.", filepath.Base(path)),
				func(yes bool) {
					if yes {
						save(path)
					}
				}, win)
		default:
			save(path)
		}
	}, win)
	d.Resize(fyne.NewSize(520, d.MinSize().Height))
	d.Show()
	win.Canvas().Focus(nameEntry)
}

// savePath is name in dir, refused when name is empty or leaves dir.
func savePath(dir, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
		return "", fmt.Errorf("give a file name without folders, such as calls.json")
	}
	return filepath.Join(dir, name), nil
}

// defaultSaveDir is where a save starts: the Downloads folder when there
// is one, else the home folder, else the working directory.
func defaultSaveDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return "."
	}
	if fi, err := os.Stat(filepath.Join(home, "Downloads")); err == nil && fi.IsDir() {
		return filepath.Join(home, "Downloads")
	}
	return home
}

// replaceFile writes path through a temporary file in the same folder,
// renamed over path only once write succeeded and the data is on disk: on
// any failure path is untouched (a file it names stays whole) and the
// temporary file is removed.
func replaceFile(path string, write func(f *os.File) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".mediadesk-save-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
