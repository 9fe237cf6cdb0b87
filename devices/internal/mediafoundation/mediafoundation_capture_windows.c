// Media Foundation camera capture for package mediafoundation: a
// synchronous source reader on the device source of one symbolic link.
#define WINVER 0x0A00
#define _WIN32_WINNT 0x0A00
#define COBJMACROS
#include <windows.h>
#include <mfapi.h>
#include <mfidl.h>
#include <mfreadwrite.h>
#include <mferror.h>
#include <stdlib.h>
#include <string.h>
#include "mediafoundation_windows.h"
#include "mf_windows.h"

// Our own copies of the GUIDs (values from the mingw-w64 headers); those
// the listing uses too are in mf_windows.c.
static const GUID mc_MT_SUBTYPE = {0xf7e34c9a, 0x42e8, 0x4714, {0xb7, 0x4b, 0xcb, 0x29, 0xd7, 0x2c, 0x35, 0xe5}};
static const GUID mc_MT_FRAME_SIZE = {0x1652c33d, 0xd6b2, 0x4012, {0xb8, 0x34, 0x72, 0x03, 0x08, 0x49, 0xa3, 0x7d}};
static const GUID mc_MT_FRAME_RATE = {0xc459a2e8, 0x3d2c, 0x4e44, {0xb1, 0x32, 0xfe, 0xe5, 0x15, 0x6c, 0x7b, 0xb0}};
static const GUID mc_IID_IMF2DBuffer = {0x7dc9d5f9, 0x9ed9, 0x44ec, {0x9b, 0xbf, 0x06, 0x00, 0xbb, 0x58, 0x9f, 0xbb}};
// The tail every MFVideoFormat_* GUID shares: {XXXXXXXX-0000-0010-8000-00AA00389B71}.
static const BYTE mc_FORMAT_TAIL[8] = {0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71};

#define FIRST_VIDEO ((DWORD)MF_SOURCE_READER_FIRST_VIDEO_STREAM)

struct md_capture {
	mf_camera cam;
	IMFSourceReader *reader;
};

long md_capture_open(const uint16_t *link, md_capture **out, md_mode **modes, int *n) {
	*out = NULL;
	*modes = NULL;
	*n = 0;
	md_capture *c = calloc(1, sizeof(md_capture));
	if (!c) return E_OUTOFMEMORY;
	c->cam.com = E_FAIL;
	// Busy, denied (camera privacy) and gone are reported here or at the
	// first read, as HRESULTs the Go side names.
	HRESULT hr = mf_camera_open(link, &c->cam);
	if (FAILED(hr)) goto fail;
	hr = mf_fn.MFCreateSourceReaderFromMediaSource(c->cam.source, NULL, &c->reader);
	if (FAILED(hr)) goto fail;

	int cap = 0;
	for (DWORD i = 0;; i++) {
		IMFMediaType *t = NULL;
		if (FAILED(IMFSourceReader_GetNativeMediaType(c->reader, FIRST_VIDEO, i, &t))) break; // MF_E_NO_MORE_TYPES
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			md_mode *m = realloc(*modes, cap * sizeof(md_mode));
			if (!m) {
				IMFMediaType_Release(t);
				hr = E_OUTOFMEMORY;
				goto fail;
			}
			*modes = m;
		}
		md_mode *m = &(*modes)[*n];
		memset(m, 0, sizeof *m);
		GUID sub;
		UINT64 size = 0, rate = 0;
		if (SUCCEEDED(IMFMediaType_GetGUID(t, &mc_MT_SUBTYPE, &sub)) && memcmp(sub.Data4, mc_FORMAT_TAIL, 8) == 0 &&
		    sub.Data2 == 0 && sub.Data3 == 0x0010)
			m->subtype = sub.Data1;
		if (SUCCEEDED(IMFMediaType_GetUINT64(t, &mc_MT_FRAME_SIZE, &size))) {
			m->width = (uint32_t)(size >> 32);
			m->height = (uint32_t)size;
		}
		if (SUCCEEDED(IMFMediaType_GetUINT64(t, &mc_MT_FRAME_RATE, &rate))) {
			m->rate_num = (uint32_t)(rate >> 32);
			m->rate_den = (uint32_t)rate;
		}
		(*n)++; // every native type keeps its index, usable or not
		IMFMediaType_Release(t);
	}
	*out = c;
	return S_OK;
fail:
	free(*modes);
	*modes = NULL;
	*n = 0;
	md_capture_close(c);
	return hr;
}

long md_capture_start(md_capture *c, int index) {
	IMFMediaType *t = NULL;
	HRESULT hr = IMFSourceReader_GetNativeMediaType(c->reader, FIRST_VIDEO, (DWORD)index, &t);
	if (FAILED(hr)) return hr;
	hr = IMFSourceReader_SetCurrentMediaType(c->reader, FIRST_VIDEO, NULL, t);
	IMFMediaType_Release(t);
	if (SUCCEEDED(hr)) hr = IMFSourceReader_SetStreamSelection(c->reader, (DWORD)MF_SOURCE_READER_ALL_STREAMS, FALSE);
	if (SUCCEEDED(hr)) hr = IMFSourceReader_SetStreamSelection(c->reader, FIRST_VIDEO, TRUE);
	return hr;
}

// copy2d copies rows from a 2D buffer top-down (its pitch is negative
// for bottom-up RGB).
static HRESULT copy2d(IMFMediaBuffer *b, uint8_t *buf, int len, int rows, int rowbytes, int *n) {
	IMF2DBuffer *b2 = NULL;
	HRESULT hr = IMFMediaBuffer_QueryInterface(b, &mc_IID_IMF2DBuffer, (void **)&b2);
	if (FAILED(hr)) return hr;
	BYTE *scan0 = NULL;
	LONG pitch = 0;
	hr = IMF2DBuffer_Lock2D(b2, &scan0, &pitch);
	if (SUCCEEDED(hr)) {
		if ((LONG)rowbytes > (pitch < 0 ? -pitch : pitch) || rows * rowbytes > len) {
			hr = E_INVALIDARG;
		} else {
			for (int r = 0; r < rows; r++) memcpy(buf + r * rowbytes, scan0 + (LONG_PTR)r * pitch, rowbytes);
			*n = rows * rowbytes;
		}
		IMF2DBuffer_Unlock2D(b2);
	}
	IMF2DBuffer_Release(b2);
	return hr;
}

long md_capture_read(md_capture *c, uint8_t *buf, int len, int rows, int rowbytes, int *n, uint32_t *flags) {
	*n = 0;
	*flags = 0;
	DWORD index = 0, fl = 0;
	LONGLONG ts = 0;
	IMFSample *s = NULL;
	HRESULT hr = IMFSourceReader_ReadSample(c->reader, FIRST_VIDEO, 0, &index, &fl, &ts, &s);
	*flags = fl;
	if (FAILED(hr) || !s) return hr;
	IMFMediaBuffer *b = NULL;
	hr = IMFSample_ConvertToContiguousBuffer(s, &b);
	if (SUCCEEDED(hr)) {
		HRESULT h2 = rows > 0 ? copy2d(b, buf, len, rows, rowbytes, n) : E_NOINTERFACE;
		if (h2 == E_INVALIDARG) {
			hr = MF_E_BUFFERTOOSMALL; // a 2D frame of another layout: dropped and counted, not passed on
		} else if (FAILED(h2)) { // not a 2D buffer, or compressed: the bytes as they are
			BYTE *p = NULL;
			DWORD cur = 0;
			hr = IMFMediaBuffer_Lock(b, &p, NULL, &cur);
			if (SUCCEEDED(hr)) {
				if ((int)cur > len) {
					hr = MF_E_BUFFERTOOSMALL;
				} else {
					memcpy(buf, p, cur);
					*n = (int)cur;
				}
				IMFMediaBuffer_Unlock(b);
			}
		}
		IMFMediaBuffer_Release(b);
	}
	IMFSample_Release(s);
	return hr;
}

void md_capture_shutdown(md_capture *c) {
	if (c && c->cam.source) {
		HRESULT com = CoInitializeEx(NULL, COINIT_MULTITHREADED);
		IMFMediaSource_Shutdown(c->cam.source);
		if (SUCCEEDED(com)) CoUninitialize();
	}
}

void md_capture_close(md_capture *c) {
	if (!c) return;
	if (c->reader) IMFSourceReader_Release(c->reader);
	mf_camera_close(&c->cam);
	free(c);
}
