// Media Foundation camera listing for package mediafoundation. Strings are
// UTF-16 and owned by the caller after return.
#include <stdint.h>

typedef struct {
	uint16_t *name; // MF_DEVSOURCE_ATTRIBUTE_FRIENDLY_NAME
	uint16_t *link; // MF_DEVSOURCE_ATTRIBUTE_SOURCE_TYPE_VIDCAP_SYMBOLIC_LINK
} md_camera;

// md_cameras lists video capture devices; *out is malloc'd (free each
// string with md_mf_free, then the array). Returns an HRESULT. Media
// Foundation is loaded at run time (Windows N editions lack it).
long md_cameras(md_camera **out, int *n);

void md_mf_free(void *p);

// Capture through a source reader (mediafoundation_capture_windows.c).
// Every call but md_capture_shutdown runs on the thread that opened it.
typedef struct md_capture md_capture;

typedef struct {
	uint32_t subtype;            // Data1 of the MFVideoFormat_* GUID (a FOURCC, or 22 for RGB32)
	uint32_t width, height;      // MF_MT_FRAME_SIZE
	uint32_t rate_num, rate_den; // MF_MT_FRAME_RATE
} md_mode;

// md_capture_open opens the camera with this symbolic link and lists its
// native modes in order (*modes malloc'd: free with md_mf_free).
long md_capture_open(const uint16_t *link, md_capture **cap, md_mode **modes, int *n);
// md_capture_start selects native mode index and starts streaming.
long md_capture_start(md_capture *cap, int index);
// md_capture_read waits for the next sample and copies it into buf: with
// rows > 0, rows of rowbytes each from a 2D buffer (top-down whatever its
// pitch), else its bytes as they are. *n is the bytes written (0 for a
// stream tick), *flags the reader's MF_SOURCE_READERF_* flags.
long md_capture_read(md_capture *cap, uint8_t *buf, int len, int rows, int rowbytes, int *n, uint32_t *flags);
// md_capture_shutdown makes a pending read return; any thread may call it.
void md_capture_shutdown(md_capture *cap);
// md_capture_close releases the reader, the source and Media Foundation.
void md_capture_close(md_capture *cap);

// Camera controls (mediafoundation_controls_windows.c): IAMVideoProcAmp
// (set 0) and IAMCameraControl (set 1) on the device source of a symbolic
// link. Every call runs on the thread that opened it. Properties, flags
// and HRESULTs are DirectShow's (VideoProcAmp_*, CameraControl_*,
// *_Flags_Auto/Manual; E_PROP_ID_UNSUPPORTED for one the camera lacks).
typedef struct md_controls md_controls;
long md_controls_open(const uint16_t *link, md_controls **out);
long md_control_range(md_controls *c, int set, long prop, long *min, long *max, long *step, long *def, long *caps);
long md_control_get(md_controls *c, int set, long prop, long *value, long *flags);
long md_control_set(md_controls *c, int set, long prop, long value, long flags);
void md_controls_close(md_controls *c);
