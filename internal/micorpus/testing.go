package micorpus

import (
	"os"
	"testing"
)

// ForTest loads the speech from EnvDir for a test, skipping it when the
// corpus is not fetched, or failing it when MEDIADESK_REQUIRE_CORPUS is set
// (make test sets it, so a missing corpus cannot pass as a skip there).
func ForTest(t testing.TB) *Speech {
	t.Helper()
	sp, err := Load(os.Getenv(EnvDir))
	if err != nil {
		if os.Getenv("MEDIADESK_REQUIRE_CORPUS") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return sp
}
