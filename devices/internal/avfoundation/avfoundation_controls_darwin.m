#import <AVFoundation/AVFoundation.h>
#include <stdlib.h>
#include "avfoundation_darwin.h"

// Camera controls for package avfoundation: AVCaptureDevice's focusMode,
// exposureMode and whiteBalanceMode (macOS 10.7+; Custom exposure 10.15+).
// The properties with a value (lensPosition, exposureDuration, ISO,
// exposureTargetBias, deviceWhiteBalanceGains, videoZoomFactor) are
// API_UNAVAILABLE(macos) in AVCaptureDevice.h, so there is nothing else to
// offer. Written from Apple's headers and documentation for macOS 11+ and
// never compiled by our CI (no macOS builder): see the README. Manual
// reference counting, as in avfoundation_darwin.m.

static uint32_t supported(AVCaptureDevice *d, int which) {
	uint32_t bits = 0;
	for (int mode = 0; mode <= 3; mode++) {
		BOOL ok = NO;
		switch (which) {
		case MD_AV_FOCUS:
			ok = mode <= AVCaptureFocusModeContinuousAutoFocus && [d isFocusModeSupported:(AVCaptureFocusMode)mode];
			break;
		case MD_AV_EXPOSURE:
			ok = [d isExposureModeSupported:(AVCaptureExposureMode)mode];
			break;
		case MD_AV_WHITE_BALANCE:
			ok = mode <= AVCaptureWhiteBalanceModeContinuousAutoWhiteBalance &&
			     [d isWhiteBalanceModeSupported:(AVCaptureWhiteBalanceMode)mode];
			break;
		}
		if (ok) bits |= 1u << mode;
	}
	return bits;
}

static int current(AVCaptureDevice *d, int which) {
	switch (which) {
	case MD_AV_FOCUS:
		return (int)d.focusMode;
	case MD_AV_EXPOSURE:
		return (int)d.exposureMode;
	case MD_AV_WHITE_BALANCE:
		return (int)d.whiteBalanceMode;
	}
	return -1;
}

static AVCaptureDevice *device(const char *unique_id) {
	NSString *uid = [NSString stringWithUTF8String:unique_id];
	if (uid == nil) return nil;
	AVCaptureDevice *d = [AVCaptureDevice deviceWithUniqueID:uid];
	if (d == nil || !d.connected) return nil;
	return d;
}

int md_av_controls_get(const char *unique_id, md_av_mode *out) {
	for (int i = 0; i < MD_AV_NUM_MODES; i++) {
		out[i].supported = 0;
		out[i].mode = -1;
	}
	@autoreleasepool {
		@try {
			AVCaptureDevice *d = device(unique_id);
			if (d == nil) return MD_AV_GONE;
			for (int i = 0; i < MD_AV_NUM_MODES; i++) {
				out[i].supported = supported(d, i);
				out[i].mode = current(d, i);
			}
		} @catch (NSException *e) {
			return MD_AV_FAILED; // never let an exception unwind into Go
		}
	}
	return MD_AV_OK;
}

// lock_error turns lockForConfiguration:'s NSError into a code.
static int lock_error(NSError *err) {
	if (err == nil || ![err.domain isEqualToString:AVFoundationErrorDomain]) return MD_AV_FAILED;
	switch (err.code) {
	case AVErrorDeviceNotConnected:
		return MD_AV_GONE;
	case AVErrorDeviceInUseByAnotherApplication:
	case AVErrorDeviceLockedForConfigurationByAnotherProcess:
		return MD_AV_BUSY;
	case -11852: // AVErrorApplicationIsNotAuthorizedToUseDevice (by number: its
	             // macOS availability is not certain from the headers seen here)
		return MD_AV_DENIED;
	}
	return MD_AV_FAILED;
}

int md_av_control_set(const char *unique_id, int which, int mode) {
	if (which < 0 || which >= MD_AV_NUM_MODES || mode < 0 || mode > 3) return MD_AV_UNSUPPORTED;
	int rc = md_av_access();
	if (rc != MD_AV_OK) return rc;
	@autoreleasepool {
		AVCaptureDevice *d = device(unique_id);
		if (d == nil) return MD_AV_GONE;
		// Custom exposure needs a duration and ISO macOS cannot set.
		if (!(supported(d, which) & (1u << mode)) || (which == MD_AV_EXPOSURE && mode == AVCaptureExposureModeCustom))
			return MD_AV_UNSUPPORTED;
		NSError *err = nil;
		if (![d lockForConfiguration:&err]) return lock_error(err);
		rc = MD_AV_OK;
		@try {
			switch (which) {
			case MD_AV_FOCUS:
				d.focusMode = (AVCaptureFocusMode)mode;
				break;
			case MD_AV_EXPOSURE:
				d.exposureMode = (AVCaptureExposureMode)mode;
				break;
			case MD_AV_WHITE_BALANCE:
				d.whiteBalanceMode = (AVCaptureWhiteBalanceMode)mode;
				break;
			}
		} @catch (NSException *e) {
			// NSInvalidArgumentException: the mode went unsupported
			// between the check and the set.
			rc = [e.name isEqualToString:NSInvalidArgumentException] ? MD_AV_UNSUPPORTED : MD_AV_FAILED;
		}
		[d unlockForConfiguration];
	}
	return rc;
}
