#import <AVFoundation/AVFoundation.h>
#import <CoreMedia/CoreMedia.h>
#import <CoreVideo/CoreVideo.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include "avfoundation_darwin.h"

// Camera capture for package avfoundation. Written for macOS 11+ and
// never compiled by our CI (no macOS builder): see the README. Manual
// reference counting, as in avfoundation_darwin.m.

struct md_av_capture {
	AVCaptureDevice *device; // retained
	AVCaptureSession *session;
	AVCaptureVideoDataOutput *output;
	id delegate;
	dispatch_queue_t queue;
	id observers[3];

	pthread_mutex_t mu;
	pthread_cond_t cond;
	uint8_t *frame; // the newest frame, BGRA rows packed
	int frame_len, frame_cap, width, height;
	unsigned long seq, read_seq;
	int dropped;
	int state; // MD_AV_OK, or why the session ended
};

@interface MDFrameDelegate : NSObject <AVCaptureVideoDataOutputSampleBufferDelegate> {
@public
	struct md_av_capture *cap;
}
@end

@implementation MDFrameDelegate
- (void)captureOutput:(AVCaptureOutput *)output
    didOutputSampleBuffer:(CMSampleBufferRef)sample
           fromConnection:(AVCaptureConnection *)connection {
	CVImageBufferRef img = CMSampleBufferGetImageBuffer(sample);
	if (!img) return;
	CVPixelBufferLockBaseAddress(img, kCVPixelBufferLock_ReadOnly);
	int w = (int)CVPixelBufferGetWidth(img), h = (int)CVPixelBufferGetHeight(img);
	size_t stride = CVPixelBufferGetBytesPerRow(img);
	uint8_t *base = CVPixelBufferGetBaseAddress(img);
	struct md_av_capture *c = cap;
	pthread_mutex_lock(&c->mu);
	int need = w * h * 4;
	if (need > c->frame_cap) {
		uint8_t *f = realloc(c->frame, need);
		if (f) {
			c->frame = f;
			c->frame_cap = need;
		}
	}
	if (base && need <= c->frame_cap) {
		for (int y = 0; y < h; y++) memcpy(c->frame + (size_t)y * w * 4, base + (size_t)y * stride, (size_t)w * 4);
		c->frame_len = need;
		c->width = w;
		c->height = h;
		if (c->seq != c->read_seq) c->dropped++; // the reader never took the previous one
		c->seq++;
		pthread_cond_broadcast(&c->cond);
	}
	pthread_mutex_unlock(&c->mu);
	CVPixelBufferUnlockBaseAddress(img, kCVPixelBufferLock_ReadOnly);
}

- (void)captureOutput:(AVCaptureOutput *)output
    didDropSampleBuffer:(CMSampleBufferRef)sample
         fromConnection:(AVCaptureConnection *)connection {
	pthread_mutex_lock(&cap->mu);
	cap->dropped++;
	pthread_mutex_unlock(&cap->mu);
}
@end

static void end_with(struct md_av_capture *c, int state) {
	pthread_mutex_lock(&c->mu);
	if (c->state == MD_AV_OK) c->state = state;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->mu);
}

// access asks for camera access when it was never asked, waiting for the
// person's answer (we are on a Go thread, not the main one).
static int access_granted(void) {
	AVAuthorizationStatus st = [AVCaptureDevice authorizationStatusForMediaType:AVMediaTypeVideo];
	if (st == AVAuthorizationStatusAuthorized) return 1;
	if (st != AVAuthorizationStatusNotDetermined) return 0; // denied or restricted
	dispatch_semaphore_t done = dispatch_semaphore_create(0);
	__block BOOL ok = NO;
	[AVCaptureDevice requestAccessForMediaType:AVMediaTypeVideo
	                         completionHandler:^(BOOL granted) {
		                         ok = granted;
		                         dispatch_semaphore_signal(done);
	                         }];
	dispatch_semaphore_wait(done, DISPATCH_TIME_FOREVER);
	dispatch_release(done);
	return ok;
}

int md_av_access(void) {
	// Without the usage text macOS kills the process at the first access
	// request: say so instead.
	if ([[NSBundle mainBundle] objectForInfoDictionaryKey:@"NSCameraUsageDescription"] == nil) return MD_AV_NO_USAGE;
	return access_granted() ? MD_AV_OK : MD_AV_DENIED;
}

int md_av_capture_open(const char *unique_id, md_av_capture **out, md_av_format **formats, int *n) {
	*out = NULL;
	*formats = NULL;
	*n = 0;
	@autoreleasepool {
		int rc = md_av_access();
		if (rc != MD_AV_OK) return rc;
		AVCaptureDevice *d = [AVCaptureDevice deviceWithUniqueID:[NSString stringWithUTF8String:unique_id]];
		if (d == nil || !d.connected) return MD_AV_GONE;
		struct md_av_capture *c = calloc(1, sizeof *c);
		if (!c) return MD_AV_FAILED;
		pthread_mutex_init(&c->mu, NULL);
		pthread_cond_init(&c->cond, NULL);
		c->device = [d retain];
		NSArray<AVCaptureDeviceFormat *> *fs = d.formats;
		*formats = calloc(fs.count ? fs.count : 1, sizeof(md_av_format));
		if (!*formats) {
			md_av_capture_close(c);
			return MD_AV_FAILED;
		}
		for (AVCaptureDeviceFormat *f in fs) {
			CMVideoDimensions dim = CMVideoFormatDescriptionGetDimensions(f.formatDescription);
			double maxfps = 0;
			for (AVFrameRateRange *r in f.videoSupportedFrameRateRanges) maxfps = MAX(maxfps, r.maxFrameRate);
			(*formats)[*n] = (md_av_format){dim.width, dim.height, maxfps};
			(*n)++;
		}
		*out = c;
	}
	return MD_AV_OK;
}

int md_av_capture_start(md_av_capture *c, int index, double fps) {
	@autoreleasepool {
		AVCaptureDevice *d = c->device;
		NSError *err = nil;
		if (index >= 0 && index < (int)d.formats.count && [d lockForConfiguration:&err]) {
			AVCaptureDeviceFormat *f = d.formats[index];
			d.activeFormat = f;
			for (AVFrameRateRange *r in f.videoSupportedFrameRateRanges) {
				if (fps >= r.minFrameRate && fps <= r.maxFrameRate) {
					d.activeVideoMinFrameDuration = CMTimeMake(1000, (int32_t)(fps * 1000));
					break;
				}
			}
			[d unlockForConfiguration];
		}
		AVCaptureDeviceInput *in = [AVCaptureDeviceInput deviceInputWithDevice:d error:&err];
		if (in == nil) {
			if (err.code == AVErrorDeviceInUseByAnotherApplication) return MD_AV_BUSY;
			if (err.code == AVErrorApplicationIsNotAuthorizedToUseDevice) return MD_AV_DENIED;
			if (err.code == AVErrorDeviceNotConnected) return MD_AV_GONE;
			return MD_AV_FAILED;
		}
		c->session = [[AVCaptureSession alloc] init];
		[c->session beginConfiguration];
		if (![c->session canAddInput:in]) {
			[c->session commitConfiguration];
			return MD_AV_BUSY;
		}
		[c->session addInput:in];
		// The session may reset the format to its preset's when the input
		// is added: set it again inside the configuration.
		if (index >= 0 && index < (int)d.formats.count && [d lockForConfiguration:nil]) {
			d.activeFormat = d.formats[index];
			[d unlockForConfiguration];
		}
		c->output = [[AVCaptureVideoDataOutput alloc] init];
		c->output.videoSettings = @{(id)kCVPixelBufferPixelFormatTypeKey : @(kCVPixelFormatType_32BGRA)};
		c->output.alwaysDiscardsLateVideoFrames = YES;
		MDFrameDelegate *del = [[MDFrameDelegate alloc] init];
		del->cap = c;
		c->delegate = del;
		c->queue = dispatch_queue_create("io.mediadesk.camera", DISPATCH_QUEUE_SERIAL);
		[c->output setSampleBufferDelegate:del queue:c->queue];
		if (![c->session canAddOutput:c->output]) {
			[c->session commitConfiguration];
			return MD_AV_FAILED;
		}
		[c->session addOutput:c->output];
		[c->session commitConfiguration];

		NSNotificationCenter *nc = [NSNotificationCenter defaultCenter];
		AVCaptureSession *s = c->session;
		c->observers[0] = [[nc addObserverForName:AVCaptureSessionRuntimeErrorNotification object:s queue:nil
		                               usingBlock:^(NSNotification *note) {
			                               NSError *e = note.userInfo[AVCaptureSessionErrorKey];
			                               end_with(c, e.code == AVErrorDeviceInUseByAnotherApplication ? MD_AV_BUSY : MD_AV_FAILED);
		                               }] retain];
		// macOS gives no interruption reason (the reason key is iOS-only):
		// on a Mac a session is interrupted when another application takes
		// the camera.
		c->observers[1] = [[nc addObserverForName:AVCaptureSessionWasInterruptedNotification object:s queue:nil
		                               usingBlock:^(NSNotification *note) {
			                               end_with(c, MD_AV_BUSY);
		                               }] retain];
		c->observers[2] = [[nc addObserverForName:AVCaptureDeviceWasDisconnectedNotification object:d queue:nil
		                               usingBlock:^(NSNotification *note) {
			                               end_with(c, MD_AV_GONE);
		                               }] retain];
		[c->session startRunning];
	}
	return MD_AV_OK;
}

int md_av_capture_read(md_av_capture *c, uint8_t *buf, int len, int timeout_ms, int *n, int *width, int *height, int *dropped) {
	*n = 0;
	struct timeval now;
	gettimeofday(&now, NULL);
	struct timespec until = {now.tv_sec + timeout_ms / 1000, now.tv_usec * 1000 + (long)(timeout_ms % 1000) * 1000000};
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&c->mu);
	while (c->state == MD_AV_OK && c->seq == c->read_seq) {
		if (pthread_cond_timedwait(&c->cond, &c->mu, &until) != 0) break;
	}
	int rc = c->state;
	*dropped = c->dropped;
	c->dropped = 0;
	if (rc == MD_AV_OK) {
		if (c->seq == c->read_seq) {
			rc = MD_AV_TIMEOUT;
		} else if (c->frame_len > len) {
			rc = MD_AV_SMALL;
			c->read_seq = c->seq;
		} else {
			memcpy(buf, c->frame, c->frame_len);
			*n = c->frame_len;
			*width = c->width;
			*height = c->height;
			c->read_seq = c->seq;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return rc;
}

void md_av_capture_close(md_av_capture *c) {
	if (!c) return;
	@autoreleasepool {
		for (int i = 0; i < 3; i++) {
			if (c->observers[i]) {
				[[NSNotificationCenter defaultCenter] removeObserver:c->observers[i]];
				[c->observers[i] release];
			}
		}
		if (c->session) {
			[c->session stopRunning]; // synchronous: the camera's light goes off
			[c->output setSampleBufferDelegate:nil queue:NULL];
		}
		// Let a delegate call already on the queue finish before freeing.
		if (c->queue) {
			dispatch_sync(c->queue, ^{
			});
			dispatch_release(c->queue);
		}
		[c->output release];
		[c->session release];
		[c->delegate release];
		[c->device release];
	}
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cond);
	free(c->frame);
	free(c);
}
