// Package localetime says whether the person's locale writes the time of
// day on a 12-hour clock (3:04 PM) or a 24-hour one (15:04), so the window
// and the command line show times alike and as the system does.
package localetime

import (
	"os"
	"strings"
)

// twelveHour are the locales whose glibc time format (t_fmt) is on a
// 12-hour clock (%r or %I), by language_TERRITORY or by language alone.
var twelveHour = map[string]bool{
	"en_US": true, "en_CA": true, "en_AU": true, "en_NZ": true, "en_PH": true, "en_IN": true,
	"hi_IN": true, "bn_IN": true, "bn_BD": true, "ur_PK": true, "zh_TW": true, "zh_HK": true,
	"ar": true, // most Arabic locales
}

// TwentyFourHour reports whether times are written 15:04: the locale in
// LC_ALL, else LC_TIME, else LANG (POSIX's order); an unset or C/POSIX
// locale is 24-hour.
func TwentyFourHour() bool { return twentyFour(os.Getenv) }

func twentyFour(getenv func(string) string) bool {
	loc := ""
	for _, k := range []string{"LC_ALL", "LC_TIME", "LANG"} {
		if v := getenv(k); v != "" {
			loc = v
			break
		}
	}
	loc, _, _ = strings.Cut(loc, ".") // en_US.UTF-8
	loc, _, _ = strings.Cut(loc, "@")
	lang, _, _ := strings.Cut(loc, "_")
	return !twelveHour[loc] && !twelveHour[lang]
}

// Clock is the layout of a time of day: "15:04", or "3:04 PM".
func Clock() string {
	if TwentyFourHour() {
		return "15:04"
	}
	return "3:04 PM"
}
