/* Test-only process tree for the Job object test (tests/test_windows.py).
 *   spawn_tree.exe parent MARKER   starts "spawn_tree.exe child MARKER" (inheriting stdout and
 *                                  stderr, as a real helper's worker would), then hangs
 *   spawn_tree.exe child MARKER    after 3 s, creates the file MARKER, then exits
 * A MARKER that appears proves the child outlived whoever was meant to stop the tree. */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

static int child(const wchar_t *marker) {
    Sleep(3000);
    HANDLE f = CreateFileW(marker, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE) return 1;
    CloseHandle(f);
    return 0;
}

static int parent(const wchar_t *self, const wchar_t *marker) {
    wchar_t line[4096];
    STARTUPINFOW si = { sizeof si };
    PROCESS_INFORMATION pi;
    if (swprintf(line, 4096, L"\"%ls\" child \"%ls\"", self, marker) < 0) return 2;
    if (!CreateProcessW(self, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) return 3;
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    Sleep(INFINITE);
    return 0;
}

int wmain(int argc, wchar_t **argv) {
    if (argc == 3 && wcscmp(argv[1], L"child") == 0) return child(argv[2]);
    if (argc == 3 && wcscmp(argv[1], L"parent") == 0) {
        wchar_t self[MAX_PATH];
        if (!GetModuleFileNameW(NULL, self, MAX_PATH)) return 4;
        return parent(self, argv[2]);
    }
    fputs("usage: spawn_tree.exe parent|child MARKER\n", stderr);
    return 2;
}
