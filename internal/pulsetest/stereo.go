//go:build linux

package pulsetest

// Right ends the recording (as Stop) and returns its right channel.
func (r *Recorder) Right() []int16 {
	r.Stop()
	b := r.out.Bytes()
	right := make([]int16, len(b)/4)
	for i := range right {
		right[i] = int16(uint16(b[4*i+2]) | uint16(b[4*i+3])<<8)
	}
	return right
}
