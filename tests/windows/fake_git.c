/* Test-only stand-in for git.exe, run under wine by tests/test_windows.py.
 *
 * git-remote-codecommit.exe on Windows spawns `git remote-https NAME URL`
 * with injected GIT_CONFIG_* variables and exits with git's status. This
 * program stands where git.exe would be (found through PATH) and records
 * what it was given, so a test can check the arguments, the injected
 * configuration and that no secret reached the command line.
 *
 * Environment (set by the test, inherited through the program under test):
 *   FAKE_GIT_RECORD   file to append one JSON line to (required; else exit 125)
 *   FAKE_GIT_EXIT     exit status to return (decimal, default 0)
 *   FAKE_GIT_STDOUT   text to write to stdout (proves stdout is inherited)
 *   FAKE_GIT_STDIN    if "1", read stdin to EOF (at most 64 KiB) and record it
 *   FAKE_GIT_SECRETS  strings separated by '|' that must never be in argv
 *   FAKE_GIT_SHOW_ENV names separated by '|' of more variables to record
 *                     (absent ones as null), e.g. USERPROFILE|HOME
 *
 * JSON line: {"argv":[...],"config":{"GIT_CONFIG_COUNT":"2",...},
 *   "argv_has_url_password":bool,"argv_has_secret":bool,"stdin":"..."|null,
 *   "env":{"USERPROFILE":"..."|null,...}}
 * argv_has_url_password is true when any argument holds a URL whose
 * user-info has a password (scheme://user:password@host).
 *
 * Build: x86_64-w64-mingw32-gcc -municode -O2 -s -o git.exe fake_git.c
 */
#include <windows.h>
#include <shellapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define STDIN_MAX (64 * 1024)

/* Growable UTF-8 buffer for the JSON line. */
typedef struct { char *data; size_t len, cap; } Buf;

static void buf_put(Buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 4096) + n;
        char *p = realloc(b->data, cap);
        if (!p) ExitProcess(125);
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
}

static void buf_str(Buf *b, const char *s) { buf_put(b, s, strlen(s)); }

/* A JSON string from UTF-8 bytes: escape quotes, backslashes, controls. */
static void buf_json_bytes(Buf *b, const char *s, size_t n)
{
    buf_str(b, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\'; esc[1] = (char)c;
            buf_put(b, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            buf_str(b, esc);
        } else {
            buf_put(b, (const char *)&s[i], 1);
        }
    }
    buf_str(b, "\"");
}

static char *utf8(const wchar_t *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *s = malloc(n > 0 ? n : 1);
    if (!s) ExitProcess(125);
    if (n <= 0) { s[0] = 0; return s; }
    WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
    return s;
}

static void buf_json_w(Buf *b, const wchar_t *w)
{
    char *s = utf8(w);
    buf_json_bytes(b, s, strlen(s));
    free(s);
}

/* scheme://user:password@host... anywhere in the argument. */
static int has_url_password(const wchar_t *arg)
{
    const wchar_t *p = wcsstr(arg, L"://");
    while (p) {
        const wchar_t *start = p + 3;
        size_t auth_len = wcscspn(start, L"/?#");
        const wchar_t *at = NULL;
        for (size_t i = 0; i < auth_len; i++)
            if (start[i] == L'@') at = start + i;
        if (at) {
            for (const wchar_t *q = start; q < at; q++)
                if (*q == L':') return 1;
        }
        p = wcsstr(start, L"://");
    }
    return 0;
}

static int has_secret(const wchar_t *arg, const wchar_t *secrets)
{
    if (!secrets) return 0;
    const wchar_t *p = secrets;
    while (*p) {
        size_t n = wcscspn(p, L"|");
        if (n > 0) {
            wchar_t *one = calloc(n + 1, sizeof *one);
            if (!one) ExitProcess(125);
            wcsncpy(one, p, n);
            int found = wcsstr(arg, one) != NULL;
            free(one);
            if (found) return 1;
        }
        p += n;
        if (*p == L'|') p++;
    }
    return 0;
}

static wchar_t *env_dup(const wchar_t *name)
{
    DWORD n = GetEnvironmentVariableW(name, NULL, 0);
    if (n == 0) return NULL;
    wchar_t *v = malloc(n * sizeof *v);
    if (!v) ExitProcess(125);
    GetEnvironmentVariableW(name, v, n);
    return v;
}

/* The variables named in FAKE_GIT_SHOW_ENV, as seen inside this process. */
static void record_env(Buf *b)
{
    wchar_t *names = env_dup(L"FAKE_GIT_SHOW_ENV");
    int first = 1;
    buf_str(b, ",\"env\":{");
    for (wchar_t *p = names; p && *p;) {
        size_t n = wcscspn(p, L"|");
        wchar_t saved = p[n];
        p[n] = 0;
        if (n > 0) {
            wchar_t *value = env_dup(p);
            if (!first) buf_str(b, ",");
            first = 0;
            buf_json_w(b, p);
            buf_str(b, ":");
            if (value) buf_json_w(b, value); else buf_str(b, "null");
            free(value);
        }
        p[n] = saved;
        p += n + (saved ? 1 : 0);
    }
    buf_str(b, "}");
    free(names);
}

static void record_config(Buf *b)
{
    wchar_t *env = GetEnvironmentStringsW();
    int first = 1;
    buf_str(b, ",\"config\":{");
    for (wchar_t *e = env; e && *e; e += wcslen(e) + 1) {
        if (_wcsnicmp(e, L"GIT_CONFIG", 10) != 0) continue;
        wchar_t *eq = wcschr(e + 1, L'=');
        if (!eq) continue;
        *eq = 0;
        if (!first) buf_str(b, ",");
        first = 0;
        buf_json_w(b, e);
        buf_str(b, ":");
        buf_json_w(b, eq + 1);
        *eq = L'=';
    }
    buf_str(b, "}");
    if (env) FreeEnvironmentStringsW(env);
}

static void record_stdin(Buf *b)
{
    wchar_t want[4];
    if (!GetEnvironmentVariableW(L"FAKE_GIT_STDIN", want, 4) || wcscmp(want, L"1") != 0) {
        buf_str(b, ",\"stdin\":null");
        return;
    }
    char *data = malloc(STDIN_MAX);
    size_t len = 0;
    if (!data) ExitProcess(125);
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    DWORD got;
    while (len < STDIN_MAX && ReadFile(in, data + len, (DWORD)(STDIN_MAX - len), &got, NULL) && got > 0)
        len += got;
    buf_str(b, ",\"stdin\":");
    buf_json_bytes(b, data, len);
    free(data);
}


static void write_stdout(void)
{
    wchar_t *text = env_dup(L"FAKE_GIT_STDOUT");
    if (!text) return;
    char *s = utf8(text);
    DWORD done;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), s, (DWORD)strlen(s), &done, NULL);
    free(s);
    free(text);
}

int wmain(void)
{
    int argc = 0;
    wchar_t **argv = CommandLineToArgvW(GetCommandLineW(), &argc);
    wchar_t *record = env_dup(L"FAKE_GIT_RECORD");
    wchar_t *secrets = env_dup(L"FAKE_GIT_SECRETS");
    wchar_t *status = env_dup(L"FAKE_GIT_EXIT");
    int url_password = 0, secret = 0;
    Buf b = {0};

    if (!record || !argv) return 125;
    buf_str(&b, "{\"argv\":[");
    for (int i = 0; i < argc; i++) {
        if (i) buf_str(&b, ",");
        buf_json_w(&b, argv[i]);
        url_password |= has_url_password(argv[i]);
        secret |= has_secret(argv[i], secrets);
    }
    buf_str(&b, "]");
    record_config(&b);
    buf_str(&b, url_password ? ",\"argv_has_url_password\":true" : ",\"argv_has_url_password\":false");
    buf_str(&b, secret ? ",\"argv_has_secret\":true" : ",\"argv_has_secret\":false");
    record_stdin(&b);
    record_env(&b);
    buf_str(&b, "}\n");

    HANDLE f = CreateFileW(record, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    DWORD done;
    if (f == INVALID_HANDLE_VALUE || !WriteFile(f, b.data, (DWORD)b.len, &done, NULL)) return 125;
    CloseHandle(f);
    write_stdout();
    return status ? (int)wcstol(status, NULL, 10) : 0;
}
