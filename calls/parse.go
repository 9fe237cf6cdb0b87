package calls

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
)

// ParseFilter reads a filter from query-style keys (limit, type, status,
// category, direction, me, uid, guid, hasRecording, search): the CLI's flags and
// saved GUI filters both go through here. Unknown keys and bad values are
// errors; the result is validated.
func ParseFilter(q url.Values) (Filter, error) {
	var f Filter
	var unknown []string
	for k, vs := range q {
		if len(vs) != 1 {
			return Filter{}, newError(CodeInvalidArgument, fmt.Sprintf("%s is given %d times", k, len(vs)), "give it once")
		}
		v := vs[0]
		switch k {
		case "limit":
			n, err := strconv.Atoi(v)
			if err != nil || n == 0 {
				return Filter{}, newError(CodeInvalidArgument, fmt.Sprintf("limit %q is not valid", v), "use a number from 1 to 100")
			}
			f.Limit = n
		case "type":
			f.CallType = v
		case "status":
			f.CallStatus = v
		case "category":
			f.CallCategory = v
		case "direction":
			f.CallDirection = v
		case "me":
			f.Me = v
		case "uid":
			f.UID = v
		case "guid":
			f.GUID = v
		case "search":
			f.Search = v
		case "hasRecording":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return Filter{}, newError(CodeInvalidArgument, fmt.Sprintf("hasRecording %q is not valid", v), "use true or false")
			}
			f.HasRecording = b
		default:
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return Filter{}, newError(CodeInvalidArgument, fmt.Sprintf("unknown filter %q", unknown[0]),
			"use limit, type, status, category, direction, me, uid, guid, hasRecording or search")
	}
	return f, f.Validate()
}
