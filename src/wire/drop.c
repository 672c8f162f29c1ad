/* Names of the drop reasons (wire/drop.h), for counters and views. */
#include "wire/drop.h"

static const char *const names[] = {
#define DROP_NAME(name, text) #name,
    DROP_REASONS(DROP_NAME)
#undef DROP_NAME
};

static const char *const texts[] = {
#define DROP_TEXT(name, text) text,
    DROP_REASONS(DROP_TEXT)
#undef DROP_TEXT
};

const char *drop_reason_name(enum drop_reason r)
{
    return (unsigned)r < DROP__COUNT ? names[r] : "?";
}

const char *drop_reason_text(enum drop_reason r)
{
    return (unsigned)r < DROP__COUNT ? texts[r] : "?";
}
