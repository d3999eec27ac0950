/* Test-only launcher: set environment variables inside the Windows process,
 * then run a program and pass its exit status through. Run under wine by
 * tests/test_windows.py.
 *
 *   launch.exe [NAME=VALUE | -NAME]... -- program.exe [args...]
 *
 * NAME=VALUE sets a variable, NAME= sets it empty, -NAME removes it.
 * Why: wine sets USERPROFILE itself (C:\users\<user>) whatever the Linux
 * side passes, and does not pass HOME, so a test that needs another profile
 * directory (or HOME set, to prove it is ignored) must set them from inside.
 * stdin, stdout and stderr are inherited; the exit status is the program's,
 * or 126 when it cannot be started (with a one-line message on stderr).
 *
 * Build: x86_64-w64-mingw32-gcc -municode -O2 -s -o launch.exe launch.c
 */
#include <windows.h>
#include <shellapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

/* Append one argument quoted the way CommandLineToArgvW and the MSVC/Rust
 * runtimes parse it back (backslashes before a quote are doubled). */
static void append_arg(wchar_t *out, const wchar_t *arg)
{
    size_t n = wcslen(out);
    int plain = *arg && !wcspbrk(arg, L" \t\n\v\"");
    if (n) out[n++] = L' ';
    if (plain) {
        wcscpy(out + n, arg);
        return;
    }
    out[n++] = L'"';
    for (const wchar_t *p = arg;; p++) {
        size_t slashes = 0;
        while (*p == L'\\') { p++; slashes++; }
        if (!*p) {
            for (size_t i = 0; i < slashes * 2; i++) out[n++] = L'\\';
            break;
        }
        if (*p == L'"') {
            for (size_t i = 0; i < slashes * 2 + 1; i++) out[n++] = L'\\';
        } else {
            for (size_t i = 0; i < slashes; i++) out[n++] = L'\\';
        }
        out[n++] = *p;
    }
    out[n++] = L'"';
    out[n] = 0;
}

static int apply_env(const wchar_t *spec)
{
    if (spec[0] == L'-')
        return SetEnvironmentVariableW(spec + 1, NULL) || GetLastError() == ERROR_ENVVAR_NOT_FOUND;
    wchar_t *copy = _wcsdup(spec);
    wchar_t *eq = copy ? wcschr(copy, L'=') : NULL;
    if (!eq || eq == copy) return 0;
    *eq = 0;
    BOOL ok = SetEnvironmentVariableW(copy, eq + 1);
    free(copy);
    return ok;
}

int wmain(void)
{
    int argc = 0, i = 1;
    wchar_t **argv = CommandLineToArgvW(GetCommandLineW(), &argc);
    if (!argv) return 126;
    for (; i < argc && wcscmp(argv[i], L"--") != 0; i++) {
        if (!apply_env(argv[i])) {
            fwprintf(stderr, L"launch: bad variable %ls (want NAME=VALUE or -NAME)\n", argv[i]);
            return 126;
        }
    }
    if (++i >= argc) {
        fwprintf(stderr, L"launch: usage: launch.exe [NAME=VALUE|-NAME]... -- program [args...]\n");
        return 126;
    }
    size_t size = 1;
    for (int j = i; j < argc; j++) size += wcslen(argv[j]) * 2 + 3;
    wchar_t *cmdline = calloc(size, sizeof *cmdline);
    if (!cmdline) return 126;
    for (int j = i; j < argc; j++) append_arg(cmdline, argv[j]);

    STARTUPINFOW si = { .cb = sizeof si };
    PROCESS_INFORMATION pi;
    if (!CreateProcessW(NULL, cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        fwprintf(stderr, L"launch: cannot start %ls (Windows error %lu)\n", argv[i], GetLastError());
        return 126;
    }
    CloseHandle(pi.hThread);
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD status = 126;
    GetExitCodeProcess(pi.hProcess, &status);
    CloseHandle(pi.hProcess);
    return (int)status;
}
