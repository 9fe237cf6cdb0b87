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

// Mute and volume (kAudioDevicePropertyMute, kAudioDevicePropertyVolumeScalar)
// of the device with this UID, in the input scope (input) or the output
// scope. The calls return 0, an OSStatus, or one of these:
#define MD_CA_NO_DEVICE (-1)    // no device with that UID
#define MD_CA_NOT_SETTABLE (-2) // no settable control in that scope
#define MD_CA_MAX_CHANNELS 32

// md_ca_levels is what the main element (0) and, where it lacks a
// control, the channel elements 1..channels carry.
typedef struct {
	int has_main_mute, main_mute;
	int has_main_volume;
	float main_volume;
	int channels;
	int has_mute[MD_CA_MAX_CHANNELS], mute[MD_CA_MAX_CHANNELS];
	int has_volume[MD_CA_MAX_CHANNELS];
	float volume[MD_CA_MAX_CHANNELS];
} md_ca_levels;

int32_t md_ca_levels_get(const char *uid, int input, md_ca_levels *out);
// The setters check AudioObjectIsPropertySettable: the main element when
// settable there, else each settable channel element.
int32_t md_ca_set_mute(const char *uid, int input, int mute);
int32_t md_ca_set_volume(const char *uid, int input, float volume);

// md_ca_watch_device adds property listeners on the device's mute and
// volume (main and channel elements that have them) in that scope; each
// change calls mdCoreAudioChanged(token). NULL if none could be added.
void *md_ca_watch_device(const char *uid, int input, uintptr_t token);
void md_ca_unwatch_device(void *h);

// md_ca_set_default makes the device with this UID the system's default
// input (input) or output: kAudioHardwarePropertyDefaultInputDevice or
// kAudioHardwarePropertyDefaultOutputDevice on the system object, and for
// an output kAudioHardwarePropertyDefaultSystemOutputDevice too (alerts
// and sound effects), where settable. Returns as the setters do.
int32_t md_ca_set_default(const char *uid, int input);

// md_ca_running reads whether any process runs the device's IO
// (kAudioDevicePropertyDeviceIsRunningSomewhere) and whether this one does
// (kAudioDevicePropertyDeviceIsRunning). md_ca_watch_device's listener on
// an input device also fires when the first changes. Returns as the
// setters do (MD_CA_NOT_SETTABLE: the device lacks the property).
int32_t md_ca_running(const char *uid, int *somewhere, int *here);
