/* A stand-in bcryptprimitives.dll for wine 8, which lacks it: Rust's std (>= 1.78) imports ProcessPrng from
 * it for its random numbers. Windows 10+ has the real one; this forwards to BCryptGenRandom, which wine has.
 * Built and placed beside the test executables by `make windows-check` only; never shipped. */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG))) {
            return FALSE;
        }
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
