#import <AVFoundation/AVFoundation.h>
#import <CoreMedia/CoreMedia.h>
#include <stdlib.h>
#include <string.h>
#include "avfoundation_darwin.h"

// Written for macOS 11+ and never compiled by our CI (no macOS builder):
// see the README. Manual reference counting (no ARC flag from cgo).

extern void mdAVFoundationChanged(uintptr_t token);

void md_av_free(void *p) { free(p); }

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
			// No uniqueID, nothing to open it by: not listed, and nothing
			// copied for a slot the next device would reuse.
			if (d.uniqueID.length == 0) continue;
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

typedef struct {
	id queue; // retained: the observers deliver on it
	id observers[2];
} md_av_watcher;

void *md_av_watch(uintptr_t token) {
	md_av_watcher *w = calloc(1, sizeof(md_av_watcher));
	if (!w) return NULL;
	@autoreleasepool {
		NSNotificationCenter *nc = [NSNotificationCenter defaultCenter];
		NSOperationQueue *q = [[NSOperationQueue alloc] init];
		w->queue = q;
		NSNotificationName names[2] = {AVCaptureDeviceWasConnectedNotification, AVCaptureDeviceWasDisconnectedNotification};
		for (int i = 0; i < 2; i++) {
			w->observers[i] = [[nc addObserverForName:names[i] object:nil queue:q usingBlock:^(NSNotification *note) {
				mdAVFoundationChanged(token);
			}] retain];
		}
	}
	return w;
}

void md_av_unwatch(void *h) {
	md_av_watcher *w = h;
	if (!w) return;
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
