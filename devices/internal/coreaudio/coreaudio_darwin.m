#import <CoreAudio/CoreAudio.h>
#import <Foundation/Foundation.h>
#include <stdlib.h>
#include <string.h>
#include "coreaudio_darwin.h"

// Written for macOS 11+ and never compiled by our CI (no macOS builder):
// see the README.

extern void mdCoreAudioChanged(uintptr_t token);

void md_ca_free(void *p) { free(p); }

// device_for_uid finds the device with this UID; kAudioObjectUnknown when
// there is none.
static AudioObjectID device_for_uid(const char *uid) {
	CFStringRef u = CFStringCreateWithCString(NULL, uid, kCFStringEncodingUTF8);
	if (!u) return kAudioObjectUnknown;
	AudioObjectPropertyAddress a = {0, kAudioObjectPropertyScopeGlobal, 0};
	AudioObjectID dev = kAudioObjectUnknown;
	UInt32 size;
	OSStatus st;
	if (@available(macOS 12.0, *)) {
		a.mSelector = kAudioHardwarePropertyTranslateUIDToDevice;
		size = sizeof(dev);
		st = AudioObjectGetPropertyData(kAudioObjectSystemObject, &a, sizeof(u), &u, &size, &dev);
	} else {
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
		AudioValueTranslation t = {&u, sizeof(u), &dev, sizeof(dev)};
		a.mSelector = kAudioHardwarePropertyDeviceForUID;
		size = sizeof(t);
		st = AudioObjectGetPropertyData(kAudioObjectSystemObject, &a, 0, NULL, &size, &t);
#pragma clang diagnostic pop
	}
	CFRelease(u);
	return st == noErr ? dev : kAudioObjectUnknown;
}

char *md_audio_model_uid(const char *uid) {
	AudioObjectID dev = device_for_uid(uid);
	if (dev == kAudioObjectUnknown) return NULL;
	AudioObjectPropertyAddress a = {kAudioDevicePropertyModelUID, kAudioObjectPropertyScopeGlobal, 0};
	UInt32 size;
	CFStringRef model = NULL;
	size = sizeof(model);
	if (AudioObjectGetPropertyData(dev, &a, 0, NULL, &size, &model) != noErr || !model) return NULL;
	char buf[512];
	char *out = NULL;
	if (CFStringGetCString(model, buf, sizeof(buf), kCFStringEncodingUTF8)) out = strdup(buf);
	CFRelease(model);
	return out;
}

typedef struct {
	uintptr_t token;
} md_ca_watcher;

static const AudioObjectPropertyAddress watched[3] = {
	{kAudioHardwarePropertyDevices, kAudioObjectPropertyScopeGlobal, 0},
	{kAudioHardwarePropertyDefaultInputDevice, kAudioObjectPropertyScopeGlobal, 0},
	{kAudioHardwarePropertyDefaultOutputDevice, kAudioObjectPropertyScopeGlobal, 0},
};

// audio_changed gets the token itself as its client data, as
// device_changed does: a call racing md_ca_unwatch reads no freed memory.
static OSStatus audio_changed(AudioObjectID obj, UInt32 n, const AudioObjectPropertyAddress *addrs, void *ctx) {
	mdCoreAudioChanged((uintptr_t)ctx);
	return noErr;
}

void *md_ca_watch(uintptr_t token) {
	md_ca_watcher *w = calloc(1, sizeof(md_ca_watcher));
	if (!w) return NULL;
	w->token = token;
	int started = 0;
	for (int i = 0; i < 3; i++)
		if (AudioObjectAddPropertyListener(kAudioObjectSystemObject, &watched[i], audio_changed, (void *)token) == noErr) started++;
	if (!started) {
		free(w);
		return NULL;
	}
	return w;
}

void md_ca_unwatch(void *h) {
	md_ca_watcher *w = h;
	if (!w) return;
	for (int i = 0; i < 3; i++)
		AudioObjectRemovePropertyListener(kAudioObjectSystemObject, &watched[i], audio_changed, (void *)w->token);
	free(w);
}

// --- mute and volume --------------------------------------------------

// The main element: kAudioObjectPropertyElementMain (named
// kAudioObjectPropertyElementMaster before macOS 12), 0 either way.
#define MD_ELEMENT_MAIN 0

static AudioObjectPropertyScope scope_of(int input) {
	return input ? kAudioDevicePropertyScopeInput : kAudioDevicePropertyScopeOutput;
}

// channel_count is how many channels the device has in scope (the sum over
// its streams' buffers), at most MD_CA_MAX_CHANNELS: the elements 1..n
// that may carry per-channel controls.
static UInt32 channel_count(AudioObjectID dev, AudioObjectPropertyScope scope) {
	AudioObjectPropertyAddress a = {kAudioDevicePropertyStreamConfiguration, scope, MD_ELEMENT_MAIN};
	UInt32 size = 0;
	if (AudioObjectGetPropertyDataSize(dev, &a, 0, NULL, &size) != noErr || size == 0) return 0;
	AudioBufferList *l = malloc(size);
	if (!l) return 0;
	UInt32 n = 0;
	if (AudioObjectGetPropertyData(dev, &a, 0, NULL, &size, l) == noErr)
		for (UInt32 i = 0; i < l->mNumberBuffers; i++) n += l->mBuffers[i].mNumberChannels;
	free(l);
	return n > MD_CA_MAX_CHANNELS ? MD_CA_MAX_CHANNELS : n;
}

static int get_u32(AudioObjectID dev, AudioObjectPropertySelector sel, AudioObjectPropertyScope scope, UInt32 elem, int *out) {
	AudioObjectPropertyAddress a = {sel, scope, elem};
	if (!AudioObjectHasProperty(dev, &a)) return 0;
	UInt32 v = 0, size = sizeof(v);
	if (AudioObjectGetPropertyData(dev, &a, 0, NULL, &size, &v) != noErr) return 0;
	*out = v != 0;
	return 1;
}

static int get_f32(AudioObjectID dev, AudioObjectPropertySelector sel, AudioObjectPropertyScope scope, UInt32 elem, float *out) {
	AudioObjectPropertyAddress a = {sel, scope, elem};
	if (!AudioObjectHasProperty(dev, &a)) return 0;
	Float32 v = 0;
	UInt32 size = sizeof(v);
	if (AudioObjectGetPropertyData(dev, &a, 0, NULL, &size, &v) != noErr) return 0;
	*out = v;
	return 1;
}

int32_t md_ca_levels_get(const char *uid, int input, md_ca_levels *out) {
	memset(out, 0, sizeof(*out));
	AudioObjectID dev = device_for_uid(uid);
	if (dev == kAudioObjectUnknown) return MD_CA_NO_DEVICE;
	AudioObjectPropertyScope scope = scope_of(input);
	out->has_main_mute = get_u32(dev, kAudioDevicePropertyMute, scope, MD_ELEMENT_MAIN, &out->main_mute);
	out->has_main_volume = get_f32(dev, kAudioDevicePropertyVolumeScalar, scope, MD_ELEMENT_MAIN, &out->main_volume);
	if (out->has_main_mute && out->has_main_volume) return 0;
	out->channels = (int)channel_count(dev, scope);
	for (int ch = 1; ch <= out->channels; ch++) {
		out->has_mute[ch - 1] = get_u32(dev, kAudioDevicePropertyMute, scope, (UInt32)ch, &out->mute[ch - 1]);
		out->has_volume[ch - 1] = get_f32(dev, kAudioDevicePropertyVolumeScalar, scope, (UInt32)ch, &out->volume[ch - 1]);
	}
	return 0;
}

static int settable(AudioObjectID dev, const AudioObjectPropertyAddress *a) {
	Boolean s = false;
	if (!AudioObjectHasProperty(dev, a)) return 0;
	if (AudioObjectIsPropertySettable(dev, a, &s) != noErr) return 0;
	return s ? 1 : 0;
}

// set_prop sets sel on the main element when it is settable there, else
// on every channel element where it is; MD_CA_NOT_SETTABLE when nowhere.
static int32_t set_prop(const char *uid, int input, AudioObjectPropertySelector sel, const void *data, UInt32 size) {
	AudioObjectID dev = device_for_uid(uid);
	if (dev == kAudioObjectUnknown) return MD_CA_NO_DEVICE;
	AudioObjectPropertyScope scope = scope_of(input);
	AudioObjectPropertyAddress a = {sel, scope, MD_ELEMENT_MAIN};
	if (settable(dev, &a)) return AudioObjectSetPropertyData(dev, &a, 0, NULL, size, data);
	UInt32 n = channel_count(dev, scope);
	int done = 0;
	OSStatus failed = noErr;
	for (UInt32 ch = 1; ch <= n; ch++) {
		a.mElement = ch;
		if (!settable(dev, &a)) continue;
		OSStatus st = AudioObjectSetPropertyData(dev, &a, 0, NULL, size, data);
		if (st == noErr) done++;
		else failed = st;
	}
	if (failed != noErr) return failed;
	return done ? 0 : MD_CA_NOT_SETTABLE;
}

int32_t md_ca_set_mute(const char *uid, int input, int mute) {
	UInt32 v = mute ? 1 : 0;
	return set_prop(uid, input, kAudioDevicePropertyMute, &v, sizeof(v));
}

int32_t md_ca_set_volume(const char *uid, int input, float volume) {
	Float32 v = volume;
	return set_prop(uid, input, kAudioDevicePropertyVolumeScalar, &v, sizeof(v));
}

// --- per-device listeners ---------------------------------------------

typedef struct {
	AudioObjectID dev;
	uintptr_t token;
	int n;
	AudioObjectPropertyAddress addrs[2 * (MD_CA_MAX_CHANNELS + 1) + 1];
} md_ca_devwatch;

// device_changed gets the token itself as its client data, so a call
// racing md_ca_unwatch_device reads no freed memory (and a stale token
// does nothing in Go).
static OSStatus device_changed(AudioObjectID obj, UInt32 n, const AudioObjectPropertyAddress *addrs, void *ctx) {
	mdCoreAudioChanged((uintptr_t)ctx);
	return noErr;
}

void *md_ca_watch_device(const char *uid, int input, uintptr_t token) {
	AudioObjectID dev = device_for_uid(uid);
	if (dev == kAudioObjectUnknown) return NULL;
	md_ca_devwatch *w = calloc(1, sizeof(md_ca_devwatch));
	if (!w) return NULL;
	w->dev = dev;
	w->token = token;
	AudioObjectPropertyScope scope = scope_of(input);
	UInt32 channels = channel_count(dev, scope);
	const AudioObjectPropertySelector sels[2] = {kAudioDevicePropertyMute, kAudioDevicePropertyVolumeScalar};
	for (int s = 0; s < 2; s++) {
		for (UInt32 elem = MD_ELEMENT_MAIN; elem <= channels; elem++) {
			AudioObjectPropertyAddress a = {sels[s], scope, elem};
			if (!AudioObjectHasProperty(dev, &a)) continue;
			if (AudioObjectAddPropertyListener(dev, &a, device_changed, (void *)token) == noErr) w->addrs[w->n++] = a;
		}
	}
	// Whether any process runs the device's IO (a call app recording from
	// a microphone): the same callback, so the guard re-reads who records.
	AudioObjectPropertyAddress run = {kAudioDevicePropertyDeviceIsRunningSomewhere, kAudioObjectPropertyScopeGlobal, MD_ELEMENT_MAIN};
	if (input && AudioObjectHasProperty(dev, &run) &&
	    AudioObjectAddPropertyListener(dev, &run, device_changed, (void *)token) == noErr)
		w->addrs[w->n++] = run;
	if (w->n == 0) {
		free(w);
		return NULL;
	}
	return w;
}

static int32_t get_u32(AudioObjectID dev, AudioObjectPropertySelector sel, int *out) {
	AudioObjectPropertyAddress a = {sel, kAudioObjectPropertyScopeGlobal, MD_ELEMENT_MAIN};
	if (!AudioObjectHasProperty(dev, &a)) return MD_CA_NOT_SETTABLE;
	UInt32 v = 0, size = sizeof(v);
	OSStatus st = AudioObjectGetPropertyData(dev, &a, 0, NULL, &size, &v);
	if (st != noErr) return st;
	*out = v != 0;
	return 0;
}

int32_t md_ca_running(const char *uid, int *somewhere, int *here) {
	AudioObjectID dev = device_for_uid(uid);
	if (dev == kAudioObjectUnknown) return MD_CA_NO_DEVICE;
	*somewhere = 0;
	*here = 0;
	int32_t st = get_u32(dev, kAudioDevicePropertyDeviceIsRunningSomewhere, somewhere);
	if (st != 0) return st;
	return get_u32(dev, kAudioDevicePropertyDeviceIsRunning, here);
}

void md_ca_unwatch_device(void *h) {
	md_ca_devwatch *w = h;
	if (!w) return;
	for (int i = 0; i < w->n; i++)
		AudioObjectRemovePropertyListener(w->dev, &w->addrs[i], device_changed, (void *)w->token);
	free(w);
}

// --- the system default (use in all apps) ------------------------------

static int32_t set_system_default(AudioObjectPropertySelector sel, AudioObjectID dev) {
	AudioObjectPropertyAddress a = {sel, kAudioObjectPropertyScopeGlobal, MD_ELEMENT_MAIN};
	if (!settable(kAudioObjectSystemObject, &a)) return MD_CA_NOT_SETTABLE;
	return AudioObjectSetPropertyData(kAudioObjectSystemObject, &a, 0, NULL, sizeof(dev), &dev);
}

int32_t md_ca_set_default(const char *uid, int input) {
	AudioObjectID dev = device_for_uid(uid);
	if (dev == kAudioObjectUnknown) return MD_CA_NO_DEVICE;
	if (input) return set_system_default(kAudioHardwarePropertyDefaultInputDevice, dev);
	int32_t st = set_system_default(kAudioHardwarePropertyDefaultOutputDevice, dev);
	if (st != 0) return st;
	// Alerts follow where the system allows it; a device that cannot play
	// them (some HDMI outputs) keeps the default output set all the same.
	set_system_default(kAudioHardwarePropertyDefaultSystemOutputDevice, dev);
	return 0;
}
