package calls

import (
	"fmt"
	"strings"
)

// Hosts are the CometChat Calls host names of one app in one region
// (cometchat/docs fundamentals/network-allowlist.mdx): the REST API, the
// WebSocket signalling host and the TURN host. The network check and the
// REST client build them here, with the same validation.
type Hosts struct {
	REST       string // <appId>.call-<region>.cometchat.io
	Signalling string // <appId>.xmpp.rtcv5-<region>.cometchat.io
	TURN       string // turn.rtcv5-<region>.cometchat.io
}

// CheckRegion accepts us, eu and in in any case (as the Calls SDK's init
// does) and returns it in lower case.
func CheckRegion(region string) (string, error) {
	r := strings.ToLower(region)
	if r != "us" && r != "eu" && r != "in" {
		return "", settingsErr(fmt.Sprintf("invalid region %q", region), "use us, eu or in")
	}
	return r, nil
}

// HostsOf checks the app id (CheckAppID) and the region (CheckRegion) and
// returns the app's hosts. The error is an *Error (INVALID_CALL_APP_SETTINGS).
func HostsOf(appID, region string) (Hosts, error) {
	if err := CheckAppID(appID); err != nil {
		return Hosts{}, err
	}
	r, err := CheckRegion(region)
	if err != nil {
		return Hosts{}, err
	}
	return Hosts{
		REST:       fmt.Sprintf("%s.call-%s.cometchat.io", appID, r),
		Signalling: fmt.Sprintf("%s.xmpp.rtcv5-%s.cometchat.io", appID, r),
		TURN:       fmt.Sprintf("turn.rtcv5-%s.cometchat.io", r),
	}, nil
}
