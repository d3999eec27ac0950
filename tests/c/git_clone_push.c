/*
 * A libgit2 application authenticating to CodeCommit through libcodecommit_auth: it clones a
 * repository with the adapter callback of codecommit_auth_libgit2.h, commits a file, pushes
 * it, then clones again and checks that the pushed commit is there.
 *
 * Usage: git_clone_push [--profile P] [--mfa-code CODE] REMOTE WORKDIR
 *   REMOTE   a codecommit:// remote or a CodeCommit HTTPS URL; set CODE_COMMIT_ENDPOINT (or
 *            use --endpoint) to reach a local endpoint.
 *   WORKDIR  an empty or missing directory; the clones go to WORKDIR/first and WORKDIR/second.
 * Prints one line per step ("url ...", "cloned ...", "pushed ...", "verified") on stdout.
 * Exit status: 0 done, 1 a git step failed, 2 bad usage or a library error.
 */
#define _POSIX_C_SOURCE 200809L

#include <git2.h>

#include <codecommit_auth.h>
#include <codecommit_auth_libgit2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *mfa_code;
static int mfa_calls;

static int give_mfa_code(void *user_data, const char *profile, const char *serial,
                         const char *role_arn, char *code, size_t code_size)
{
    (void)user_data;
    (void)role_arn;
    mfa_calls++;
    fprintf(stderr, "mfa code asked for %s (profile %s)\n", serial, profile);
    if (mfa_code == NULL || strlen(mfa_code) + 1 > code_size) {
        return 1;
    }
    memcpy(code, mfa_code, strlen(mfa_code) + 1);
    return 0;
}

static int git_failed(int rc, const char *what)
{
    const git_error *e;
    if (rc >= 0) {
        return 0;
    }
    e = git_error_last();
    fprintf(stderr, "%s failed (%d): %s\n", what, rc, e && e->message ? e->message : "no message");
    return 1;
}

static int push_rejected;

static int on_push_update(const char *refname, const char *status, void *data)
{
    (void)data;
    if (status != NULL) {
        fprintf(stderr, "push of %s rejected: %s\n", refname, status);
        push_rejected = 1;
    }
    return 0;
}

static int write_text(const char *dir, const char *name, const char *text)
{
    char path[8192];
    FILE *f;
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        return 1;
    }
    f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    fputs(text, f);
    return fclose(f) != 0;
}

static int library_failed(codecommit_auth_status status, const char *what)
{
    if (status == CODECOMMIT_AUTH_OK) {
        return 0;
    }
    fprintf(stderr, "%s failed: %s: %s\n", what, codecommit_auth_status_name(status),
            codecommit_auth_last_error());
    return 1;
}

int main(int argc, char **argv)
{
    const char *profile = NULL, *endpoint = NULL, *remote_arg, *workdir;
    char first[4096], second[4096], oid_text[GIT_OID_HEXSZ + 1];
    codecommit_auth_options *options = NULL;
    codecommit_auth_client *client = NULL;
    codecommit_auth_git_payload clone_auth, push_auth, verify_auth;
    char *url = NULL;
    git_repository *repo = NULL, *copy = NULL;
    git_index *index = NULL;
    git_tree *tree = NULL;
    git_signature *me = NULL;
    git_remote *origin = NULL, *copy_origin = NULL;
    git_fetch_options fetch_opts;
    int fetches = 0;
    git_oid tree_id, commit_id, fetched_id;
    git_clone_options clone_opts;
    git_push_options push_opts;
    char *refspec = "refs/heads/main:refs/heads/main";
    git_strarray refspecs;
    int argi = 1, status = 1;

    while (argi + 1 < argc && strncmp(argv[argi], "--", 2) == 0) {
        if (strcmp(argv[argi], "--profile") == 0) {
            profile = argv[argi + 1];
        } else if (strcmp(argv[argi], "--mfa-code") == 0) {
            mfa_code = argv[argi + 1];
        } else if (strcmp(argv[argi], "--endpoint") == 0) {
            endpoint = argv[argi + 1];
        } else {
            break;
        }
        argi += 2;
    }
    if (argc - argi != 2) {
        fprintf(stderr, "usage: %s [--profile P] [--mfa-code CODE] [--endpoint E] REMOTE WORKDIR\n", argv[0]);
        return 2;
    }
    remote_arg = argv[argi];
    workdir = argv[argi + 1];
    if (strlen(workdir) > 4000) {
        fprintf(stderr, "WORKDIR is too long\n");
        return 2;
    }
    snprintf(first, sizeof first, "%s/first", workdir);
    snprintf(second, sizeof second, "%s/second", workdir);

    git_libgit2_init();
    /* The *_init() functions rather than the INIT macros, which -Wextra flags in libgit2 1.5. */
    git_clone_options_init(&clone_opts, GIT_CLONE_OPTIONS_VERSION);
    git_push_options_init(&push_opts, GIT_PUSH_OPTIONS_VERSION);
    git_fetch_options_init(&fetch_opts, GIT_FETCH_OPTIONS_VERSION);
    if (library_failed(codecommit_auth_options_new(&options), "options") ||
        library_failed(codecommit_auth_options_set_profile(options, profile), "profile") ||
        library_failed(codecommit_auth_options_set_endpoint(options, endpoint), "endpoint") ||
        library_failed(codecommit_auth_options_set_mfa_callback(options, give_mfa_code, NULL), "mfa") ||
        library_failed(codecommit_auth_client_new(options, &client), "client") ||
        library_failed(codecommit_auth_client_plain_url(client, remote_arg, &url), "plain url")) {
        status = 2;
        goto done;
    }
    printf("url %s\n", url);

    /* Clone (an empty repository is fine). */
    codecommit_auth_git_payload_init(&clone_auth, client, remote_arg);
    clone_opts.fetch_opts.callbacks.credentials = codecommit_auth_git_credential_cb;
    clone_opts.fetch_opts.callbacks.payload = &clone_auth;
    if (git_failed(git_clone(&repo, url, first, &clone_opts), "clone")) goto done;
    printf("cloned attempts=%u\n", clone_auth.attempts);

    /* Commit a file on main. */
    if (write_text(first, "hello.txt", "hello from libgit2 via libcodecommit_auth\n")) goto done;
    if (git_failed(git_repository_index(&index, repo), "index") ||
        git_failed(git_index_add_bypath(index, "hello.txt"), "add") ||
        git_failed(git_index_write(index), "write index") ||
        git_failed(git_index_write_tree(&tree_id, index), "write tree") ||
        git_failed(git_tree_lookup(&tree, repo, &tree_id), "tree") ||
        git_failed(git_signature_new(&me, "C Test", "c-test@example.invalid", 1700000000, 0), "signature") ||
        git_failed(git_commit_create_v(&commit_id, repo, "refs/heads/main", me, me, NULL,
                                       "add hello.txt from libgit2\n", tree, 0), "commit"))
        goto done;
    git_oid_tostr(oid_text, sizeof oid_text, &commit_id);

    /* Push it. */
    codecommit_auth_git_payload_init(&push_auth, client, remote_arg);
    push_opts.callbacks.credentials = codecommit_auth_git_credential_cb;
    push_opts.callbacks.payload = &push_auth;
    push_opts.callbacks.push_update_reference = on_push_update;
    refspecs.strings = &refspec;
    refspecs.count = 1;
    if (git_failed(git_remote_lookup(&origin, repo, "origin"), "remote") ||
        git_failed(git_remote_push(origin, &refspecs, &push_opts), "push"))
        goto done;
    if (push_rejected) goto done;
    printf("pushed %s attempts=%u\n", oid_text, push_auth.attempts);

    /* Clone again: the pushed commit must be on origin/main. This payload then serves three
     * fetches too (the reuse rule of codecommit_auth_libgit2.h): its attempt count starts
     * again with each operation, so the third fetch is not taken for a third refusal. */
    codecommit_auth_git_payload_init(&verify_auth, client, remote_arg);
    codecommit_auth_git_callbacks_init(&clone_opts.fetch_opts.callbacks, &verify_auth);
    if (git_failed(git_clone(&copy, url, second, &clone_opts), "second clone") ||
        git_failed(git_reference_name_to_id(&fetched_id, copy, "refs/remotes/origin/main"), "origin/main"))
        goto done;
    if (!git_oid_equal(&fetched_id, &commit_id)) {
        fprintf(stderr, "the second clone has a different origin/main\n");
        goto done;
    }
    codecommit_auth_git_callbacks_init(&fetch_opts.callbacks, &verify_auth);
    if (git_failed(git_remote_lookup(&copy_origin, copy, "origin"), "second remote")) goto done;
    for (fetches = 0; fetches < 3; fetches++) {
        if (git_failed(git_remote_fetch(copy_origin, NULL, &fetch_opts, NULL), "fetch")) goto done;
    }
    printf("reused operations=%d attempts=%u\n", 1 + fetches, verify_auth.attempts);
    printf("verified mfa_calls=%d\n", mfa_calls);
    status = 0;

done:
    git_remote_free(copy_origin);
    git_remote_free(origin);
    git_signature_free(me);
    git_tree_free(tree);
    git_index_free(index);
    git_repository_free(copy);
    git_repository_free(repo);
    git_libgit2_shutdown();
    codecommit_auth_string_free(url);
    codecommit_auth_client_free(client);
    codecommit_auth_options_free(options);
    return status;
}
