#ifndef KVOTA_CLIBPQ_SHIM_H
#define KVOTA_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
