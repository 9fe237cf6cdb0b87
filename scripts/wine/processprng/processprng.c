// bcryptprimitives.dll for the Wine 8 test prefix only (scripts/with-wine.sh
// builds it with mingw-w64 and copies it into the private prefix's
// system32; nothing ships it).
//
// Go 1.22 and later get their random bytes from ProcessPrng in
// bcryptprimitives.dll, which Wine 8 does not have: every Go program dies
// at start with "bcryptprimitives.dll not found". Wine does have
// RtlGenRandom (advapi32's SystemFunction036), so ProcessPrng is that.
// The runtime loads the DLL from system32 only, so it cannot sit next to
// the exe.
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	// RtlGenRandom takes a ULONG length; ProcessPrng a SIZE_T.
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!RtlGenRandom(data, n)) return FALSE;
		data += n;
		len -= n;
	}
	// Like Windows' own, it always succeeds: the Go runtime does not check.
	return TRUE;
}
