package miniaudio

import "context"

// macOS: not yet wired (README's "Use in all apps" says what is). There is
// no per-app routing on macOS at all: no stream list to read.

func platformStreams(context.Context, string) ([]AppStream, error) { return nil, ErrUnsupported }

func platformSetDefault(string, string, bool) error { return ErrUnsupported }
