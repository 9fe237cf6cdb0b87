package calls

import (
	"context"
	"testing"
	"time"

	"github.com/mediadesk/mediadesk/internal/testwait"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRequestPaging(t *testing.T) {
	st, all := sampleStore(t, 75, 5)
	req, err := NewRequest(st, Filter{})
	require.NoError(t, err)

	prev, err := req.FetchPrevious(ctx)
	require.NoError(t, err)
	assert.Empty(t, prev, "nothing before the first page")

	var got []CallLog
	for i := 0; i < 3; i++ {
		page, err := req.FetchNext(ctx)
		require.NoError(t, err)
		got = append(got, page...)
	}
	assert.Len(t, got, 75)
	assert.Equal(t, all[0].SessionID, got[0].SessionID, "newest first")
	assert.Equal(t, all[74].SessionID, got[74].SessionID)
	end, err := req.FetchNext(ctx)
	require.NoError(t, err)
	assert.Empty(t, end, "empty at the end")
	assert.Equal(t, 3, req.CurrentPage())

	back, err := req.FetchPrevious(ctx)
	require.NoError(t, err)
	assert.Equal(t, all[30:60], back)
	back, err = req.FetchPrevious(ctx)
	require.NoError(t, err)
	assert.Equal(t, all[:30], back)
	back, err = req.FetchPrevious(ctx)
	require.NoError(t, err)
	assert.Empty(t, back)
	again, err := req.FetchNext(ctx)
	require.NoError(t, err)
	assert.Equal(t, all[30:60], again, "and forward again")
}

// blockingSource holds a page until released, to catch concurrent fetches;
// entered says a fetch is in flight.
type blockingSource struct{ entered, release chan struct{} }

func (b blockingSource) Page(ctx context.Context, f Filter, p int) ([]CallLog, bool, error) {
	select {
	case b.entered <- struct{}{}:
	default:
	}
	<-b.release
	return Sample(f.Limit, uint64(p), sampleNow), true, nil
}

func TestRequestInProgress(t *testing.T) {
	src := blockingSource{entered: make(chan struct{}, 1), release: make(chan struct{})}
	req, err := NewRequest(src, Filter{Limit: 2})
	require.NoError(t, err)
	done := make(chan error)
	go func() {
		_, err := req.FetchNext(ctx)
		done <- err
	}()
	select {
	case <-src.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the first fetch never reached the source")
	}
	_, err = req.FetchNext(ctx)
	assert.ErrorIs(t, err, ErrRequestInProgress)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "Request in progress.", e.Message)
	close(src.release)
	err, _ = testwait.Recv(t, done, "the request to return")
	assert.NoError(t, err)
	_, err = req.FetchNext(ctx)
	assert.NoError(t, err, "free again once the first one finished")
}
