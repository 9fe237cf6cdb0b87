// AVFoundation camera listing and connect/disconnect notifications for
// package avfoundation. Strings are UTF-8, malloc'd, owned by the caller
// (md_av_free).
#include <stdint.h>

typedef struct {
	char *fourcc; // the pixel format's four-character code
	int32_t width, height;
} md_format;

typedef struct {
	char *unique_id; // AVCaptureDevice.uniqueID
	char *name;      // localizedName
	char *model_id;  // modelID
	md_format *formats;
	int nformats;
} md_camera;

// md_cameras lists built-in and external video devices.
int md_cameras(md_camera **out, int *n);

// md_av_watch starts AVCaptureDevice connected/disconnected notifications;
// each calls mdAVFoundationChanged(token). md_av_unwatch stops them.
void *md_av_watch(uintptr_t token);
void md_av_unwatch(void *h);

void md_av_free(void *p);

// Capture (avfoundation_capture_darwin.m): an AVCaptureSession with a
// video data output in BGRA. Results are the md_av_* codes below.
enum {
	MD_AV_OK = 0,
	MD_AV_DENIED = 1,  // the person (or a policy) refused camera access
	MD_AV_GONE = 2,    // no device with that uniqueID, or it was unplugged
	MD_AV_BUSY = 3,    // another application is using it
	MD_AV_FAILED = 4,  // anything else
	MD_AV_TIMEOUT = 5, // md_av_capture_read: no frame in time
	MD_AV_SMALL = 6,   // md_av_capture_read: the buffer is too small
	MD_AV_NO_USAGE = 7, // the bundle's Info.plist lacks NSCameraUsageDescription
	MD_AV_UNSUPPORTED = 8, // md_av_control_set: the device does not support that mode
};

// md_av_access asks for camera access if it was never asked (the system
// prompt): MD_AV_OK, MD_AV_DENIED or MD_AV_NO_USAGE.
int md_av_access(void);

typedef struct md_av_capture md_av_capture;

typedef struct {
	int32_t width, height;
	double max_fps;
} md_av_format;

// md_av_capture_open asks for camera access if it was never asked (the
// system prompt; the app bundle's Info.plist must carry
// NSCameraUsageDescription), finds the device by uniqueID and lists its
// formats (*formats malloc'd, md_av_free).
int md_av_capture_open(const char *unique_id, md_av_capture **cap, md_av_format **formats, int *n);
// md_av_capture_start uses format index at fps and starts the session.
int md_av_capture_start(md_av_capture *cap, int index, double fps);
// md_av_capture_read waits up to timeout_ms for a frame newer than the
// last one read and copies it (BGRA, rows packed) into buf.
int md_av_capture_read(md_av_capture *cap, uint8_t *buf, int len, int timeout_ms, int *n, int *width, int *height, int *dropped);
// md_av_capture_close stops the session and releases the camera.
void md_av_capture_close(md_av_capture *cap);

// Camera controls (avfoundation_controls_darwin.m): the focus, exposure
// and white-balance modes, the only camera settings AVCaptureDevice lets a
// Mac app read and set. Indexes into the md_av_controls_get array:
enum {
	MD_AV_FOCUS = 0,
	MD_AV_EXPOSURE = 1,
	MD_AV_WHITE_BALANCE = 2,
	MD_AV_NUM_MODES = 3,
};

typedef struct {
	uint32_t supported; // bit 1<<mode for each mode is*ModeSupported: answers YES
	int32_t mode;       // AVCaptureFocusMode / AVCaptureExposureMode / AVCaptureWhiteBalanceMode now
} md_av_mode;

// md_av_controls_get reads the three (out has MD_AV_NUM_MODES entries) of
// the device with this uniqueID, without asking for access.
int md_av_controls_get(const char *unique_id, md_av_mode *out);
// md_av_control_set asks for access if never asked, locks the device for
// configuration, sets which (MD_AV_FOCUS…) to mode and unlocks it.
int md_av_control_set(const char *unique_id, int which, int mode);
