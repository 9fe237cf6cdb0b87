//go:build !windows

package devices

// wasapiGroupKey: WASAPI endpoints exist only on Windows.
func wasapiGroupKey(string) string { return "" }
