// CoreAudio model ids and device-list listeners for package coreaudio.
// Strings are UTF-8, malloc'd, owned by the caller (md_ca_free).
#include <stdint.h>

// md_audio_model_uid returns the kAudioDevicePropertyModelUID of the
// device with this UID, or NULL.
char *md_audio_model_uid(const char *uid);

// md_ca_watch starts listeners on the device list and the default input
// and output; each calls mdCoreAudioChanged(token). NULL if none started.
void *md_ca_watch(uintptr_t token);
void md_ca_unwatch(void *h);

void md_ca_free(void *p);
