package nativecb

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStartFireClose(t *testing.T) {
	fired := 0
	var tok uintptr
	w := Start(func() { fired++ }, func(token uintptr) (func(), bool) {
		tok = token
		return func() {}, true
	})
	Fire(tok)
	assert.Equal(t, 1, fired)
	assert.NoError(t, w.Close())
	assert.NoError(t, w.Close(), "a second Close is a no-op")
	Fire(tok) // stale: a callback racing Close
	assert.Equal(t, 1, fired)

	assert.Nil(t, Start(func() {}, func(uintptr) (func(), bool) { return nil, false }))
}
