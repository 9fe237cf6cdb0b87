//go:build !race

package devices

// raceOn: the tests run under the race detector.
const raceOn = false
