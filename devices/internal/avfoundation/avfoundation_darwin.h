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
};

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
