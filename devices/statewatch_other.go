//go:build !darwin

package devices

// stateCallbackDirty is what an OS state callback (Windows' endpoint
// volume callbacks) marks dirty.
const stateCallbackDirty = dirtyState
