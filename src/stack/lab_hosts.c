/* The table of the lab's hosts (lab_hosts.h), and looking a host up by name. */
#include <string.h>

#include "stack/lab_hosts.h"

#define LAB_HOST_ROW(idx, nm, ip, ...) [idx] = {.name = nm, .addr = ip, .mac = __VA_ARGS__},
const struct lab_host lab_hosts[LAB_HOSTS] = {LAB_HOST_LIST(LAB_HOST_ROW)};
#undef LAB_HOST_ROW

int lab_host_index(const char *name)
{
    for (int i = 0; i < LAB_HOSTS; i++)
        if (strcmp(name, lab_hosts[i].name) == 0)
            return i;
    return -1;
}

const char *lab_host_name(int idx)
{
    return idx >= 0 && idx < LAB_HOSTS ? lab_hosts[idx].name : "?";
}
