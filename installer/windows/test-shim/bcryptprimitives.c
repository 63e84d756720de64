/*
 * TEST-ONLY shim for Wine 8.0 (Debian 12), which lacks bcryptprimitives.dll: Rust's std
 * (>= 1.78) imports ProcessPrng from it for random numbers (HashMap keys), so no Rust exe
 * starts under that Wine. Copied into the throwaway Wine prefix of tests/installers/run.sh;
 * never part of the MSI (Windows 10 and later have the real DLL).
 */
#include <windows.h>
#include <bcrypt.h>

/* Same contract as Windows' ProcessPrng: fill the buffer, always TRUE. */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
