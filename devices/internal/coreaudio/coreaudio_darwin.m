#import <CoreAudio/CoreAudio.h>
#import <Foundation/Foundation.h>
#include <stdlib.h>
#include <string.h>
#include "coreaudio_darwin.h"

// Written for macOS 11+ and never compiled by our CI (no macOS builder):
// see the README.

extern void mdCoreAudioChanged(uintptr_t token);

void md_ca_free(void *p) { free(p); }

char *md_audio_model_uid(const char *uid) {
	CFStringRef u = CFStringCreateWithCString(NULL, uid, kCFStringEncodingUTF8);
	if (!u) return NULL;
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
	if (st != noErr || dev == kAudioObjectUnknown) return NULL;
	CFStringRef model = NULL;
	a.mSelector = kAudioDevicePropertyModelUID;
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

static OSStatus audio_changed(AudioObjectID obj, UInt32 n, const AudioObjectPropertyAddress *addrs, void *ctx) {
	mdCoreAudioChanged(((md_ca_watcher *)ctx)->token);
	return noErr;
}

void *md_ca_watch(uintptr_t token) {
	md_ca_watcher *w = calloc(1, sizeof(md_ca_watcher));
	if (!w) return NULL;
	w->token = token;
	int started = 0;
	for (int i = 0; i < 3; i++)
		if (AudioObjectAddPropertyListener(kAudioObjectSystemObject, &watched[i], audio_changed, w) == noErr) started++;
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
		AudioObjectRemovePropertyListener(kAudioObjectSystemObject, &watched[i], audio_changed, w);
	free(w);
}
