#import <AVFoundation/AVFoundation.h>
#import <CoreAudio/CoreAudio.h>
#import <CoreMedia/CoreMedia.h>
#include <stdlib.h>
#include <string.h>
#include "native_darwin.h"

// Written for macOS 11+ and never compiled by our CI (no macOS builder):
// see the README. Manual reference counting (no ARC flag from cgo).

extern void mdNativeChanged(uintptr_t token);

void md_free(void *p) { free(p); }

static char *dup_ns(NSString *s) {
	if (s == nil) return NULL;
	const char *u = [s UTF8String];
	return u ? strdup(u) : NULL;
}

static NSArray<AVCaptureDeviceType> *camera_types(void) {
	if (@available(macOS 14.0, *)) {
		return @[ AVCaptureDeviceTypeBuiltInWideAngleCamera, AVCaptureDeviceTypeExternal, AVCaptureDeviceTypeContinuityCamera ];
	}
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
	return @[ AVCaptureDeviceTypeBuiltInWideAngleCamera, AVCaptureDeviceTypeExternalUnknown ];
#pragma clang diagnostic pop
}

int md_cameras(md_camera **out, int *n) {
	*out = NULL;
	*n = 0;
	@autoreleasepool {
		AVCaptureDeviceDiscoverySession *s = [AVCaptureDeviceDiscoverySession
			discoverySessionWithDeviceTypes:camera_types()
			                      mediaType:AVMediaTypeVideo
			                       position:AVCaptureDevicePositionUnspecified];
		NSArray<AVCaptureDevice *> *devs = s.devices;
		if (devs.count == 0) return 0;
		*out = calloc(devs.count, sizeof(md_camera));
		if (!*out) return -1;
		for (AVCaptureDevice *d in devs) {
			md_camera *c = &(*out)[*n];
			c->unique_id = dup_ns(d.uniqueID);
			c->name = dup_ns(d.localizedName);
			c->model_id = dup_ns(d.modelID);
			NSArray<AVCaptureDeviceFormat *> *fs = d.formats;
			c->formats = calloc(fs.count ? fs.count : 1, sizeof(md_format));
			for (AVCaptureDeviceFormat *f in fs) {
				if (!c->formats) break;
				CMFormatDescriptionRef desc = f.formatDescription;
				FourCharCode code = CMFormatDescriptionGetMediaSubType(desc);
				CMVideoDimensions dim = CMVideoFormatDescriptionGetDimensions(desc);
				char cc[5] = {(char)(code >> 24), (char)(code >> 16), (char)(code >> 8), (char)code, 0};
				md_format *m = &c->formats[c->nformats++];
				m->fourcc = strdup(cc);
				m->width = dim.width;
				m->height = dim.height;
			}
			if (c->unique_id) (*n)++;
		}
	}
	return 0;
}

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
	id queue; // retained: the observers deliver on it
	id observers[2];
} md_watcher;

static const AudioObjectPropertyAddress watched[3] = {
	{kAudioHardwarePropertyDevices, kAudioObjectPropertyScopeGlobal, 0},
	{kAudioHardwarePropertyDefaultInputDevice, kAudioObjectPropertyScopeGlobal, 0},
	{kAudioHardwarePropertyDefaultOutputDevice, kAudioObjectPropertyScopeGlobal, 0},
};

static OSStatus audio_changed(AudioObjectID obj, UInt32 n, const AudioObjectPropertyAddress *addrs, void *ctx) {
	mdNativeChanged(((md_watcher *)ctx)->token);
	return noErr;
}

void *md_watch(uintptr_t token) {
	md_watcher *w = calloc(1, sizeof(md_watcher));
	if (!w) return NULL;
	w->token = token;
	for (int i = 0; i < 3; i++)
		AudioObjectAddPropertyListener(kAudioObjectSystemObject, &watched[i], audio_changed, w);
	@autoreleasepool {
		NSNotificationCenter *nc = [NSNotificationCenter defaultCenter];
		NSOperationQueue *q = [[NSOperationQueue alloc] init];
		w->queue = q;
		NSNotificationName names[2] = {AVCaptureDeviceWasConnectedNotification, AVCaptureDeviceWasDisconnectedNotification};
		for (int i = 0; i < 2; i++) {
			w->observers[i] = [[nc addObserverForName:names[i] object:nil queue:q usingBlock:^(NSNotification *note) {
				mdNativeChanged(token);
			}] retain];
		}
	}
	return w;
}

void md_unwatch(void *h) {
	md_watcher *w = h;
	if (!w) return;
	for (int i = 0; i < 3; i++)
		AudioObjectRemovePropertyListener(kAudioObjectSystemObject, &watched[i], audio_changed, w);
	@autoreleasepool {
		for (int i = 0; i < 2; i++) {
			if (w->observers[i]) {
				[[NSNotificationCenter defaultCenter] removeObserver:w->observers[i]];
				[w->observers[i] release];
			}
		}
		[w->queue release];
	}
	free(w);
}
