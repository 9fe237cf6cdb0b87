package calls

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var ctx = context.Background()

func newStore(t testing.TB) *Store {
	t.Helper()
	st, err := OpenStore(ctx, filepath.Join(t.TempDir(), "history.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

var sampleNow = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
