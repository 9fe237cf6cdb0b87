package main

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestBenchLineParsing(t *testing.T) {
	m := benchLine.FindStringSubmatch("BenchmarkFetchNext1MTwoFilters-2   	     300	    612345 ns/op	         0.5300 p50-ms	         1.020 p99-ms")
	if assert.NotNil(t, m) {
		assert.Equal(t, "FetchNext1MTwoFilters", m[1])
		assert.Equal(t, "612345", m[2])
		assert.Contains(t, m[3], "p50-ms")
	}
	assert.Nil(t, benchLine.FindStringSubmatch("PASS"))
	m = benchLine.FindStringSubmatch("BenchmarkImport100k-2   	       3	2712345678 ns/op	 41.20 MB/s")
	if assert.NotNil(t, m) {
		assert.Equal(t, "Import100k", m[1])
	}
}

func TestStatistics(t *testing.T) {
	ds := []time.Duration{5, 1, 4, 2, 3}
	assert.Equal(t, time.Duration(3), median(ds))
	assert.Equal(t, []time.Duration{5, 1, 4, 2, 3}, ds, "median leaves its input alone")
	assert.Equal(t, time.Duration(5), pct(ds, .99))
	assert.Equal(t, "Chromium 3.5× slower", ratio(2*time.Millisecond, 7*time.Millisecond, "Chromium"))
	assert.Equal(t, "—", ratio(0, time.Millisecond, "x"))
	assert.Equal(t, "1.50 ms", ms(1500*time.Microsecond))
}

func TestProcCPUReadsThisProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	start := procCPU(os.Getpid())
	for deadline := time.Now().Add(300 * time.Millisecond); time.Now().Before(deadline); {
	}
	assert.Greater(t, procCPU(os.Getpid()), start, "busy work shows up as CPU time")
}
