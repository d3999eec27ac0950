/* Compiled as C99 and as C++ with -Wall -Wextra -Werror -pedantic by tests/c/Makefile: both
 * public headers must be clean in either language. */
#include <git2.h>

#include <codecommit_auth.h>
#include <codecommit_auth_libgit2.h>

int header_check(void);

int header_check(void)
{
    codecommit_auth_git_payload payload;
    git_credential_acquire_cb cb = codecommit_auth_git_credential_cb;
    codecommit_auth_mfa_callback mfa = 0;
    codecommit_auth_git_payload_init(&payload, 0, "codecommit://r");
    (void)mfa;
    return (cb != 0) + (int)payload.max_attempts + (int)CODECOMMIT_AUTH_INVALID_UTF8 +
           (codecommit_auth_version() != 0);
}
