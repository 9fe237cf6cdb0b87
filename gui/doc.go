// Package gui is MediaDesk's window: the device pickers with their checks
// on the left, the call history on the right.
//
// The UI is built by New from interfaces (Devices, History, Keyring) so the
// same code runs on the real devices.Manager and calls.Store and, in tests,
// on fakes with Fyne's headless test driver. Every change that comes from
// another goroutine (hot-plug events, meter readings, sync progress) goes
// through Config.Do, which is fyne.Do in the app.
package gui
