package exception

// The codes of "use in all apps" and "who uses what" (devices' routing),
// kept apart from codes.go's table so the two grow without colliding.
const (
	CodeUnknownStream    = "UNKNOWN_STREAM"     // a stream id not in the current list (or it ended)
	CodeStreamNotMovable = "STREAM_NOT_MOVABLE" // the server refused to move a stream (it asked not to be moved)
)

func init() {
	Names[CodeUnknownStream] = "VALIDATION_ERROR"
	Names[CodeStreamNotMovable] = "DEVICE_ERROR"
}
