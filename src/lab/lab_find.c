/* Where labs are found: $TCPLAB_LABS if set (folders separated by ':'),
 * else labs/ of the source tree the binary was built in, then the
 * installed share folder next to the binary (PREFIX/share/tcplab/labs)
 * and the usual prefixes. */
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/lab.h"

#define MAX_DIRS 12

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void add_dir(char dirs[][PATH_MAX], int *n, const char *d)
{
    if (*n >= MAX_DIRS || !is_dir(d))
        return;
    char real[PATH_MAX];
    if (!realpath(d, real))
        snprintf(real, sizeof real, "%s", d);
    for (int i = 0; i < *n; i++)
        if (strcmp(dirs[i], real) == 0)
            return;
    snprintf(dirs[(*n)++], PATH_MAX, "%s", real);
}

static int search_dirs(char dirs[][PATH_MAX])
{
    int n = 0;
    const char *env = getenv("TCPLAB_LABS");
    if (env && *env) {
        char *copy = strdup(env);
        for (char *save = NULL, *d = copy ? strtok_r(copy, ":", &save) : NULL; d;
             d = strtok_r(NULL, ":", &save))
            add_dir(dirs, &n, d);
        free(copy);
        return n;
    }
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        /* The source tree: ./tcplab, build/san/tcplab, build/san/tests/check_x */
        char up[PATH_MAX], probe[PATH_MAX + 32];
        snprintf(up, sizeof up, "%s", exe);
        for (int level = 0; level < 4; level++) {
            snprintf(probe, sizeof probe, "%s/src/lab/lab.h", up);
            if (access(probe, F_OK) == 0) {
                snprintf(probe, sizeof probe, "%s/labs", up);
                add_dir(dirs, &n, probe);
                break;
            }
            size_t ul = strlen(up);
            if (ul + 3 >= sizeof up)
                break;
            memcpy(up + ul, "/..", 4);
        }
        snprintf(probe, sizeof probe, "%s/../share/tcplab/labs", exe);
        add_dir(dirs, &n, probe);
    }
    add_dir(dirs, &n, "/usr/local/share/tcplab/labs");
    add_dir(dirs, &n, "/usr/share/tcplab/labs");
    return n;
}

void lab_search_path(char *buf, size_t cap)
{
    char dirs[MAX_DIRS][PATH_MAX];
    int n = search_dirs(dirs);
    size_t off = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && off < cap; i++)
        off += (size_t)snprintf(buf + off, cap - off, "%s%s", i ? ":" : "", dirs[i]);
    if (n == 0)
        snprintf(buf, cap, "(no lab folder found; set TCPLAB_LABS)");
}

static bool is_path(const char *name)
{
    size_t n = strlen(name);
    return strchr(name, '/') || (n > 4 && strcmp(name + n - 4, ".lab") == 0);
}

struct lab *lab_load(const char *name, char *err, size_t cap)
{
    if (is_path(name))
        return lab_parse_file(name, err, cap);
    for (const char *c = name; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-') {
            snprintf(err, cap, "'%s' is not a lab name (lab list shows the labs)", name);
            return NULL;
        }
    char dirs[MAX_DIRS][PATH_MAX];
    int n = search_dirs(dirs);
    for (int i = 0; i < n; i++) {
        char *path;
        if (asprintf(&path, "%s/%s.lab", dirs[i], name) < 0)
            break;
        if (access(path, F_OK) == 0) {
            struct lab *lab = lab_parse_file(path, err, cap);
            free(path);
            return lab;
        }
        free(path);
    }
    snprintf(err, cap, "no lab '%s' (lab list shows the labs)", name);
    return NULL;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const struct lab_entry *)a)->name, ((const struct lab_entry *)b)->name);
}

size_t lab_list(struct lab_entry **out)
{
    char dirs[MAX_DIRS][PATH_MAX];
    int nd = search_dirs(dirs);
    struct lab_entry *v = NULL;
    size_t n = 0;
    for (int i = 0; i < nd; i++) {
        DIR *d = opendir(dirs[i]);
        if (!d)
            continue;
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t len = strlen(e->d_name);
            if (len <= 4 || len - 4 >= LAB_NAME_LEN || strcmp(e->d_name + len - 4, ".lab") != 0)
                continue;
            char name[LAB_NAME_LEN];
            snprintf(name, sizeof name, "%.*s", (int)(len - 4), e->d_name);
            bool dup = false;
            for (size_t k = 0; k < n && !dup; k++)
                dup = strcmp(v[k].name, name) == 0;
            if (dup)
                continue;
            char *path, err[512];
            if (asprintf(&path, "%s/%s", dirs[i], e->d_name) < 0)
                continue;
            struct lab *lab = lab_parse_file(path, err, sizeof err);
            free(path);
            struct lab_entry *nv = realloc(v, (n + 1) * sizeof *v);
            if (!nv) {
                lab_free(lab);
                break;
            }
            v = nv;
            snprintf(v[n].name, sizeof v[n].name, "%s", name);
            if (lab)
                snprintf(v[n].title, sizeof v[n].title, "%s", lab->title);
            else
                snprintf(v[n].title, sizeof v[n].title, "(cannot be used: %.120s)", err);
            n++;
            lab_free(lab);
        }
        closedir(d);
    }
    if (n > 1)
        qsort(v, n, sizeof *v, entry_cmp);
    *out = v;
    return n;
}
