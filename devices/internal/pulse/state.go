package pulse

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/jfreymuth/pulse/proto"
)

// Card is a sound card and its profiles (which sinks and sources it
// offers: a Bluetooth headset's music mode has no microphone).
type Card struct {
	Name, Label   string
	ActiveProfile string
	Profiles      []Profile
	// Recording is set while another program records from one of the
	// card's microphones: a call is going.
	Recording bool
}

// Profile is one way a card can run.
type Profile struct {
	Name, Label     string
	Inputs, Outputs int
	// Available is false when the server knows it cannot work now (a
	// port unplugged); such a profile is not offered as a fix.
	Available bool
}

// Sentinels for the set operations; the server's own error is wrapped.
var (
	// ErrNoSuchEntity: no sink, source, card or profile by that name.
	ErrNoSuchEntity = errors.New("no such device, card or profile")
)

// volume folds per-channel volumes into one figure, as pavucontrol's
// slider does: the loudest channel, 1 at 0 dB.
func volume(ch proto.ChannelVolumes) float64 {
	var top uint32
	for _, v := range ch {
		top = max(top, v)
	}
	return float64(top) / float64(proto.VolumeNorm)
}

func cardsFrom(cards proto.GetCardInfoListReply) []Card {
	out := make([]Card, 0, len(cards))
	for _, c := range cards {
		card := Card{Name: c.CardName, Label: c.CardName, ActiveProfile: c.ActiveProfileName}
		if v, ok := c.Properties["device.description"]; ok && v.String() != "" {
			card.Label = v.String()
		}
		for _, p := range c.Profiles {
			card.Profiles = append(card.Profiles, Profile{Name: p.Name, Label: p.Description,
				Inputs: int(p.NumSources), Outputs: int(p.NumSinks), Available: p.Available != 0})
		}
		out = append(out, card)
	}
	return out
}

// request makes one request on the reader's connection, dialing first if
// needed; a failed connection is dropped so the next call dials again.
func (p *Props) request(ctx context.Context, req proto.RequestArgs, reply proto.Reply) error {
	err := p.use(ctx, func(c *proto.Client) error { return c.Request(req, reply) })
	if errors.Is(err, proto.ErrNoSuchEntity) {
		return fmt.Errorf("%w: %w", ErrNoSuchEntity, err)
	}
	return err
}

// SetMute mutes or unmutes a source (input) or sink by name.
func (p *Props) SetMute(ctx context.Context, input bool, name string, mute bool) error {
	if input {
		return p.request(ctx, &proto.SetSourceMute{SourceIndex: proto.Undefined, SourceName: name, Mute: mute}, nil)
	}
	return p.request(ctx, &proto.SetSinkMute{SinkIndex: proto.Undefined, SinkName: name, Mute: mute}, nil)
}

// SetVolume sets every channel of a source (input) or sink to v (1 at
// 0 dB; the balance between channels is not kept, as pactl's one-figure
// form does not keep it).
func (p *Props) SetVolume(ctx context.Context, input bool, name string, v float64) error {
	if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("volume %v: must be 0 or more", v)
	}
	raw := uint32(math.Round(v * float64(proto.VolumeNorm)))
	channels := 0
	if input {
		var info proto.GetSourceInfoReply
		if err := p.request(ctx, &proto.GetSourceInfo{SourceIndex: proto.Undefined, SourceName: name}, &info); err != nil {
			return err
		}
		channels = len(info.ChannelVolumes)
	} else {
		var info proto.GetSinkInfoReply
		if err := p.request(ctx, &proto.GetSinkInfo{SinkIndex: proto.Undefined, SinkName: name}, &info); err != nil {
			return err
		}
		channels = len(info.ChannelVolumes)
	}
	vols := make(proto.ChannelVolumes, max(channels, 1))
	for i := range vols {
		vols[i] = raw
	}
	if input {
		return p.request(ctx, &proto.SetSourceVolume{SourceIndex: proto.Undefined, SourceName: name, ChannelVolumes: vols}, nil)
	}
	return p.request(ctx, &proto.SetSinkVolume{SinkIndex: proto.Undefined, SinkName: name, ChannelVolumes: vols}, nil)
}

// SetProfile switches a card to a profile by name.
func (p *Props) SetProfile(ctx context.Context, card, profile string) error {
	return p.request(ctx, &proto.SetCardProfile{CardIndex: proto.Undefined, CardName: card, ProfileName: profile}, nil)
}

// Server names the server and its version as it reports them
// ("pulseaudio 16.1", or PipeWire's "PulseAudio (on PipeWire 0.3.65)
// 15.0.0").
func (p *Props) Server(ctx context.Context) (string, error) {
	var info proto.GetServerInfoReply
	if err := p.request(ctx, &proto.GetServerInfo{}, &info); err != nil {
		return "", err
	}
	return info.PackageName + " " + info.PackageVersion, nil
}
