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
