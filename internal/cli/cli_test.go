package cli

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

func run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Run(context.Background(), Env{Stdout: &out, Stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		out  string
	}{
		{nil, ExitUsage, "Usage: mediadesk"},
		{[]string{"--help"}, ExitOK, "Commands:"},
		{[]string{"devices", "--help"}, ExitOK, "--include-monitors"},
		{[]string{"devices", "-h"}, ExitOK, "--kind"},
	} {
		code, out, _ := run(tc.args...)
		assert.Equal(t, tc.code, code, tc.args)
		assert.Contains(t, out, tc.out, tc.args)
	}
	for _, args := range [][]string{
		{"frobnicate"},
		{"devices", "--kind", "speaker"},
		{"devices", "--no-such-flag"},
		{"devices", "extra"},
	} {
		code, _, errOut := run(args...)
		assert.Equal(t, ExitUsage, code, args)
		assert.NotEmpty(t, errOut, args)
	}
}
