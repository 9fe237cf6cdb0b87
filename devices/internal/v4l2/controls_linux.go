package v4l2

import (
	"encoding/binary"
	"errors"
	"runtime"
	"strings"
	"unsafe"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
	"golang.org/x/sys/unix"
)

// Camera controls: VIDIOC_QUERY_EXT_CTRL to list them (with
// V4L2_CTRL_FLAG_NEXT_CTRL), VIDIOC_QUERYMENU for the items of a menu,
// VIDIOC_G_EXT_CTRLS / VIDIOC_S_EXT_CTRLS to read and set them. Written
// on this package's ioctl seam (IO) rather than through a Go V4L2 library:
// the one that covers controls (go4vl) needs cgo and the kernel headers,
// and the capture code here already has the ABI, the seam and a fake
// driver the tests run every control type through.

// v4l2QueryExtCtrl is struct v4l2_query_ext_ctrl.
type v4l2QueryExtCtrl struct {
	ID, Type         uint32
	Name             [32]byte
	Minimum, Maximum int64
	Step             uint64
	Default          int64
	Flags            uint32
	ElemSize, Elems  uint32
	NrOfDims         uint32
	Dims             [4]uint32
	Reserved         [32]uint32
}

// v4l2QueryMenu is struct v4l2_querymenu (packed): the union is the
// item's name, or its value for an integer menu.
type v4l2QueryMenu struct {
	ID, Index uint32
	Union     [32]byte
	Reserved  uint32
}

// v4l2ExtControl is struct v4l2_ext_control (packed: the 8-byte union at
// offset 12). Only the integer members (value, value64) are used.
type v4l2ExtControl struct {
	ID, Size, Reserved2 uint32
	Value               [8]byte
}

// v4l2ExtControls is struct v4l2_ext_controls.
type v4l2ExtControls struct {
	Which, Count, ErrorIdx uint32
	RequestFD              int32
	Reserved               uint32
	Controls               unsafe.Pointer
}

var (
	_ [232]byte = [unsafe.Sizeof(v4l2QueryExtCtrl{})]byte{}
	_ [44]byte  = [unsafe.Sizeof(v4l2QueryMenu{})]byte{}
	_ [20]byte  = [unsafe.Sizeof(v4l2ExtControl{})]byte{}
)

var (
	vidiocQueryExtCtrl = ioc(iocRead|iocWrite, 103, unsafe.Sizeof(v4l2QueryExtCtrl{}))
	vidiocQueryMenu    = ioc(iocRead|iocWrite, 37, unsafe.Sizeof(v4l2QueryMenu{}))
	vidiocGExtCtrls    = ioc(iocRead|iocWrite, 71, unsafe.Sizeof(v4l2ExtControls{}))
	vidiocSExtCtrls    = ioc(iocRead|iocWrite, 72, unsafe.Sizeof(v4l2ExtControls{}))
)

// Control types and flags, from linux/videodev2.h.
const (
	ctrlTypeInteger     = 1
	ctrlTypeBoolean     = 2
	ctrlTypeMenu        = 3
	ctrlTypeButton      = 4
	ctrlTypeInteger64   = 5
	ctrlTypeCtrlClass   = 6
	ctrlTypeBitmask     = 8
	ctrlTypeIntegerMenu = 9

	ctrlFlagDisabled  = 0x0001
	ctrlFlagGrabbed   = 0x0002
	ctrlFlagReadOnly  = 0x0004
	ctrlFlagInactive  = 0x0010
	ctrlFlagWriteOnly = 0x0040
	ctrlFlagHasPaylod = 0x0100
	ctrlFlagNextCtrl  = 0x80000000

	ctrlWhichCurVal = 0
)

// The control types as MediaDesk names them (v4l2-ctl's words).
const (
	TypeInteger     = "int"
	TypeInteger64   = "int64"
	TypeBoolean     = "bool"
	TypeMenu        = "menu"
	TypeIntegerMenu = "intmenu"
	TypeButton      = "button"
	TypeBitmask     = "bitmask"
)

var typeNames = map[uint32]string{
	ctrlTypeInteger: TypeInteger, ctrlTypeBoolean: TypeBoolean, ctrlTypeMenu: TypeMenu,
	ctrlTypeButton: TypeButton, ctrlTypeInteger64: TypeInteger64, ctrlTypeBitmask: TypeBitmask,
	ctrlTypeIntegerMenu: TypeIntegerMenu,
}

// MenuItem is one item of a menu control: its index (the control's
// value) and its name, or its number for an integer menu.
type MenuItem struct {
	Index int64  `json:"value"`
	Label string `json:"label"`
}

// Control is one of a camera's controls, as the driver reports it.
type Control struct {
	ID                      uint32
	Name                    string // as v4l2-ctl prints it: brightness, exposure_time_absolute
	Label                   string // as the driver names it: Brightness, Exposure Time, Absolute
	Type                    string
	Min, Max, Step, Default int64
	// Value is the current value; 0 for a button, and for a write-only
	// control.
	Value    int64
	Menu     []MenuItem
	Inactive bool // the driver ignores it in the current mode (manual exposure under auto)
	ReadOnly bool
	// Grabbed: another file handle streams and the driver will not change
	// it while it does.
	Grabbed bool
}

// CtlName is a control's name as v4l2-ctl prints it (camera.ControlName).
func CtlName(label string) string { return camera.ControlName(label) }

// ListControls lists the controls of the open node fd, in the driver's
// order, with their current values; class headings, disabled controls
// and compound (payload) ones are left out.
func ListControls(io IO, fd int) ([]Control, error) {
	var out []Control
	var readable []int
	for id := uint32(0); ; {
		q := v4l2QueryExtCtrl{ID: id | ctrlFlagNextCtrl}
		if err := io.Ioctl(fd, vidiocQueryExtCtrl, unsafe.Pointer(&q)); err != nil {
			if errors.Is(err, unix.EINVAL) {
				break // past the last control
			}
			return nil, err
		}
		if q.ID <= id&^ctrlFlagNextCtrl && id != 0 {
			break // a driver that does not advance: stop rather than loop
		}
		id = q.ID
		typ, ok := typeNames[q.Type]
		if !ok || q.Type == ctrlTypeCtrlClass || q.Flags&(ctrlFlagDisabled|ctrlFlagHasPaylod) != 0 {
			continue
		}
		label := printableLabel(cString(q.Name[:]))
		c := Control{ID: q.ID, Name: CtlName(label), Label: label, Type: typ,
			Min: q.Minimum, Max: q.Maximum, Step: int64(q.Step), Default: q.Default,
			Inactive: q.Flags&ctrlFlagInactive != 0, ReadOnly: q.Flags&ctrlFlagReadOnly != 0,
			Grabbed: q.Flags&ctrlFlagGrabbed != 0}
		if q.Type == ctrlTypeMenu || q.Type == ctrlTypeIntegerMenu {
			c.Menu = queryMenu(io, fd, q)
		}
		if q.Type != ctrlTypeButton && q.Flags&ctrlFlagWriteOnly == 0 {
			readable = append(readable, len(out))
		}
		out = append(out, c)
	}
	if len(readable) == 0 {
		return out, nil
	}
	ids := make([]Set, len(readable))
	for i, k := range readable {
		ids[i] = setFor(out[k])
	}
	vals, err := GetControls(io, fd, ids)
	if err != nil {
		// One control the driver cannot read now (uvcvideo: EIO from a
		// camera that does not answer for one) must not hide the others:
		// read them one by one.
		for _, k := range readable {
			if v, err1 := GetControls(io, fd, []Set{setFor(out[k])}); err1 == nil {
				out[k].Value = v[0]
			} else if errors.Is(err1, unix.ENODEV) {
				return nil, err1
			}
		}
		return out, nil
	}
	for i, k := range readable {
		out[k].Value = vals[i]
	}
	return out, nil
}

// printableLabel keeps a driver's label to printable ASCII (it is shown
// and printed as is).
func printableLabel(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f {
			return '?'
		}
		return r
	}, s)
}

func queryMenu(io IO, fd int, q v4l2QueryExtCtrl) []MenuItem {
	var items []MenuItem
	for i := q.Minimum; i <= q.Maximum && i-q.Minimum < 256; i++ {
		m := v4l2QueryMenu{ID: q.ID, Index: uint32(i)}
		if io.Ioctl(fd, vidiocQueryMenu, unsafe.Pointer(&m)) != nil {
			continue // an index the driver skips (EINVAL)
		}
		label := printableLabel(cString(m.Union[:]))
		if q.Type == ctrlTypeIntegerMenu {
			label = itoa(int64(binary.LittleEndian.Uint64(m.Union[:8])))
		}
		items = append(items, MenuItem{Index: i, Label: label})
	}
	return items
}

func itoa(v int64) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	var b [24]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// setFor is how c's value is read and written: in value64 for a 64-bit
// control, as an unsigned 32-bit value for a bitmask.
func setFor(c Control) Set {
	return Set{ID: c.ID, Is64: c.Type == TypeInteger64, Unsigned: c.Type == TypeBitmask}
}

// SetFor is how a control of this id and type (a Control's Type) is read
// and written, with the value v.
func SetFor(id uint32, typ string, v int64) Set {
	s := setFor(Control{ID: id, Type: typ})
	s.Value = v
	return s
}

// GetControls reads the current values of the controls (their ID, Is64
// and Unsigned; Value is not used).
func GetControls(io IO, fd int, which []Set) ([]int64, error) {
	ctrls := make([]v4l2ExtControl, len(which))
	for i, s := range which {
		ctrls[i].ID = s.ID
	}
	if err := extCtrls(io, fd, vidiocGExtCtrls, ctrls); err != nil {
		return nil, err
	}
	out := make([]int64, len(which))
	for i := range ctrls {
		switch {
		case which[i].Is64:
			out[i] = int64(binary.LittleEndian.Uint64(ctrls[i].Value[:]))
		case which[i].Unsigned:
			// A bitmask's 32 bits: bit 31 set is a large value, not a
			// negative one.
			out[i] = int64(binary.LittleEndian.Uint32(ctrls[i].Value[:4]))
		default:
			out[i] = int64(int32(binary.LittleEndian.Uint32(ctrls[i].Value[:4])))
		}
	}
	return out, nil
}

// Set is a value for one control.
type Set struct {
	ID   uint32
	Is64 bool // an int64 control: the value goes in value64
	// Unsigned: a bitmask, whose 32-bit value is read as unsigned.
	Unsigned bool
	Value    int64
}

// SetControl sets one control (one ioctl per control, so a refusal names
// its control and the ones before it stay set, as a person setting them
// one after another would have them).
func SetControl(io IO, fd int, s Set) error {
	c := []v4l2ExtControl{{ID: s.ID}}
	if s.Is64 {
		binary.LittleEndian.PutUint64(c[0].Value[:], uint64(s.Value))
	} else {
		binary.LittleEndian.PutUint32(c[0].Value[:4], uint32(s.Value)) // the low 32 bits, signed or not
	}
	return extCtrls(io, fd, vidiocSExtCtrls, c)
}

func extCtrls(io IO, fd int, req uint, ctrls []v4l2ExtControl) error {
	if len(ctrls) == 0 {
		return nil
	}
	arg := v4l2ExtControls{Which: ctrlWhichCurVal, Count: uint32(len(ctrls)), Controls: unsafe.Pointer(&ctrls[0])}
	err := io.Ioctl(fd, req, unsafe.Pointer(&arg))
	runtime.KeepAlive(ctrls)
	return err
}

// OpenControls opens a node to read and set its controls: read-write
// (setting needs it) and non-blocking, which V4L2 allows while another
// program streams from it.
func OpenControls(io StreamIO, node string) (int, error) { return io.OpenStream(node) }
