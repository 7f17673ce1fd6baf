// SLUICE_ADDRESS_SANITIZER: 1 when this translation unit is compiled with
// AddressSanitizer, else 0 (g++ defines __SANITIZE_ADDRESS__, clang answers
// __has_feature). For the few places whose behaviour must differ under it: stack depth
// (its frames are several times larger) and reads it rightly reports.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define SLUICE_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLUICE_ADDRESS_SANITIZER 1
#endif
#endif
#if !defined(SLUICE_ADDRESS_SANITIZER)
#define SLUICE_ADDRESS_SANITIZER 0
#endif
