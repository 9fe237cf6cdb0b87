package localetime

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTwentyFourHour(t *testing.T) {
	for env, want := range map[[3]string]bool{
		{"", "", ""}:                       true,
		{"", "", "C.UTF-8"}:                true,
		{"", "", "en_US.UTF-8"}:            false,
		{"", "", "en_GB.UTF-8"}:            true,
		{"", "de_DE.UTF-8", "en_US.UTF-8"}: true, // LC_TIME before LANG
		{"en_US.UTF-8", "de_DE.UTF-8", ""}: false,
		{"", "", "ar_EG.UTF-8"}:            false,
		{"", "", "fr_FR@euro"}:             true,
	} {
		got := twentyFour(func(k string) string {
			return map[string]string{"LC_ALL": env[0], "LC_TIME": env[1], "LANG": env[2]}[k]
		})
		assert.Equal(t, want, got, "%v", env)
	}
}
