/* Stand-in askpass program (GIT_ASKPASS) for the Windows MFA test: appends
 * "<argument count>|<first argument>" (UTF-8) as one line to FAKE_ASKPASS_RECORD, prints
 * FAKE_ASKPASS_ANSWER padded with blanks (the caller must trim) and exits 0. */
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

static void utf8(const wchar_t *w, char *out, int size) {
    if (!WideCharToMultiByte(CP_UTF8, 0, w, -1, out, size, NULL, NULL)) out[0] = 0;
}

int wmain(int argc, wchar_t **argv) {
    const wchar_t *record = _wgetenv(L"FAKE_ASKPASS_RECORD");
    const wchar_t *answer = _wgetenv(L"FAKE_ASKPASS_ANSWER");
    char text[4096];
    if (record) {
        FILE *f = _wfopen(record, L"ab");
        if (f) {
            utf8(argc > 1 ? argv[1] : L"", text, sizeof text);
            fprintf(f, "%d|%s\n", argc - 1, text);
            fclose(f);
        }
    }
    utf8(answer ? answer : L"", text, sizeof text);
    printf("  %s  \r\n", text);
    return 0;
}
