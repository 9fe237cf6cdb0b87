package v4l2

import (
	"encoding/binary"
	"unsafe"

	"golang.org/x/sys/unix"
)

// FakeControl is one control of a FakeNode, answered as the kernel's
// control framework (v4l2-ctrls) does: integers clamped into their range
// and rounded to their step, a menu index outside the range ERANGE and a
// skipped one EINVAL, a read-only control EACCES.
type FakeControl struct {
	ID                             uint32
	Type                           string // TypeInteger … TypeButton, or "class" for a class heading
	Label                          string
	Min, Max, Step, Default, Value int64
	// Menu holds a menu's items by index (an index left out is one the
	// driver skips); IntMenu an integer menu's.
	Menu     map[int64]string
	IntMenu  map[int64]int64
	ReadOnly bool
	Inactive bool
	// InactiveUnder makes the control inactive while the control of that
	// id is not at ActiveAt, as uvcvideo has exposure_time_absolute
	// inactive unless auto_exposure is 1 (Manual Mode); the driver then
	// refuses to set it (EACCES), as uvcvideo does.
	InactiveUnder uint32
	ActiveAt      int64
	// SetErr makes setting this control fail with it (a refusing driver:
	// EBUSY, EIO); GetErr reading it.
	SetErr, GetErr error
	// Sets counts the values set.
	Sets int
}

var fakeTypes = map[string]uint32{
	TypeInteger: ctrlTypeInteger, TypeInteger64: ctrlTypeInteger64, TypeBoolean: ctrlTypeBoolean,
	TypeMenu: ctrlTypeMenu, TypeIntegerMenu: ctrlTypeIntegerMenu, TypeButton: ctrlTypeButton,
	TypeBitmask: ctrlTypeBitmask, "class": ctrlTypeCtrlClass,
}

// Control is the node's control id (for a test to look at or change).
func (f *FakeIO) Control(path string, id uint32) *FakeControl {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := f.nodes[path]; n != nil {
		return n.control(id)
	}
	return nil
}

// WithControl runs change on the node's control id under the fake's lock.
func (f *FakeIO) WithControl(path string, id uint32, change func(c *FakeControl)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := f.nodes[path]; n != nil {
		if c := n.control(id); c != nil {
			change(c)
		}
	}
}

// SetControls replaces the node's controls (a camera replugged in another
// mode that has other controls).
func (f *FakeIO) SetControls(path string, ctrls []*FakeControl) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := f.nodes[path]; n != nil {
		n.Controls = ctrls
	}
}

func (n *FakeNode) control(id uint32) *FakeControl {
	for _, c := range n.Controls {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// controlIoctl answers the control ioctls; false for any other request.
func (n *FakeNode) controlIoctl(req uint, arg unsafe.Pointer) (bool, error) {
	switch req {
	case vidiocQueryExtCtrl:
		q := (*v4l2QueryExtCtrl)(arg)
		var c *FakeControl
		if q.ID&ctrlFlagNextCtrl != 0 {
			after := q.ID &^ ctrlFlagNextCtrl
			for _, x := range n.Controls {
				if x.ID > after && (c == nil || x.ID < c.ID) {
					c = x
				}
			}
		} else {
			c = n.control(q.ID)
		}
		if c == nil {
			return true, unix.EINVAL
		}
		*q = v4l2QueryExtCtrl{ID: c.ID, Type: fakeTypes[c.Type], Minimum: c.Min, Maximum: c.Max, Step: uint64(c.Step), Default: c.Default}
		copy(q.Name[:31], c.Label)
		if c.ReadOnly {
			q.Flags |= ctrlFlagReadOnly
		}
		if n.inactive(c) {
			q.Flags |= ctrlFlagInactive
		}
		if c.Type == TypeButton {
			q.Flags |= ctrlFlagWriteOnly
		}
		return true, nil
	case vidiocQueryMenu:
		m := (*v4l2QueryMenu)(arg)
		c := n.control(m.ID)
		if c == nil {
			return true, unix.EINVAL
		}
		if label, ok := c.Menu[int64(m.Index)]; ok && c.Type == TypeMenu {
			copy(m.Union[:31], label)
			return true, nil
		}
		if v, ok := c.IntMenu[int64(m.Index)]; ok && c.Type == TypeIntegerMenu {
			binary.LittleEndian.PutUint64(m.Union[:8], uint64(v))
			return true, nil
		}
		return true, unix.EINVAL
	case vidiocGExtCtrls, vidiocSExtCtrls:
		a := (*v4l2ExtControls)(arg)
		ctrls := unsafe.Slice((*v4l2ExtControl)(a.Controls), a.Count)
		for i := range ctrls {
			c := n.control(ctrls[i].ID)
			if c == nil || c.Type == "class" {
				a.ErrorIdx = a.Count
				return true, unix.EINVAL
			}
			is64 := c.Type == TypeInteger64
			bitmask := c.Type == TypeBitmask
			if req == vidiocGExtCtrls {
				if c.GetErr != nil {
					a.ErrorIdx = uint32(i)
					return true, c.GetErr
				}
				if is64 {
					binary.LittleEndian.PutUint64(ctrls[i].Value[:], uint64(c.Value))
				} else {
					binary.LittleEndian.PutUint32(ctrls[i].Value[:4], uint32(int32(c.Value)))
				}
				continue
			}
			v := int64(int32(binary.LittleEndian.Uint32(ctrls[i].Value[:4])))
			switch {
			case is64:
				v = int64(binary.LittleEndian.Uint64(ctrls[i].Value[:]))
			case bitmask: // the kernel keeps a bitmask as a u32
				v = int64(binary.LittleEndian.Uint32(ctrls[i].Value[:4]))
			}
			if c.InactiveUnder != 0 && n.inactive(c) && c.SetErr == nil {
				a.ErrorIdx = uint32(i)
				return true, unix.EACCES
			}
			if err := c.set(v); err != nil {
				a.ErrorIdx = uint32(i)
				return true, err
			}
		}
		return true, nil
	}
	return false, nil
}

// inactive: c is inactive now, by its flag or by the control it
// depends on.
func (n *FakeNode) inactive(c *FakeControl) bool {
	if c.Inactive {
		return true
	}
	if c.InactiveUnder == 0 {
		return false
	}
	m := n.control(c.InactiveUnder)
	return m != nil && m.Value != c.ActiveAt
}

func (c *FakeControl) set(v int64) error {
	switch {
	case c.SetErr != nil:
		return c.SetErr
	case c.ReadOnly:
		return unix.EACCES
	}
	switch c.Type {
	case TypeButton:
		c.Sets++
		return nil
	case TypeBoolean:
		v = min(1, max(0, v))
	case TypeMenu, TypeIntegerMenu:
		if v < c.Min || v > c.Max {
			return unix.ERANGE
		}
		if _, ok := c.Menu[v]; !ok && c.Type == TypeMenu {
			return unix.EINVAL
		}
		if _, ok := c.IntMenu[v]; !ok && c.Type == TypeIntegerMenu {
			return unix.EINVAL
		}
	default:
		v = min(c.Max, max(c.Min, v))
		if c.Step > 1 {
			v = c.Min + (v-c.Min+c.Step/2)/c.Step*c.Step
		}
	}
	c.Value = v
	c.Sets++
	return nil
}
