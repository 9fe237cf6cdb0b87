package devices

// stateCallbackDirty is what an OS state callback marks dirty. On macOS the
// per-device CoreAudio listener also fires when a process starts or stops
// running a microphone (kAudioDevicePropertyDeviceIsRunningSomewhere):
// who records is read again with the state, for the call guard.
const stateCallbackDirty = dirtyState | dirtyStreams
