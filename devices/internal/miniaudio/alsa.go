package miniaudio

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// miniaudio's simplified ALSA ids are ":C,D" (card index, device index);
// the card index depends on probe order, so it is not a stable id.
var alsaIndexID = regexp.MustCompile(`^(?:hw|plughw)?:(\d+),(\d+)$`)

// alsaStableID rewrites ":C,D" as "hw:CARD=<card id>,DEV=D", which ALSA
// itself accepts and which names the same card after a reboot.
func alsaStableID(id string, cardID func(int) (string, error)) string {
	m := alsaIndexID.FindStringSubmatch(id)
	if m == nil {
		return id
	}
	card, _ := strconv.Atoi(m[1])
	name, err := cardID(card)
	if err != nil || name == "" {
		return id
	}
	return fmt.Sprintf("hw:CARD=%s,DEV=%s", name, m[2])
}

// alsaGroupKey links the playback and capture devices of one card.
func alsaGroupKey(id string) string {
	if rest, ok := strings.CutPrefix(id, "hw:CARD="); ok {
		card, _, _ := strings.Cut(rest, ",")
		return "alsacard:" + card
	}
	return ""
}

func readALSACardID(card int) (string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/asound/card%d/id", card))
	return strings.TrimSpace(string(b)), err
}
