/*
 * codecommit_auth_libgit2.h: a ready libgit2 credential callback backed by libcodecommit_auth.
 *
 * Header-only. Include it after <git2.h> and <codecommit_auth.h> is found on the include
 * path (pkg-config --cflags codecommit_auth libgit2). Requires libgit2 >= 1.0 (>= 1.4 for
 * the remote_ready callback that restarts the attempt count per operation).
 *
 *     codecommit_auth_client *client = NULL;
 *     codecommit_auth_client_new(NULL, &client);             // CODE_COMMIT_ENDPOINT etc.
 *     char *url = NULL;                                       // codecommit:// -> https://
 *     codecommit_auth_client_plain_url(client, "codecommit::us-east-1://my-repo", &url);
 *
 *     codecommit_auth_git_payload payload;                    // sign for the remote itself
 *     codecommit_auth_git_payload_init(&payload, client, "codecommit::us-east-1://my-repo");
 *     git_clone_options opts = GIT_CLONE_OPTIONS_INIT;
 *     codecommit_auth_git_callbacks_init(&opts.fetch_opts.callbacks, &payload);
 *     git_clone(&repo, url, "my-repo", &opts);
 *     // ... later fetches and pushes may reuse the same payload:
 *     git_fetch_options fetch = GIT_FETCH_OPTIONS_INIT;
 *     codecommit_auth_git_callbacks_init(&fetch.callbacks, &payload);
 *     git_remote_fetch(origin, NULL, &fetch, NULL);
 *     codecommit_auth_string_free(url);
 *
 * The callback signs for the payload's remote when it has one (so the profile and region of
 * a codecommit:// remote carry over), else for the URL libgit2 passes (an HTTPS CodeCommit
 * URL, or one on the client's endpoint override), and hands libgit2 a
 * git_credential_userpass_plaintext. libgit2 asks again after the server rejects a
 * credential; after `max_attempts` CONSECUTIVE refusals (default 3) the callback fails, so a
 * wrong secret cannot loop forever.
 *
 * Reuse rule: the count is per libgit2 operation (clone, fetch, push, ls-remote). libgit2
 * does not tell a credential callback whether the server accepted a credential, so the
 * count starts again when an operation starts, which libgit2 reports through its
 * `remote_ready` callback: codecommit_auth_git_callbacks_init() installs both callbacks, and
 * one payload may then serve any number of operations in a row (not at the same time). If
 * you set `callbacks.credentials` yourself instead, either use one payload per operation or
 * set `attempts` to 0 (codecommit_auth_git_payload_reset()) before each operation, or also
 * set `callbacks.remote_ready = codecommit_auth_git_remote_ready_cb`; otherwise the
 * `max_attempts`-th operation on one payload fails as if the server had refused it.
 *
 * Thread safety: a payload belongs to one libgit2 operation at a time; the client may be
 * shared by many payloads and threads.
 */
#ifndef CODECOMMIT_AUTH_LIBGIT2_H
#define CODECOMMIT_AUTH_LIBGIT2_H

#include "codecommit_auth.h"

#if !defined(INCLUDE_git_git_h__) && !defined(INCLUDE_git_credential_h__)
#error "include <git2.h> before codecommit_auth_libgit2.h"
#endif

/* libgit2 >= 1.4 has the remote_ready callback (called when an operation connects). */
#if defined(LIBGIT2_VER_MAJOR) && \
    (LIBGIT2_VER_MAJOR > 1 || (LIBGIT2_VER_MAJOR == 1 && LIBGIT2_VER_MINOR >= 4))
#define CODECOMMIT_AUTH_GIT_HAS_REMOTE_READY 1
#endif

/* libgit2 >= 1.8 declares git_error_set_str() in a sys header. */
#if defined(LIBGIT2_VER_MAJOR) && \
    (LIBGIT2_VER_MAJOR > 1 || (LIBGIT2_VER_MAJOR == 1 && LIBGIT2_VER_MINOR >= 8))
#include <git2/sys/errors.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Default number of credential attempts per payload. */
#define CODECOMMIT_AUTH_GIT_DEFAULT_MAX_ATTEMPTS 3u

/** State for codecommit_auth_git_credential_cb(), passed as libgit2's callback payload. */
typedef struct codecommit_auth_git_payload {
    /** The client that signs (not owned; must outlive the libgit2 operation). */
    codecommit_auth_client *client;
    /** Sign for this remote (codecommit:// or HTTPS; not copied, must outlive the operation)
     *  instead of the URL libgit2 passes. NULL: libgit2's URL. */
    const char *remote;
    /** Calls allowed for this payload before the callback gives up (0: the default, 3). */
    unsigned int max_attempts;
    /** Credentials given in the current operation: each call after the first means the
     *  server refused the previous one. Set to 0 when an operation starts (see the reuse rule
     *  above). */
    unsigned int attempts;
    /** Status of the last signing attempt (CODECOMMIT_AUTH_OK when it worked). */
    codecommit_auth_status last_status;
} codecommit_auth_git_payload;

/** Initialises `payload` for `client` and `remote` (NULL: sign for libgit2's URL), with the
 *  default attempt limit (3). */
static inline void codecommit_auth_git_payload_init(codecommit_auth_git_payload *payload,
                                                    codecommit_auth_client *client,
                                                    const char *remote)
{
    if (payload == NULL) {
        return;
    }
    payload->client = client;
    payload->remote = remote;
    payload->max_attempts = CODECOMMIT_AUTH_GIT_DEFAULT_MAX_ATTEMPTS;
    payload->attempts = 0;
    payload->last_status = CODECOMMIT_AUTH_OK;
}

/** Starts the attempt count again, as at the start of a new libgit2 operation. */
static inline void codecommit_auth_git_payload_reset(codecommit_auth_git_payload *payload)
{
    if (payload != NULL) {
        payload->attempts = 0;
        payload->last_status = CODECOMMIT_AUTH_OK;
    }
}

#ifdef CODECOMMIT_AUTH_GIT_HAS_REMOTE_READY
/**
 * A git_remote_ready_cb (libgit2 calls it when an operation is about to connect): starts the
 * payload's attempt count again, so refusals are counted per operation. Returns 0.
 */
static inline int codecommit_auth_git_remote_ready_cb(git_remote *remote, int direction,
                                                      void *payload)
{
    (void)remote;
    (void)direction;
    codecommit_auth_git_payload_reset((codecommit_auth_git_payload *)payload);
    return 0;
}
#endif

/**
 * Sets `callbacks->credentials`, `callbacks->remote_ready` and `callbacks->payload` for
 * `payload`, leaving every other callback as it is. Use it for each clone, fetch or push
 * options (`opts.fetch_opts.callbacks`, `fetch_opts.callbacks`, `push_opts.callbacks`).
 * With libgit2 < 1.4 (no remote_ready) call codecommit_auth_git_payload_reset() yourself
 * before each operation that reuses the payload.
 */
static inline int codecommit_auth_git_credential_cb(git_credential **out, const char *url,
                                                    const char *username_from_url,
                                                    unsigned int allowed_types, void *payload);

static inline void codecommit_auth_git_callbacks_init(git_remote_callbacks *callbacks,
                                                      codecommit_auth_git_payload *payload)
{
    if (callbacks == NULL) {
        return;
    }
    callbacks->credentials = codecommit_auth_git_credential_cb;
#ifdef CODECOMMIT_AUTH_GIT_HAS_REMOTE_READY
    callbacks->remote_ready = codecommit_auth_git_remote_ready_cb;
#endif
    callbacks->payload = payload;
}

/**
 * A git_credential_acquire_cb: set it as `callbacks.credentials` with a
 * codecommit_auth_git_payload as `callbacks.payload`. Returns 0 with `*out` set to a
 * username/password credential (libgit2 owns and frees it); GIT_PASSTHROUGH when libgit2 does
 * not accept username/password credentials here; -1 with a libgit2 error message when
 * signing fails or `max_attempts` is used up. The signed password is wiped from this
 * library's memory as soon as libgit2 has copied it.
 */
static inline int codecommit_auth_git_credential_cb(git_credential **out, const char *url,
                                                    const char *username_from_url,
                                                    unsigned int allowed_types, void *payload)
{
    codecommit_auth_git_payload *state = (codecommit_auth_git_payload *)payload;
    codecommit_auth_credential *credential = NULL;
    const char *username = NULL;
    const char *password = NULL;
    unsigned int max_attempts;
    codecommit_auth_status status;
    int rc;

    (void)username_from_url;
    if (out == NULL || state == NULL || state->client == NULL) {
        git_error_set_str(GIT_ERROR_CALLBACK,
                          "codecommit-auth: the credential callback needs a "
                          "codecommit_auth_git_payload with a client as its payload");
        return -1;
    }
    *out = NULL;
    if ((allowed_types & GIT_CREDENTIAL_USERPASS_PLAINTEXT) == 0) {
        return GIT_PASSTHROUGH;
    }
    max_attempts = state->max_attempts ? state->max_attempts : CODECOMMIT_AUTH_GIT_DEFAULT_MAX_ATTEMPTS;
    if (state->attempts >= max_attempts) {
        git_error_set_str(GIT_ERROR_HTTP,
                          "codecommit-auth: the server rejected every signed credential "
                          "(attempt limit reached); check the AWS credentials, region and "
                          "the endpoint's clock");
        return -1;
    }
    state->attempts++;

    status = codecommit_auth_client_credential(state->client,
                                               state->remote ? state->remote : url, &credential);
    state->last_status = status;
    if (status != CODECOMMIT_AUTH_OK) {
        git_error_set_str(GIT_ERROR_CALLBACK, codecommit_auth_last_error());
        return -1;
    }
    if (codecommit_auth_credential_username(credential, &username) != CODECOMMIT_AUTH_OK ||
        codecommit_auth_credential_password(credential, &password) != CODECOMMIT_AUTH_OK) {
        git_error_set_str(GIT_ERROR_CALLBACK, codecommit_auth_last_error());
        codecommit_auth_credential_free(credential);
        return -1;
    }
    rc = git_credential_userpass_plaintext_new(out, username, password);
    codecommit_auth_credential_free(credential);
    return rc;
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CODECOMMIT_AUTH_LIBGIT2_H */
