/*
 * paths.c: XDG base directory lookup; see paths.h.
 */
#include "base/paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static enum sym_status xdg_path(char *out, size_t size, const char *env, const char *fallback,
                                const char *name)
{
    const char *base = getenv(env), *home = getenv("HOME");
    int n;

    if (base && base[0] == '/')
        n = snprintf(out, size, "%s/symbiot/%s", base, name);
    else if (home && home[0])
        n = snprintf(out, size, "%s/%s/symbiot/%s", home, fallback, name);
    else
        return SYM_ERR_NOT_FOUND;
    return n < 0 || (size_t)n >= size ? SYM_ERR_TOO_LONG : SYM_OK;
}

enum sym_status sym_path_config(char *out, size_t size, const char *name)
{
    return xdg_path(out, size, "XDG_CONFIG_HOME", ".config", name);
}

enum sym_status sym_path_data(char *out, size_t size, const char *name)
{
    return xdg_path(out, size, "XDG_DATA_HOME", ".local/share", name);
}

enum sym_status sym_path_state(char *out, size_t size, const char *name)
{
    return xdg_path(out, size, "XDG_STATE_HOME", ".local/state", name);
}

enum sym_status sym_path_cache(char *out, size_t size, const char *name)
{
    return xdg_path(out, size, "XDG_CACHE_HOME", ".cache", name);
}

enum sym_status sym_path_make_parent(const char *file)
{
    char dir[4096];
    size_t len = strlen(file);
    char *p;

    if (len >= sizeof dir)
        return SYM_ERR_TOO_LONG;
    memcpy(dir, file, len + 1);
    p = strrchr(dir, '/');
    if (!p || p == dir)
        return SYM_OK;
    *p = '\0';
    for (p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) && errno != EEXIST)
            return SYM_ERR_IO;
        *p = '/';
    }
    if (mkdir(dir, 0700) && errno != EEXIST)
        return SYM_ERR_IO;
    return SYM_OK;
}
