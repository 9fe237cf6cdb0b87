package devices

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// DeviceState is what the OS says about one microphone or speaker beyond
// the SDK's MediaDeviceInfo: whether it is muted, its volume (1 at 0 dB,
// the loudest channel; above 1 where the server amplifies), and the card it
// belongs to, if any. Only backends that know (the sound server) report it.
type DeviceState struct {
	DeviceID string  `json:"deviceId"`
	Kind     Kind    `json:"kind"`
	Muted    bool    `json:"muted"`
	Volume   float64 `json:"volume"`
	Card     string  `json:"card,omitempty"`
	// Profile is the card profile the device belongs to where a card's
	// profiles are live side by side: on Windows a Bluetooth headset's
	// "hands-free" (has the microphone) or "stereo" endpoint. Empty where
	// a card runs one profile at a time (the sound server: see the card's
	// ActiveProfile).
	Profile string `json:"profile,omitempty"`
}

// Card is a sound card and the profiles it can run in. On Windows a
// Bluetooth headset's endpoints are linked into one Card whose profiles
// ("hands-free", "stereo") are live side by side: ActiveProfile is empty
// and each device's DeviceState.Profile says which it is.
type Card struct {
	Name          string    `json:"name"`
	Label         string    `json:"label"`
	ActiveProfile string    `json:"activeProfile"`
	Profiles      []Profile `json:"profiles"`
	// Recording: another program records from one of the card's
	// microphones now (a call is going). MediaDesk's own meter and
	// recordings do not count. Known on the sound server only.
	Recording bool `json:"recording"`
}

// profile is the card's profile of that name, or nil.
func (c Card) profile(name string) *Profile {
	for i := range c.Profiles {
		if c.Profiles[i].Name == name {
			return &c.Profiles[i]
		}
	}
	return nil
}

// Profile is one way a card can run: how many inputs (microphones) and
// outputs it offers then, and whether it can work now.
type Profile struct {
	Name      string `json:"name"`
	Label     string `json:"label"`
	Inputs    int    `json:"inputs"`
	Outputs   int    `json:"outputs"`
	Available bool   `json:"available"`
}

// StateEvent is one onDeviceStateChanged: the devices whose mute, volume
// or card changed (their new state), and the cards now.
type StateEvent struct {
	At      time.Time     `json:"at"`
	Changed []DeviceState `json:"changed"`
	Cards   []Card        `json:"cards"`
}

// ProblemsEvent is one onProblemsChanged: the whole set of problems and
// of hints now.
type ProblemsEvent struct {
	At       time.Time `json:"at"`
	Problems []Problem `json:"problems"`
	Hints    []Problem `json:"hints"`
}

func stateKey(k Kind, id string) string { return string(k) + "\x00" + id }

// States returns the state of every listed microphone and speaker the
// backend reports state for, in list order.
func (m *Manager) States() []DeviceState {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.statesLocked()
}

func (m *Manager) statesLocked() []DeviceState {
	var out []DeviceState
	for _, k := range []Kind{AudioInput, AudioOutput} {
		for _, d := range m.lists.Of(k) {
			if s, ok := m.states[stateKey(k, d.DeviceID)]; ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// State returns one device's state; ok is false when it is not listed or
// its backend reports none.
func (m *Manager) State(k Kind, id string) (DeviceState, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.states[stateKey(k, id)]
	return s, ok
}

// Cards returns the sound cards and their profiles (empty where the
// backend has no such notion).
func (m *Manager) Cards() []Card {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.cards)
}

// Problems returns what would silently ruin a call now, for the chosen
// microphone and speaker (see problems.go).
func (m *Manager) Problems() []Problem {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.problems)
}

// Hints returns what is worth knowing but does not stop a call (see
// problems.go): Problem-shaped, with a fix where one applies.
func (m *Manager) Hints() []Problem {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.hints)
}

// statesFrom keeps the state of the devices a listing reported.
func statesFrom(raw []rawAudio) map[string]DeviceState {
	out := map[string]DeviceState{}
	for _, r := range raw {
		if r.HasState {
			out[stateKey(r.Kind, r.ID)] = DeviceState{DeviceID: r.ID, Kind: r.Kind, Muted: r.Muted, Volume: r.Volume, Card: r.Card, Profile: r.Profile}
		}
	}
	return out
}

// refreshState reads mute, volume and cards alone: what a volume or mute
// change needs, without a listing.
func (m *Manager) refreshState(ctx context.Context) error {
	// One at a time with the scans, so an older state read never lands
	// after a newer listing's.
	m.scanMu.Lock()
	defer m.scanMu.Unlock()
	b, err := m.backend()
	if err != nil {
		return err
	}
	raw, cards, err := b.State(ctx)
	if err != nil {
		if errors.Is(err, ErrStateUnsupported) {
			return nil
		}
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed || m.audio != b {
		return nil // closed, or a scan replaced the backend meanwhile
	}
	m.states, m.cards = statesFrom(raw), cards
	m.publishStateLocked()
	return nil
}

// publishStateLocked tells listeners which listed devices' state changed
// since they were last told, and the problems when their set changed.
func (m *Manager) publishStateLocked() {
	now := time.Now()
	m.noteCardChangesLocked(now)
	m.checkLocksLocked(now)
	m.problems, m.hints = m.computeProblemsLocked(now)
	var changed []DeviceState
	delivered := map[string]DeviceState{}
	for _, s := range m.statesLocked() {
		key := stateKey(s.Kind, s.DeviceID)
		if was, ok := m.deliveredStates[key]; ok && was != s {
			changed = append(changed, s)
		}
		delivered[key] = s
	}
	m.deliveredStates = delivered
	if len(changed) > 0 || !slices.EqualFunc(m.cards, m.deliveredCards, cardsEqual) {
		ev := StateEvent{At: now, Changed: changed, Cards: slices.Clone(m.cards)}
		for _, mb := range m.listeners {
			mb.state(ev)
		}
	}
	m.deliveredCards = slices.Clone(m.cards)
	if !slices.Equal(m.problems, m.deliveredProblems) || !slices.Equal(m.hints, m.deliveredHints) {
		ev := ProblemsEvent{At: now, Problems: slices.Clone(m.problems), Hints: slices.Clone(m.hints)}
		for _, mb := range m.listeners {
			mb.problems(ev)
		}
		m.deliveredProblems, m.deliveredHints = slices.Clone(m.problems), slices.Clone(m.hints)
	}
}

func cardsEqual(a, b Card) bool {
	return a.Name == b.Name && a.Label == b.Label && a.ActiveProfile == b.ActiveProfile && a.Recording == b.Recording &&
		slices.Equal(a.Profiles, b.Profiles)
}

// SetMute mutes or unmutes a listed microphone or speaker in the OS.
func (m *Manager) SetMute(ctx context.Context, k Kind, id string, muted bool) error {
	b, err := m.stateTarget(k, id)
	if err != nil {
		return err
	}
	return m.afterSet(ctx, b.SetMute(ctx, k, id, muted))
}

// SetVolume sets a listed microphone's or speaker's volume in the OS, 0 to
// 1 (0 dB); the server may allow more, MediaDesk does not ask for it.
func (m *Manager) SetVolume(ctx context.Context, k Kind, id string, v float64) error {
	if math.IsNaN(v) || v < 0 || v > 1 {
		return newError(CodeInvalidVolume, fmt.Sprintf("volume %v is not between 0 and 1", v), "give a number from 0 (silent) to 1 (full)")
	}
	b, err := m.stateTarget(k, id)
	if err != nil {
		return err
	}
	return m.afterSet(ctx, b.SetVolume(ctx, k, id, v))
}

// SetCardProfile switches a sound card to one of its profiles (a
// Bluetooth headset from its music mode to its headset mode, say).
func (m *Manager) SetCardProfile(ctx context.Context, card, profile string) error {
	b, err := m.backend()
	if err != nil {
		return err
	}
	m.mu.Lock()
	c, known := cardNamed(m.cards, card)
	known = known && c.profile(profile) != nil
	m.mu.Unlock()
	if !known {
		return newError(CodeUnknownProfile, fmt.Sprintf("no card %q with a profile %q", card, profile),
			"list the cards and their profiles (mediadesk devices --json) and use one shown")
	}
	return m.afterSet(ctx, b.SetProfile(ctx, card, profile))
}

// stateTarget checks that id is a listed microphone or speaker.
func (m *Manager) stateTarget(k Kind, id string) (audioBackend, error) {
	if k != AudioInput && k != AudioOutput {
		return nil, newError(CodeInvalidKind, fmt.Sprintf("%q has no mute or volume", k), "use audioinput or audiooutput")
	}
	b, err := m.backend()
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, err := m.listed(k, id); err != nil {
		return nil, err
	}
	return b, nil
}

// afterSet reads the state back at once, so a caller sees its change in
// States and Problems when the call returns (and listeners hear of it).
func (m *Manager) afterSet(ctx context.Context, err error) error {
	if err != nil {
		return err
	}
	return m.refreshState(ctx)
}
