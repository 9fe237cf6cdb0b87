// macOS device probes and change notifications for package devices:
// AVFoundation for cameras, CoreAudio for audio model ids and listeners.
// Strings are UTF-8, malloc'd, owned by the caller (md_free).
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

// md_audio_model_uid returns the kAudioDevicePropertyModelUID of the
// device with this UID, or NULL.
char *md_audio_model_uid(const char *uid);

// md_watch starts CoreAudio and AVFoundation change notifications; each
// calls mdNativeChanged(token). md_unwatch stops them.
void *md_watch(uintptr_t token);
void md_unwatch(void *h);

void md_free(void *p);
