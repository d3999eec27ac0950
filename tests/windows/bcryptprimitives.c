/* Test-only stand-in for bcryptprimitives.dll. Never shipped.
 *
 * Why: the Rust standard library (1.78 and later) gets its randomness from
 * ProcessPrng in bcryptprimitives.dll, which Windows 10+ has and Debian 12's
 * wine 8.0 does not, so no Rust .exe starts under that wine. Placed next to
 * the .exe under test, this DLL supplies ProcessPrng on top of RtlGenRandom
 * (advapi32!SystemFunction036), which wine implements with the host's
 * /dev/urandom.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -s -o bcryptprimitives.dll \
 *          bcryptprimitives.c bcryptprimitives.def -ladvapi32
 */
#include <windows.h>

/* advapi32!SystemFunction036, declared here so no ntsecapi.h quirks matter. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* Same contract as Windows: always returns TRUE (the real one never fails,
 * and std treats FALSE as fatal). RtlGenRandom takes a ULONG length, so a
 * SIZE_T request is filled in chunks. */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    const ULONG chunk = 0x40000000u;
    while (length > 0) {
        ULONG n = length > chunk ? chunk : (ULONG)length;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        length -= n;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance; (void)reason; (void)reserved;
    return TRUE;
}
