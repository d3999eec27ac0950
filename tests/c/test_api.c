/*
 * Tests of every function in codecommit_auth.h, from C: results, NULL arguments, invalid
 * UTF-8, bad remotes, ownership (run under valgrind by tests/c/Makefile), the signing vectors
 * of tests/vectors.json, and 8 threads x 1000 calls on one shared client.
 *
 * Usage: test_api [CALLS_PER_THREAD]   (default 1000)
 *        test_api --leak-on-purpose   leaks one credential (checks that valgrind notices)
 * It writes a private AWS config under a temporary directory and points the AWS_* variables
 * at it, so nothing from the outer environment is used.
 */
#define _POSIX_C_SOURCE 200809L

#include <codecommit_auth.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vectors.h"

#ifndef EXPECTED_VERSION
#error "build with -DEXPECTED_VERSION=\"x.y.z\""
#endif

#define THREADS 8
#define DEV_AKID "AKIADEVDEVDEVDEVDEV0"
#define DEV_SECRET "dev/secret+key=0123456789abcdefghijklmno"
#define DEV_TOKEN "FwoGZXIvYXdzE/dev+token=="
#define DEFAULT_AKID "AKIADEFAULTDEFAULT00"
#define DEFAULT_SECRET "default-secret-0123456789abcdefghijklmno"
#define T0 1700000000LL

static int checks;
static int failures;

static void fail(const char *file, int line, const char *fmt, ...)
{
    va_list args;
    fprintf(stderr, "%s:%d: FAILED: ", file, line);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fprintf(stderr, " (last error: %s)\n", codecommit_auth_last_error());
    failures++;
}

#define CHECK(cond)                                                                             \
    do {                                                                                        \
        checks++;                                                                               \
        if (!(cond)) fail(__FILE__, __LINE__, "%s", #cond);                                     \
    } while (0)

#define CHECK_STATUS(call, expected)                                                            \
    do {                                                                                        \
        codecommit_auth_status got_ = (call);                                                   \
        checks++;                                                                               \
        if (got_ != (expected))                                                                 \
            fail(__FILE__, __LINE__, "%s returned %s (%d), expected %s", #call,                 \
                 codecommit_auth_status_name(got_), (int)got_,                                   \
                 codecommit_auth_status_name(expected));                                        \
    } while (0)

#define CHECK_STR(actual, expected)                                                             \
    do {                                                                                        \
        const char *a_ = (actual), *e_ = (expected);                                            \
        checks++;                                                                               \
        if (a_ == NULL || e_ == NULL || strcmp(a_, e_) != 0)                                    \
            fail(__FILE__, __LINE__, "%s is \"%s\", expected \"%s\"", #actual,                  \
                 a_ ? a_ : "(null)", e_ ? e_ : "(null)");                                        \
    } while (0)

/* An error status must come with a message; a success clears it. */
#define CHECK_ERROR(call, expected)                                                             \
    do {                                                                                        \
        CHECK_STATUS(call, expected);                                                           \
        CHECK(codecommit_auth_last_error()[0] != '\0');                                         \
    } while (0)

/* A pointer value that is not NULL, to see that failures reset out-parameters. */
static char sentinel_byte;
#define SENTINEL ((void *)&sentinel_byte)

static char tmpdir[64];

static void write_file(const char *name, const char *text)
{
    char path[256];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

static void append_file(const char *name, const char *text)
{
    char path[256];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    f = fopen(path, "a");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

static void setup_environment(void)
{
    char path[512];
    strcpy(tmpdir, "/tmp/codecommit-auth-c-XXXXXX");
    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        exit(2);
    }
    write_file("config", "[profile dev]\nregion = eu-west-1\n"
                         "[profile needs-mfa]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
                         "source_profile = dev\nmfa_serial = arn:aws:iam::123456789012:mfa/u\n"
                         "[profile nokeys]\nregion = us-east-1\n"
                         "[profile nosource]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
                         "[profile failing]\ncredential_process = false\n"
                         "[profile sso]\nsso_start_url = https://example.awsapps.com/start\n"
                         "sso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = r\n");
    /* A credential_process that counts its runs (one line each) and takes a second, so
     * that concurrent requests overlap. */
    snprintf(path, sizeof path, "[profile counted]\nregion = us-east-1\n"
                                "credential_process = sh %s/count.sh\n", tmpdir);
    append_file("config", path);
    snprintf(path, sizeof path,
             "echo run >> '%s/runs'\nsleep 1\n"
             "printf '{\"Version\": 1, \"AccessKeyId\": \"AKIACOUNTEDCOUNTED01\", "
             "\"SecretAccessKey\": \"s\"}'\n", tmpdir);
    write_file("count.sh", path);
    write_file("credentials", "[default]\naws_access_key_id = " DEFAULT_AKID "\n"
                              "aws_secret_access_key = " DEFAULT_SECRET "\n"
                              "[dev]\naws_access_key_id = " DEV_AKID "\n"
                              "aws_secret_access_key = " DEV_SECRET "\n"
                              "aws_session_token = " DEV_TOKEN "\n");
    snprintf(path, sizeof path, "%s/config", tmpdir);
    setenv("AWS_CONFIG_FILE", path, 1);
    snprintf(path, sizeof path, "%s/credentials", tmpdir);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
    setenv("HOME", tmpdir, 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_DEFAULT_PROFILE");
    unsetenv("AWS_REGION");
    unsetenv("AWS_DEFAULT_REGION");
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    unsetenv("AWS_SESSION_TOKEN");
    unsetenv("AWS_USE_FIPS_ENDPOINT");
    unsetenv("CODE_COMMIT_ENDPOINT");
}

static void cleanup_environment(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/config", tmpdir);
    unlink(path);
    snprintf(path, sizeof path, "%s/credentials", tmpdir);
    unlink(path);
    snprintf(path, sizeof path, "%s/count.sh", tmpdir);
    unlink(path);
    snprintf(path, sizeof path, "%s/runs", tmpdir);
    unlink(path);
    rmdir(tmpdir);
}

static void test_version_and_names(void)
{
    static const struct { int status; const char *name; } names[] = {
        {CODECOMMIT_AUTH_OK, "OK"},
        {CODECOMMIT_AUTH_INVALID_REMOTE, "INVALID_REMOTE"},
        {CODECOMMIT_AUTH_INVALID_REGION, "INVALID_REGION"},
        {CODECOMMIT_AUTH_HOST_NOT_ALLOWED, "HOST_NOT_ALLOWED"},
        {CODECOMMIT_AUTH_UNKNOWN_PROFILE, "UNKNOWN_PROFILE"},
        {CODECOMMIT_AUTH_INVALID_CONFIG, "INVALID_CONFIG"},
        {CODECOMMIT_AUTH_NO_CREDENTIALS, "NO_CREDENTIALS"},
        {CODECOMMIT_AUTH_LOGIN_REQUIRED, "LOGIN_REQUIRED"},
        {CODECOMMIT_AUTH_MFA_REQUIRED, "MFA_REQUIRED"},
        {CODECOMMIT_AUTH_CREDENTIAL_SOURCE, "CREDENTIAL_SOURCE"},
        {CODECOMMIT_AUTH_TIMEOUT, "TIMEOUT"},
        {CODECOMMIT_AUTH_INVALID_CREDENTIAL_REQUEST, "INVALID_CREDENTIAL_REQUEST"},
        {CODECOMMIT_AUTH_MISSING_PATH, "MISSING_PATH"},
        {CODECOMMIT_AUTH_INVALID_ARGUMENT, "INVALID_ARGUMENT"},
        {CODECOMMIT_AUTH_IO, "IO"},
        {CODECOMMIT_AUTH_INTERNAL, "INTERNAL"},
        {CODECOMMIT_AUTH_NULL_ARGUMENT, "NULL_ARGUMENT"},
        {CODECOMMIT_AUTH_INVALID_UTF8, "INVALID_UTF8"},
    };
    size_t i;
    CHECK_STR(codecommit_auth_version(), EXPECTED_VERSION);
    /* The numbers are a published contract, shared with the CLI exit statuses. */
    CHECK(CODECOMMIT_AUTH_INVALID_REMOTE == 10 && CODECOMMIT_AUTH_INTERNAL == 24);
    CHECK(CODECOMMIT_AUTH_NULL_ARGUMENT == 25 && CODECOMMIT_AUTH_INVALID_UTF8 == 26);
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        CHECK_STR(codecommit_auth_status_name(names[i].status), names[i].name);
    }
    CHECK_STR(codecommit_auth_status_name(1), "UNKNOWN");
    CHECK_STR(codecommit_auth_status_name(-1), "UNKNOWN");
    CHECK_STR(codecommit_auth_status_name(27), "UNKNOWN");
    CHECK(codecommit_auth_last_error() != NULL);
}

static void check_credential(const codecommit_auth_credential *c, const char *username,
                             const char *password, const char *url, long long expires)
{
    const char *s = SENTINEL;
    int64_t when = 0;
    CHECK_STATUS(codecommit_auth_credential_username(c, &s), CODECOMMIT_AUTH_OK);
    if (username) CHECK_STR(s, username);
    CHECK_STATUS(codecommit_auth_credential_password(c, &s), CODECOMMIT_AUTH_OK);
    if (password) CHECK_STR(s, password);
    CHECK_STATUS(codecommit_auth_credential_url(c, &s), CODECOMMIT_AUTH_OK);
    if (url) CHECK_STR(s, url);
    CHECK_STATUS(codecommit_auth_credential_expires_at(c, &when), CODECOMMIT_AUTH_OK);
    if (expires) CHECK(when == expires);
}

static void test_sign_vectors(void)
{
    int i;
    for (i = 0; i < VECTOR_COUNT; i++) {
        const vector *v = &VECTORS[i];
        codecommit_auth_credential *c = SENTINEL;
        const char *s = NULL;
        CHECK_STATUS(codecommit_auth_sign(v->access_key_id, v->secret_access_key,
                                          v->session_token, v->region, v->host, v->path,
                                          v->at, &c),
                     CODECOMMIT_AUTH_OK);
        CHECK(c != NULL && c != SENTINEL);
        check_credential(c, v->username, v->password, v->url, v->at + 900);
        CHECK_STATUS(codecommit_auth_credential_access_key_id(c, &s), CODECOMMIT_AUTH_OK);
        CHECK_STR(s, v->access_key_id);
        CHECK_STATUS(codecommit_auth_credential_host(c, &s), CODECOMMIT_AUTH_OK);
        CHECK_STR(s, v->host);
        CHECK_STATUS(codecommit_auth_credential_path(c, &s), CODECOMMIT_AUTH_OK);
        CHECK_STR(s, v->path);
        CHECK_STATUS(codecommit_auth_credential_region(c, &s), CODECOMMIT_AUTH_OK);
        CHECK_STR(s, v->region);
        s = SENTINEL;
        CHECK_STATUS(codecommit_auth_credential_profile(c, &s), CODECOMMIT_AUTH_OK);
        CHECK(s == NULL);
        CHECK_STR(codecommit_auth_last_error(), "");
        codecommit_auth_credential_free(c);
    }
}

/* A string of `n` copies of `ch` (static buffer; n < sizeof). */
static char big[100 * 1024 + 1];
static const char *repeat(char ch, size_t n)
{
    memset(big, ch, n);
    big[n] = '\0';
    return big;
}

/* Absurd lengths are refused with INVALID_ARGUMENT (a region with INVALID_REGION), and the
 * message does not repeat the value. Limits: key id 128, secret 1 KiB, token 16 KiB,
 * host 1 KiB. */
static void test_sign_lengths(void)
{
    const char *a = "AKIAIOSFODNN7EXAMPLE", *k = "secret", *r = "us-east-1",
               *h = "git-codecommit.us-east-1.amazonaws.com", *p = "/v1/repos/r";
    codecommit_auth_credential *c = SENTINEL;
    const size_t huge = 100 * 1024;
    CHECK_ERROR(codecommit_auth_sign(repeat('A', huge), k, NULL, r, h, p, T0, &c), CODECOMMIT_AUTH_INVALID_ARGUMENT);
    CHECK(c == NULL && strstr(codecommit_auth_last_error(), "AAAA") == NULL);
    CHECK(strlen(codecommit_auth_last_error()) < 300);
    CHECK_ERROR(codecommit_auth_sign(repeat('A', 129), k, NULL, r, h, p, T0, &c), CODECOMMIT_AUTH_INVALID_ARGUMENT);
    CHECK_STATUS(codecommit_auth_sign(repeat('A', 128), k, NULL, r, h, p, T0, &c), CODECOMMIT_AUTH_OK);
    codecommit_auth_credential_free(c);
    CHECK_ERROR(codecommit_auth_sign(a, repeat('s', huge), NULL, r, h, p, T0, &c), CODECOMMIT_AUTH_INVALID_ARGUMENT);
    CHECK(strstr(codecommit_auth_last_error(), "ssss") == NULL);
    CHECK_ERROR(codecommit_auth_sign(a, k, repeat('t', huge), r, h, p, T0, &c), CODECOMMIT_AUTH_INVALID_ARGUMENT);
    CHECK(strstr(codecommit_auth_last_error(), "tttt") == NULL);
    CHECK_STATUS(codecommit_auth_sign(a, k, repeat('t', 4096), r, h, p, T0, &c), CODECOMMIT_AUTH_OK);
    codecommit_auth_credential_free(c);
    CHECK_ERROR(codecommit_auth_sign(a, k, NULL, r, repeat('h', huge), p, T0, &c), CODECOMMIT_AUTH_INVALID_ARGUMENT);
    CHECK(strstr(codecommit_auth_last_error(), "hhhh") == NULL);
    CHECK_ERROR(codecommit_auth_sign(a, k, NULL, repeat('u', huge), h, p, T0, &c), CODECOMMIT_AUTH_INVALID_REGION);
    CHECK(strlen(codecommit_auth_last_error()) < 300);
    c = NULL;
}

static void test_sign_errors(void)
{
    codecommit_auth_credential *c = SENTINEL;
    const char *a = "AKIAIOSFODNN7EXAMPLE", *k = "secret", *r = "us-east-1";
    const char *h = "git-codecommit.us-east-1.amazonaws.com", *p = "/v1/repos/r";

    CHECK_ERROR(codecommit_auth_sign(NULL, k, NULL, r, h, p, T0, &c), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK(c == NULL);
    CHECK(strstr(codecommit_auth_last_error(), "access_key_id") != NULL);
    CHECK_ERROR(codecommit_auth_sign(a, NULL, NULL, r, h, p, T0, &c), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_ERROR(codecommit_auth_sign(a, k, NULL, NULL, h, p, T0, &c), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_ERROR(codecommit_auth_sign(a, k, NULL, r, NULL, p, T0, &c), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_ERROR(codecommit_auth_sign(a, k, NULL, r, h, NULL, T0, &c), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_ERROR(codecommit_auth_sign(a, k, NULL, r, h, p, T0, NULL), CODECOMMIT_AUTH_NULL_ARGUMENT);
    c = SENTINEL;
    CHECK_ERROR(codecommit_auth_sign("AKIA\xff", k, NULL, r, h, p, T0, &c), CODECOMMIT_AUTH_INVALID_UTF8);
    CHECK(c == NULL);
    CHECK_ERROR(codecommit_auth_sign(a, "\xc3\x28", NULL, r, h, p, T0, &c), CODECOMMIT_AUTH_INVALID_UTF8);
    CHECK_ERROR(codecommit_auth_sign(a, k, "tok\xe2\x82", r, h, p, T0, &c), CODECOMMIT_AUTH_INVALID_UTF8);
    CHECK_ERROR(codecommit_auth_sign(a, k, NULL, "\xff", h, p, T0, &c), CODECOMMIT_AUTH_INVALID_UTF8);
    CHECK_ERROR(codecommit_auth_sign(a, k, NULL, r, "git-codecommit.\xff", p, T0, &c), CODECOMMIT_AUTH_INVALID_UTF8);
    CHECK_ERROR(codecommit_auth_sign(a, k, NULL, r, h, "/v1/repos/\xff", T0, &c), CODECOMMIT_AUTH_INVALID_UTF8);
    CHECK_ERROR(codecommit_auth_sign(a, k, NULL, "mars-1", h, p, T0, &c), CODECOMMIT_AUTH_INVALID_REGION);
    CHECK_ERROR(codecommit_auth_sign("", k, NULL, r, h, p, T0, &c), CODECOMMIT_AUTH_INVALID_ARGUMENT);
    CHECK_ERROR(codecommit_auth_sign(a, "", NULL, r, h, p, T0, &c), CODECOMMIT_AUTH_INVALID_ARGUMENT);
    CHECK_ERROR(codecommit_auth_sign(a, k, NULL, r, h, "/not/a/repo/path", T0, &c), CODECOMMIT_AUTH_INVALID_ARGUMENT);
    /* The header's codes, exactly: a bad host is INVALID_ARGUMENT, a bad repository name in
     * the path INVALID_REMOTE. */
    CHECK_ERROR(codecommit_auth_sign(a, k, NULL, r, "bad host/x", p, T0, &c), CODECOMMIT_AUTH_INVALID_ARGUMENT);
    CHECK_ERROR(codecommit_auth_sign(a, k, NULL, r, "ftp://host", p, T0, &c), CODECOMMIT_AUTH_INVALID_ARGUMENT);
    CHECK_ERROR(codecommit_auth_sign(a, k, NULL, r, h, "/v1/repos/bad name", T0, &c), CODECOMMIT_AUTH_INVALID_REMOTE);
    CHECK(c == NULL);
    test_sign_lengths();
    CHECK_ERROR(codecommit_auth_sign(a, k, NULL, r, h, p, -1, &c), CODECOMMIT_AUTH_INVALID_ARGUMENT);
    CHECK_ERROR(codecommit_auth_sign(a, k, NULL, r, h, p, 253402300800LL, &c), CODECOMMIT_AUTH_INVALID_ARGUMENT);
    CHECK(c == NULL);
    CHECK_STATUS(codecommit_auth_sign(a, k, NULL, r, h, p, 253402300799LL, &c), CODECOMMIT_AUTH_OK);
    codecommit_auth_credential_free(c);
    /* An empty session token means none. */
    CHECK_STATUS(codecommit_auth_sign(a, k, "", r, h, p, T0, &c), CODECOMMIT_AUTH_OK);
    check_credential(c, a, NULL, NULL, T0 + 900);
    codecommit_auth_credential_free(c);
}

static void test_options(void)
{
    codecommit_auth_options *o = SENTINEL;
    CHECK_ERROR(codecommit_auth_options_new(NULL), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_STATUS(codecommit_auth_options_new(&o), CODECOMMIT_AUTH_OK);
    CHECK(o != NULL && o != SENTINEL);
    CHECK_STR(codecommit_auth_last_error(), "");

    CHECK_ERROR(codecommit_auth_options_set_profile(NULL, "dev"), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_ERROR(codecommit_auth_options_set_profile(o, "d\xe9v"), CODECOMMIT_AUTH_INVALID_UTF8);
    CHECK_STATUS(codecommit_auth_options_set_profile(o, "dev"), CODECOMMIT_AUTH_OK);
    CHECK_STATUS(codecommit_auth_options_set_profile(o, NULL), CODECOMMIT_AUTH_OK);

    CHECK_ERROR(codecommit_auth_options_set_region(NULL, "us-east-1"), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_ERROR(codecommit_auth_options_set_region(o, "\xff"), CODECOMMIT_AUTH_INVALID_UTF8);
    CHECK_STATUS(codecommit_auth_options_set_region(o, "us-east-1"), CODECOMMIT_AUTH_OK);
    CHECK_STATUS(codecommit_auth_options_set_region(o, NULL), CODECOMMIT_AUTH_OK);

    CHECK_ERROR(codecommit_auth_options_set_endpoint(NULL, "localhost:1"), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_ERROR(codecommit_auth_options_set_endpoint(o, "\x80"), CODECOMMIT_AUTH_INVALID_UTF8);
    CHECK_STATUS(codecommit_auth_options_set_endpoint(o, "localhost:1"), CODECOMMIT_AUTH_OK);
    CHECK_STATUS(codecommit_auth_options_set_endpoint(o, NULL), CODECOMMIT_AUTH_OK);

    CHECK_ERROR(codecommit_auth_options_set_refresh_margin(NULL, 60), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_STATUS(codecommit_auth_options_set_refresh_margin(o, 60), CODECOMMIT_AUTH_OK);
    CHECK_ERROR(codecommit_auth_options_set_ignore_host_check(NULL, true), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_STATUS(codecommit_auth_options_set_ignore_host_check(o, false), CODECOMMIT_AUTH_OK);
    CHECK_ERROR(codecommit_auth_options_set_cache(NULL, false), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_STATUS(codecommit_auth_options_set_cache(o, false), CODECOMMIT_AUTH_OK);
    CHECK_ERROR(codecommit_auth_options_set_mfa_callback(NULL, NULL, NULL), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_STATUS(codecommit_auth_options_set_mfa_callback(o, NULL, NULL), CODECOMMIT_AUTH_OK);

    codecommit_auth_options_free(o);
    codecommit_auth_options_free(NULL);
}

static codecommit_auth_client *new_client(const char *profile, const char *region,
                                          const char *endpoint, bool ignore_host_check)
{
    codecommit_auth_options *o = NULL;
    codecommit_auth_client *client = NULL;
    CHECK_STATUS(codecommit_auth_options_new(&o), CODECOMMIT_AUTH_OK);
    CHECK_STATUS(codecommit_auth_options_set_profile(o, profile), CODECOMMIT_AUTH_OK);
    CHECK_STATUS(codecommit_auth_options_set_region(o, region), CODECOMMIT_AUTH_OK);
    CHECK_STATUS(codecommit_auth_options_set_endpoint(o, endpoint), CODECOMMIT_AUTH_OK);
    CHECK_STATUS(codecommit_auth_options_set_ignore_host_check(o, ignore_host_check), CODECOMMIT_AUTH_OK);
    CHECK_STATUS(codecommit_auth_options_set_cache(o, false), CODECOMMIT_AUTH_OK);
    CHECK_STATUS(codecommit_auth_client_new(o, &client), CODECOMMIT_AUTH_OK);
    codecommit_auth_options_free(o); /* the client keeps its own copy */
    return client;
}

/* The expected credential for explicit keys, from the pure signer. */
static codecommit_auth_credential *expected(const char *akid, const char *secret, const char *token,
                                            const char *region, const char *host,
                                            const char *repo_path, long long at)
{
    codecommit_auth_credential *c = NULL;
    CHECK_STATUS(codecommit_auth_sign(akid, secret, token, region, host, repo_path, at, &c),
                 CODECOMMIT_AUTH_OK);
    return c;
}

static void check_same(const codecommit_auth_credential *got, const codecommit_auth_credential *want)
{
    const char *u = NULL, *p = NULL, *url = NULL;
    int64_t when = 0;
    CHECK(codecommit_auth_credential_username(want, &u) == CODECOMMIT_AUTH_OK);
    CHECK(codecommit_auth_credential_password(want, &p) == CODECOMMIT_AUTH_OK);
    CHECK(codecommit_auth_credential_url(want, &url) == CODECOMMIT_AUTH_OK);
    CHECK(codecommit_auth_credential_expires_at(want, &when) == CODECOMMIT_AUTH_OK);
    check_credential(got, u, p, url, when);
}

static void test_client(void)
{
    codecommit_auth_client *client = SENTINEL, *dev, *custom, *anyhost;
    codecommit_auth_options *o = NULL;
    codecommit_auth_credential *c = SENTINEL, *want;
    char *url = SENTINEL;
    const char *s = NULL;
    int64_t when = 0;

    CHECK_ERROR(codecommit_auth_client_new(NULL, NULL), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_STATUS(codecommit_auth_client_new(NULL, &client), CODECOMMIT_AUTH_OK); /* defaults */
    CHECK(client != NULL && client != SENTINEL);

    /* Bad options are refused when the client is made. */
    CHECK_STATUS(codecommit_auth_options_new(&o), CODECOMMIT_AUTH_OK);
    CHECK_STATUS(codecommit_auth_options_set_region(o, "not a region"), CODECOMMIT_AUTH_OK);
    custom = SENTINEL;
    CHECK_ERROR(codecommit_auth_client_new(o, &custom), CODECOMMIT_AUTH_INVALID_REGION);
    CHECK(custom == NULL);
    CHECK_STATUS(codecommit_auth_options_set_region(o, NULL), CODECOMMIT_AUTH_OK);
    CHECK_STATUS(codecommit_auth_options_set_endpoint(o, "ftp://bad endpoint/x"), CODECOMMIT_AUTH_OK);
    CHECK_ERROR(codecommit_auth_client_new(o, &custom), CODECOMMIT_AUTH_INVALID_ARGUMENT);
    CHECK(custom == NULL);
    /* Absurd lengths: endpoint and profile INVALID_ARGUMENT, region INVALID_REGION. */
    CHECK_STATUS(codecommit_auth_options_set_endpoint(o, repeat('e', 100 * 1024)), CODECOMMIT_AUTH_OK);
    CHECK_ERROR(codecommit_auth_client_new(o, &custom), CODECOMMIT_AUTH_INVALID_ARGUMENT);
    CHECK(custom == NULL && strlen(codecommit_auth_last_error()) < 300);
    CHECK_STATUS(codecommit_auth_options_set_endpoint(o, NULL), CODECOMMIT_AUTH_OK);
    CHECK_STATUS(codecommit_auth_options_set_profile(o, repeat('p', 100 * 1024)), CODECOMMIT_AUTH_OK);
    CHECK_ERROR(codecommit_auth_client_new(o, &custom), CODECOMMIT_AUTH_INVALID_ARGUMENT);
    CHECK_STATUS(codecommit_auth_options_set_profile(o, NULL), CODECOMMIT_AUTH_OK);
    CHECK_STATUS(codecommit_auth_options_set_region(o, repeat('r', 100 * 1024)), CODECOMMIT_AUTH_OK);
    CHECK_ERROR(codecommit_auth_client_new(o, &custom), CODECOMMIT_AUTH_INVALID_REGION);
    CHECK_STATUS(codecommit_auth_options_set_region(o, NULL), CODECOMMIT_AUTH_OK);
    /* CODE_COMMIT_ENDPOINT is checked the same way as the option. */
    setenv("CODE_COMMIT_ENDPOINT", "not a host/", 1);
    CHECK_ERROR(codecommit_auth_client_new(o, &custom), CODECOMMIT_AUTH_INVALID_ARGUMENT);
    unsetenv("CODE_COMMIT_ENDPOINT");
    CHECK(custom == NULL);
    codecommit_auth_options_free(o);

    /* Credentials through the default profile, pinned time: same as the pure signer. */
    CHECK_STATUS(codecommit_auth_client_credential_at(client, "codecommit::us-east-1://MyDemoRepo", T0, &c),
                 CODECOMMIT_AUTH_OK);
    want = expected(DEFAULT_AKID, DEFAULT_SECRET, NULL, "us-east-1",
                    "git-codecommit.us-east-1.amazonaws.com", "/v1/repos/MyDemoRepo", T0);
    check_same(c, want);
    CHECK_STATUS(codecommit_auth_credential_profile(c, &s), CODECOMMIT_AUTH_OK);
    CHECK_STR(s, "default");
    CHECK_STATUS(codecommit_auth_credential_region(c, &s), CODECOMMIT_AUTH_OK);
    CHECK_STR(s, "us-east-1");
    codecommit_auth_credential_free(c);
    codecommit_auth_credential_free(want);

    /* A profile in the remote, with a session token; region from the profile. */
    CHECK_STATUS(codecommit_auth_client_credential_at(client, "codecommit://dev@repo", T0, &c),
                 CODECOMMIT_AUTH_OK);
    want = expected(DEV_AKID, DEV_SECRET, DEV_TOKEN, "eu-west-1",
                    "git-codecommit.eu-west-1.amazonaws.com", "/v1/repos/repo", T0);
    check_same(c, want);
    CHECK_STATUS(codecommit_auth_credential_username(c, &s), CODECOMMIT_AUTH_OK);
    CHECK_STR(s, DEV_AKID "%" DEV_TOKEN);
    CHECK_STATUS(codecommit_auth_credential_url(c, &s), CODECOMMIT_AUTH_OK);
    CHECK(strncmp(s, "https://" DEV_AKID "%25FwoGZXIvYXdzE%2Fdev%2Btoken%3D%3D:", 63) == 0);
    codecommit_auth_credential_free(c);
    codecommit_auth_credential_free(want);

    /* An HTTPS URL. */
    CHECK_STATUS(codecommit_auth_client_credential_at(
                     client, "https://git-codecommit.us-east-2.amazonaws.com/v1/repos/web", T0, &c),
                 CODECOMMIT_AUTH_OK);
    want = expected(DEFAULT_AKID, DEFAULT_SECRET, NULL, "us-east-2",
                    "git-codecommit.us-east-2.amazonaws.com", "/v1/repos/web", T0);
    check_same(c, want);
    codecommit_auth_credential_free(c);
    codecommit_auth_credential_free(want);

    /* Now: the expiry is 15 minutes ahead. */
    CHECK_STATUS(codecommit_auth_client_credential(client, "codecommit::us-east-1://repo", &c),
                 CODECOMMIT_AUTH_OK);
    CHECK_STATUS(codecommit_auth_credential_expires_at(c, &when), CODECOMMIT_AUTH_OK);
    /* time() may read the coarse clock, up to a second behind the library's. */
    CHECK(when > T0 && when - 900 <= (int64_t)time(NULL) + 1 && (int64_t)time(NULL) <= when);
    codecommit_auth_credential_free(c);

    /* Errors, each with its code and a message; out-parameters reset to NULL. */
    c = SENTINEL;
    CHECK_ERROR(codecommit_auth_client_credential(NULL, "codecommit://r", &c), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK(c == NULL);
    CHECK_ERROR(codecommit_auth_client_credential(client, NULL, &c), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK(strstr(codecommit_auth_last_error(), "remote") != NULL);
    CHECK_ERROR(codecommit_auth_client_credential(client, "codecommit://r", NULL), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_ERROR(codecommit_auth_client_credential(client, "codecommit://r\xff", &c), CODECOMMIT_AUTH_INVALID_UTF8);
    CHECK_ERROR(codecommit_auth_client_credential(client, "codecommit::us-west-2://bad/name", &c),
                CODECOMMIT_AUTH_INVALID_REMOTE);
    CHECK(strstr(codecommit_auth_last_error(), "Accepted forms") != NULL);
    CHECK_ERROR(codecommit_auth_client_credential(client, "", &c), CODECOMMIT_AUTH_INVALID_REMOTE);
    CHECK_ERROR(codecommit_auth_client_credential(client, "ssh://git@example.com/repo", &c),
                CODECOMMIT_AUTH_INVALID_REMOTE);
    CHECK_ERROR(codecommit_auth_client_credential(client, "https://example.com/v1/repos/x", &c),
                CODECOMMIT_AUTH_HOST_NOT_ALLOWED);
    /* The fix is worded for a library caller: the endpoint option. */
    CHECK(strstr(codecommit_auth_last_error(), "endpoint option") != NULL);
    CHECK_ERROR(codecommit_auth_client_credential(
                    client, "https://git-codecommit.us-east-1.amazonaws.com.evil.example/v1/repos/x", &c),
                CODECOMMIT_AUTH_HOST_NOT_ALLOWED);
    CHECK_ERROR(codecommit_auth_client_credential(client, "codecommit://nobody@repo", &c),
                CODECOMMIT_AUTH_UNKNOWN_PROFILE);
    CHECK(strstr(codecommit_auth_last_error(), "nobody") != NULL);
    CHECK_ERROR(codecommit_auth_client_credential(client, "codecommit::mars-1://repo", &c),
                CODECOMMIT_AUTH_INVALID_REMOTE);
    CHECK_ERROR(codecommit_auth_client_credential(client, "codecommit::us-east-1://needs-mfa@repo", &c),
                CODECOMMIT_AUTH_MFA_REQUIRED);
    CHECK(c == NULL);
    CHECK_ERROR(codecommit_auth_client_credential(client, "codecommit::us-east-1://nokeys@repo", &c),
                CODECOMMIT_AUTH_NO_CREDENTIALS);
    CHECK_ERROR(codecommit_auth_client_credential(client, "codecommit::us-east-1://nosource@repo", &c),
                CODECOMMIT_AUTH_INVALID_CONFIG);
    CHECK_ERROR(codecommit_auth_client_credential(client, "codecommit::us-east-1://failing@repo", &c),
                CODECOMMIT_AUTH_CREDENTIAL_SOURCE);
    CHECK_ERROR(codecommit_auth_client_credential(client, "codecommit::us-east-1://sso@repo", &c),
                CODECOMMIT_AUTH_LOGIN_REQUIRED);
    CHECK(c == NULL);
    CHECK_ERROR(codecommit_auth_client_credential_at(NULL, "codecommit://r", T0, &c), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_ERROR(codecommit_auth_client_credential_at(client, NULL, T0, &c), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_ERROR(codecommit_auth_client_credential_at(client, "codecommit://r", T0, NULL), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_ERROR(codecommit_auth_client_credential_at(client, "codecommit::us-east-1://r", -5, &c),
                CODECOMMIT_AUTH_INVALID_ARGUMENT);
    CHECK(c == NULL);

    /* A success clears the last error. */
    CHECK_STATUS(codecommit_auth_client_credential(client, "codecommit::us-east-1://repo", &c), CODECOMMIT_AUTH_OK);
    CHECK_STR(codecommit_auth_last_error(), "");
    codecommit_auth_credential_free(c);

    /* Signed URL. */
    CHECK_STATUS(codecommit_auth_client_signed_url(client, "codecommit::us-east-1://repo", &url), CODECOMMIT_AUTH_OK);
    CHECK(url != NULL && strncmp(url, "https://" DEFAULT_AKID ":", 29) == 0);
    CHECK(url != NULL && strstr(url, "Z@git-codecommit.us-east-1.amazonaws.com/v1/repos/repo") == NULL);
    CHECK(url != NULL && strstr(url, "@git-codecommit.us-east-1.amazonaws.com/v1/repos/repo") != NULL);
    codecommit_auth_string_free(url);
    url = SENTINEL;
    CHECK_ERROR(codecommit_auth_client_signed_url(NULL, "codecommit://r", &url), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK(url == NULL);
    CHECK_ERROR(codecommit_auth_client_signed_url(client, NULL, &url), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_ERROR(codecommit_auth_client_signed_url(client, "codecommit://r", NULL), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_ERROR(codecommit_auth_client_signed_url(client, "\xfe", &url), CODECOMMIT_AUTH_INVALID_UTF8);
    CHECK_ERROR(codecommit_auth_client_signed_url(client, "codecommit::us-east-1://a/b", &url),
                CODECOMMIT_AUTH_INVALID_REMOTE);
    CHECK(url == NULL);

    /* Repository URL: no credentials, no network. */
    CHECK_STATUS(codecommit_auth_client_repository_url(client, "codecommit::eu-west-1://repo", &url), CODECOMMIT_AUTH_OK);
    CHECK_STR(url, "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/repo");
    codecommit_auth_string_free(url);
    url = SENTINEL;
    CHECK_ERROR(codecommit_auth_client_repository_url(client, "nonsense", &url), CODECOMMIT_AUTH_INVALID_REMOTE);
    CHECK(url == NULL);
    /* codecommit_auth_client_plain_url: the deprecated alias, the same function. */
    CHECK_STATUS(codecommit_auth_client_plain_url(client, "codecommit::eu-west-1://repo", &url), CODECOMMIT_AUTH_OK);
    CHECK_STR(url, "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/repo");
    codecommit_auth_string_free(url);
    CHECK_STATUS(codecommit_auth_client_plain_url(client, "codecommit::cn-north-1://r", &url), CODECOMMIT_AUTH_OK);
    CHECK_STR(url, "https://git-codecommit.cn-north-1.amazonaws.com.cn/v1/repos/r");
    codecommit_auth_string_free(url);
    url = SENTINEL;
    CHECK_ERROR(codecommit_auth_client_plain_url(NULL, "codecommit://r", &url), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK(url == NULL);
    CHECK_ERROR(codecommit_auth_client_plain_url(client, NULL, &url), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_ERROR(codecommit_auth_client_plain_url(client, "codecommit://r", NULL), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_ERROR(codecommit_auth_client_plain_url(client, "codecommit://\xff", &url), CODECOMMIT_AUTH_INVALID_UTF8);
    CHECK_ERROR(codecommit_auth_client_plain_url(client, "nonsense", &url), CODECOMMIT_AUTH_INVALID_REMOTE);

    /* Options: profile and region defaults, endpoint override, host check off. */
    dev = new_client("dev", "ap-southeast-2", NULL, false);
    CHECK_STATUS(codecommit_auth_client_credential_at(dev, "codecommit://repo", T0, &c), CODECOMMIT_AUTH_OK);
    want = expected(DEV_AKID, DEV_SECRET, DEV_TOKEN, "ap-southeast-2",
                    "git-codecommit.ap-southeast-2.amazonaws.com", "/v1/repos/repo", T0);
    check_same(c, want);
    codecommit_auth_credential_free(c);
    codecommit_auth_credential_free(want);
    /* The remote's profile and region win over the options. */
    CHECK_STATUS(codecommit_auth_client_credential_at(dev, "codecommit::us-west-2://default@repo", T0, &c),
                 CODECOMMIT_AUTH_OK);
    want = expected(DEFAULT_AKID, DEFAULT_SECRET, NULL, "us-west-2",
                    "git-codecommit.us-west-2.amazonaws.com", "/v1/repos/repo", T0);
    check_same(c, want);
    codecommit_auth_credential_free(c);
    codecommit_auth_credential_free(want);
    codecommit_auth_client_free(dev);

    custom = new_client(NULL, NULL, "http://127.0.0.1:9", false);
    CHECK_STATUS(codecommit_auth_client_plain_url(custom, "codecommit::us-west-2://repo", &url), CODECOMMIT_AUTH_OK);
    CHECK_STR(url, "http://127.0.0.1:9/v1/repos/repo");
    codecommit_auth_string_free(url);
    CHECK_STATUS(codecommit_auth_client_credential_at(custom, "http://127.0.0.1:9/v1/repos/repo", T0, &c),
                 CODECOMMIT_AUTH_INVALID_REGION); /* no region anywhere for a URL on the override */
    codecommit_auth_client_free(custom);
    custom = new_client(NULL, "us-west-2", "http://127.0.0.1:9", false);
    CHECK_STATUS(codecommit_auth_client_credential_at(custom, "http://127.0.0.1:9/v1/repos/repo", T0, &c),
                 CODECOMMIT_AUTH_OK);
    want = expected(DEFAULT_AKID, DEFAULT_SECRET, NULL, "us-west-2", "http://127.0.0.1:9",
                    "/v1/repos/repo", T0);
    check_same(c, want);
    CHECK_STATUS(codecommit_auth_credential_host(c, &s), CODECOMMIT_AUTH_OK);
    CHECK_STR(s, "127.0.0.1:9");
    codecommit_auth_credential_free(c);
    codecommit_auth_credential_free(want);
    codecommit_auth_client_free(custom);

    CHECK_ERROR(codecommit_auth_client_credential(client, "https://git.example.com/v1/repos/x", &c),
                CODECOMMIT_AUTH_HOST_NOT_ALLOWED);
    anyhost = new_client(NULL, "us-east-1", NULL, true);
    CHECK_STATUS(codecommit_auth_client_credential_at(anyhost, "https://git.example.com/v1/repos/x", T0, &c),
                 CODECOMMIT_AUTH_OK);
    CHECK_STATUS(codecommit_auth_credential_host(c, &s), CODECOMMIT_AUTH_OK);
    CHECK_STR(s, "git.example.com");
    codecommit_auth_credential_free(c);
    codecommit_auth_client_free(anyhost);

    codecommit_auth_client_free(client);
    codecommit_auth_client_free(NULL);
}

static void test_credential_null_arguments(void)
{
    codecommit_auth_credential *c = expected("AKIAIOSFODNN7EXAMPLE", "s", NULL, "us-east-1",
                                             "git-codecommit.us-east-1.amazonaws.com", "/v1/repos/r", T0);
    const char *s = SENTINEL;
    int64_t when = 0;
    typedef codecommit_auth_status (*accessor)(const codecommit_auth_credential *, const char **);
    static const accessor accessors[] = {
        codecommit_auth_credential_username, codecommit_auth_credential_password,
        codecommit_auth_credential_url,      codecommit_auth_credential_access_key_id,
        codecommit_auth_credential_host,     codecommit_auth_credential_path,
        codecommit_auth_credential_region,   codecommit_auth_credential_profile,
    };
    size_t i;
    for (i = 0; i < sizeof accessors / sizeof accessors[0]; i++) {
        s = SENTINEL;
        CHECK_ERROR(accessors[i](NULL, &s), CODECOMMIT_AUTH_NULL_ARGUMENT);
        CHECK(s == NULL);
        CHECK_ERROR(accessors[i](c, NULL), CODECOMMIT_AUTH_NULL_ARGUMENT);
    }
    CHECK_ERROR(codecommit_auth_credential_expires_at(NULL, &when), CODECOMMIT_AUTH_NULL_ARGUMENT);
    CHECK_ERROR(codecommit_auth_credential_expires_at(c, NULL), CODECOMMIT_AUTH_NULL_ARGUMENT);
    codecommit_auth_credential_free(c);
    codecommit_auth_credential_free(NULL);
    codecommit_auth_string_free(NULL);
}

static int mfa_calls;

static int decline_mfa(void *user_data, const char *profile, const char *serial,
                       const char *role_arn, char *code, size_t code_size)
{
    (void)user_data; (void)profile; (void)serial; (void)role_arn; (void)code; (void)code_size;
    mfa_calls++;
    return 1;
}

static void test_mfa_callback_declined(void)
{
    codecommit_auth_options *o = NULL;
    codecommit_auth_client *client = NULL;
    codecommit_auth_credential *c = SENTINEL;
    CHECK_STATUS(codecommit_auth_options_new(&o), CODECOMMIT_AUTH_OK);
    CHECK_STATUS(codecommit_auth_options_set_mfa_callback(o, decline_mfa, &mfa_calls), CODECOMMIT_AUTH_OK);
    CHECK_STATUS(codecommit_auth_options_set_cache(o, false), CODECOMMIT_AUTH_OK);
    CHECK_STATUS(codecommit_auth_client_new(o, &client), CODECOMMIT_AUTH_OK);
    codecommit_auth_options_free(o);
    /* The callback is asked; declining fails the request with MFA_REQUIRED. */
    CHECK_ERROR(codecommit_auth_client_credential(client, "codecommit::us-east-1://needs-mfa@repo", &c),
                CODECOMMIT_AUTH_MFA_REQUIRED);
    CHECK(c == NULL);
    printf("mfa callback calls: %d\n", mfa_calls);
    codecommit_auth_client_free(client);
}

/* ---- 8 threads x N calls on one client ------------------------------------------------ */

typedef struct {
    codecommit_auth_client *client;
    int index;
    int calls;
    const char *want_password; /* for the pinned-time calls */
    int errors;
} worker;

static void *work(void *arg)
{
    worker *w = (worker *)arg;
    int i;
    for (i = 0; i < w->calls; i++) {
        codecommit_auth_credential *c = NULL;
        const char *user = NULL, *pass = NULL;
        codecommit_auth_status st;
        switch (i % 4) {
        case 0: /* pinned time: an exact, known answer */
            st = codecommit_auth_client_credential_at(w->client, "codecommit://dev@MyDemoRepo", T0, &c);
            if (st != CODECOMMIT_AUTH_OK ||
                codecommit_auth_credential_password(c, &pass) != CODECOMMIT_AUTH_OK ||
                strcmp(pass, w->want_password) != 0)
                w->errors++;
            break;
        case 1: /* now */
            st = codecommit_auth_client_credential(w->client, "codecommit::us-east-1://repo", &c);
            if (st != CODECOMMIT_AUTH_OK ||
                codecommit_auth_credential_username(c, &user) != CODECOMMIT_AUTH_OK ||
                strcmp(user, DEFAULT_AKID) != 0 ||
                codecommit_auth_credential_password(c, &pass) != CODECOMMIT_AUTH_OK ||
                strlen(pass) != 16 + 64)
                w->errors++;
            break;
        case 2: /* a failure: its message is this thread's own */
            st = codecommit_auth_client_credential(w->client, "codecommit::us-east-1://bad/name", &c);
            if (st != CODECOMMIT_AUTH_INVALID_REMOTE || c != NULL ||
                strstr(codecommit_auth_last_error(), "bad/name") == NULL)
                w->errors++;
            break;
        default: {
            char *url = NULL;
            st = codecommit_auth_client_signed_url(w->client, "codecommit://dev@repo", &url);
            if (st != CODECOMMIT_AUTH_OK || strncmp(url, "https://" DEV_AKID "%25", 31) != 0 ||
                codecommit_auth_last_error()[0] != '\0')
                w->errors++;
            codecommit_auth_string_free(url);
            break;
        }
        }
        codecommit_auth_credential_free(c);
    }
    return NULL;
}

static void test_threads(int calls)
{
    pthread_t threads[THREADS];
    worker workers[THREADS];
    codecommit_auth_client *client = NULL;
    codecommit_auth_credential *want;
    const char *want_password = NULL;
    int i, errors = 0, started = 0;

    CHECK_STATUS(codecommit_auth_client_new(NULL, &client), CODECOMMIT_AUTH_OK);
    want = expected(DEV_AKID, DEV_SECRET, DEV_TOKEN, "eu-west-1",
                    "git-codecommit.eu-west-1.amazonaws.com", "/v1/repos/MyDemoRepo", T0);
    CHECK_STATUS(codecommit_auth_credential_password(want, &want_password), CODECOMMIT_AUTH_OK);
    for (i = 0; i < THREADS; i++) {
        workers[i].client = client;
        workers[i].index = i;
        workers[i].calls = calls;
        workers[i].want_password = want_password;
        workers[i].errors = 0;
        if (pthread_create(&threads[i], NULL, work, &workers[i]) == 0) {
            started++;
        } else {
            fail(__FILE__, __LINE__, "pthread_create: %s", strerror(errno));
        }
    }
    for (i = 0; i < started; i++) {
        pthread_join(threads[i], NULL);
        errors += workers[i].errors;
    }
    checks++;
    if (errors != 0) fail(__FILE__, __LINE__, "%d of %d threaded calls went wrong", errors, THREADS * calls);
    printf("threads: %d x %d calls on one client, %d wrong\n", THREADS, calls, errors);
    codecommit_auth_credential_free(want);
    codecommit_auth_client_free(client);
}

/* ---- single flight: N threads, one client, one credential_process run -------------------- */

#define FLIGHT_THREADS 50

typedef struct {
    codecommit_auth_client *client;
    pthread_barrier_t *start;
    codecommit_auth_status status;
    char akid[32];
} flight_worker;

static void *fly(void *arg)
{
    flight_worker *w = (flight_worker *)arg;
    codecommit_auth_credential *c = NULL;
    const char *akid = NULL;
    pthread_barrier_wait(w->start);
    w->status = codecommit_auth_client_credential(w->client, "codecommit://counted@repo", &c);
    if (w->status == CODECOMMIT_AUTH_OK &&
        codecommit_auth_credential_access_key_id(c, &akid) == CODECOMMIT_AUTH_OK)
        snprintf(w->akid, sizeof w->akid, "%s", akid);
    codecommit_auth_credential_free(c);
    return NULL;
}

static int count_runs(void)
{
    char path[256], line[64];
    int runs = 0;
    FILE *f;
    snprintf(path, sizeof path, "%s/runs", tmpdir);
    f = fopen(path, "r");
    if (f == NULL) return 0;
    while (fgets(line, sizeof line, f) != NULL) runs++;
    fclose(f);
    return runs;
}

static void test_single_flight(void)
{
    pthread_t threads[FLIGHT_THREADS];
    flight_worker workers[FLIGHT_THREADS];
    pthread_barrier_t start;
    codecommit_auth_client *client = new_client(NULL, NULL, NULL, false);
    int i, started = 0, ok = 0;

    pthread_barrier_init(&start, NULL, FLIGHT_THREADS);
    for (i = 0; i < FLIGHT_THREADS; i++) {
        workers[i].client = client;
        workers[i].start = &start;
        workers[i].status = CODECOMMIT_AUTH_INTERNAL;
        workers[i].akid[0] = '\0';
        if (pthread_create(&threads[i], NULL, fly, &workers[i]) != 0) {
            fail(__FILE__, __LINE__, "pthread_create: %s", strerror(errno));
            exit(2); /* the barrier would never open */
        }
        started++;
    }
    for (i = 0; i < started; i++) {
        pthread_join(threads[i], NULL);
        if (workers[i].status == CODECOMMIT_AUTH_OK && strcmp(workers[i].akid, "AKIACOUNTEDCOUNTED01") == 0)
            ok++;
    }
    pthread_barrier_destroy(&start);
    CHECK(ok == FLIGHT_THREADS);
    /* Concurrent requests share one resolution; later ones read what it left. */
    CHECK(count_runs() == 1);
    printf("single flight: %d concurrent requests, %d credential_process run(s)\n", FLIGHT_THREADS,
           count_runs());
    codecommit_auth_client_free(client);
}

int main(int argc, char **argv)
{
    int calls = argc > 1 ? atoi(argv[1]) : 1000;
    if (argc > 1 && strcmp(argv[1], "--leak-on-purpose") == 0) {
        /* Proves the valgrind run can fail: one credential is never freed. */
        return expected("AKIAIOSFODNN7EXAMPLE", "s", NULL, "us-east-1",
                        "git-codecommit.us-east-1.amazonaws.com", "/v1/repos/r", T0) == NULL;
    }
    setup_environment();
    test_version_and_names();
    test_sign_vectors();
    test_sign_errors();
    test_options();
    test_client();
    test_credential_null_arguments();
    test_mfa_callback_declined();
    test_threads(calls);
    test_single_flight();
    cleanup_environment();
    printf("%d passed, %d failed\n", checks - failures, failures);
    return failures == 0 ? 0 : 1;
}
