package miniaudio

import "context"

// Windows: not yet wired (README's "Use in all apps" says what is).

func platformStreams(context.Context, string) ([]AppStream, error) { return nil, ErrUnsupported }

func platformSetDefault(string, string, bool) error { return ErrUnsupported }
