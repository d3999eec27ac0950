/* Feeds remotes to codecommit_auth_client_credential() for tests/test_hostile.py.
 *
 * stdin: one remote per line, hex-encoded (so any bytes but NUL can be sent, invalid UTF-8
 * included). stdout: one line per remote, "STATUS HOST MESSAGE", where HOST is the
 * credential's host ("-" on failure) and MESSAGE is codecommit_auth_last_error() with any
 * line feed shown as <NL>.
 * Exits 0 unless the driver itself fails. Credentials come from the environment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codecommit_auth.h"

static int hex_value(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

int main(void) {
    static char line[1 << 20];
    static char remote[1 << 19];
    codecommit_auth_client *client = NULL;
    if (codecommit_auth_client_new(NULL, &client) != CODECOMMIT_AUTH_OK) {
        fprintf(stderr, "client_new: %s\n", codecommit_auth_last_error());
        return 1;
    }
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strcspn(line, "\n");
        size_t len = 0;
        for (size_t i = 0; i + 1 < n && len + 1 < sizeof remote; i += 2) {
            int hi = hex_value(line[i]), lo = hex_value(line[i + 1]);
            if (hi < 0 || lo < 0) break;
            remote[len++] = (char)(hi * 16 + lo);
        }
        remote[len] = '\0';
        codecommit_auth_credential *credential = NULL;
        int status = codecommit_auth_client_credential(client, remote, &credential);
        const char *host = "-";
        if (status == CODECOMMIT_AUTH_OK && codecommit_auth_credential_host(credential, &host) != CODECOMMIT_AUTH_OK) {
            host = "?";
        }
        const char *message = status == CODECOMMIT_AUTH_OK ? "ok" : codecommit_auth_last_error();
        printf("%d %s ", status, host);
        for (const char *p = message; *p; p++) {
            if (*p == '\n') fputs("<NL>", stdout); else putchar(*p);
        }
        putchar('\n');
        codecommit_auth_credential_free(credential);
    }
    codecommit_auth_client_free(client);
    return 0;
}
