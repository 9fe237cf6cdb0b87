// The system default endpoint (IPolicyConfig, undocumented) and who uses
// an endpoint (IAudioSessionManager2, documented) for package mmdevice.
// id is a WASAPI endpoint id (UTF-16, NUL-terminated). Each returns an
// HRESULT.
#include <stdint.h>

// md_set_default makes the endpoint the default for every role (console,
// multimedia, communications) through IPolicyConfig::SetDefaultEndpoint,
// as EarTrumpet, SoundSwitch and NirCmd do. REGDB_E_CLASSNOTREG or
// E_NOINTERFACE when the system has no such interface.
long md_set_default(const uint16_t *id);

#define MD_MAX_SESSIONS 64

// md_session is one audio session on an endpoint.
typedef struct {
	unsigned pid;
	int state;  // AudioSessionState: 0 inactive, 1 active, 2 expired
	int muted;  // its ISimpleAudioVolume mute, where it has one
	int system; // the system sounds session
	uint16_t name[128]; // its display name ("" when it set none)
} md_session;

// md_sessions lists up to MD_MAX_SESSIONS sessions of the endpoint into
// out and their number into *n.
long md_sessions(const uint16_t *id, md_session *out, int *n);
