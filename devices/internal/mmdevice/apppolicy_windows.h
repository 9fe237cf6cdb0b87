// One program's own default endpoint (IAudioPolicyConfigFactory,
// undocumented, Windows 10 1803 and later) for package mmdevice: what
// Windows' "App volume and device preferences" sets, and how EarTrumpet
// moves one app. Each returns an HRESULT.
#include <stdint.h>

// md_app_policy_probe activates the factory and releases it: S_OK when
// the system has it. combase missing, or the class not registered (Wine),
// or neither interface id answering: a failure HRESULT.
long md_app_policy_probe(void);

// md_set_app_default makes the endpoint id (a WASAPI endpoint id, UTF-16,
// NUL-terminated; empty: back to the system default) the default of
// process pid for capture (input) or render, for every role.
long md_set_app_default(unsigned pid, int input, const uint16_t *id);
