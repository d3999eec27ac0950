/* Test-only: signs one vector through codecommit_auth.dll, linked by its
 * import library (libcodecommit_auth.dll.a), and prints the username,
 * password and URL, one a line. Built with mingw and run under wine by
 * tests/test_windows.py; the values come from tests/vectors.json (public).
 *
 *   sign_vector.exe AKID SECRET TOKEN|"" REGION HOST PATH UNIX_SECONDS
 * Exit status: 0, 2 for bad usage, else the library's status code.
 */
#include <stdio.h>
#include <stdlib.h>

#include "codecommit_auth.h"

int main(int argc, char **argv)
{
    if (argc != 8) {
        fprintf(stderr, "usage: sign_vector AKID SECRET TOKEN REGION HOST PATH UNIX_SECONDS\n");
        return 2;
    }
    codecommit_auth_credential *credential = NULL;
    const char *token = argv[3][0] ? argv[3] : NULL;
    codecommit_auth_status status = codecommit_auth_sign(
        argv[1], argv[2], token, argv[4], argv[5], argv[6], strtoll(argv[7], NULL, 10), &credential);
    if (status != CODECOMMIT_AUTH_OK) {
        fprintf(stderr, "sign_vector: %s: %s\n", codecommit_auth_status_name(status),
                codecommit_auth_last_error());
        return (int)status;
    }
    const char *username = NULL, *password = NULL, *url = NULL;
    codecommit_auth_credential_username(credential, &username);
    codecommit_auth_credential_password(credential, &password);
    codecommit_auth_credential_url(credential, &url);
    printf("%s\n%s\n%s\n", username, password, url);
    codecommit_auth_credential_free(credential);
    return 0;
}
