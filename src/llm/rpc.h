/*
 * rpc.h: llama.cpp's RPC backend for the local model (`--rpc HOST:PORT,...`): the model's layers
 * are spread over rpc-server processes on other machines. Used by llm.c only.
 */
#ifndef SYM_RPC_H
#define SYM_RPC_H

#include <stddef.h>

#include "base/status.h"

#define SYM_RPC_MAX_DEVICES 32

/*
 * Check and register the servers in list ("HOST:PORT[,HOST:PORT...]") with ggml, once each per
 * process, and fill devs (void * = ggml_backend_dev_t, NULL-terminated, at most
 * SYM_RPC_MAX_DEVICES + 1 entries) with their devices followed by this machine's GPUs, for
 * llama_model_params.devices. Each server is first reached with a plain TCP connection (3 s),
 * because ggml aborts the process when it cannot connect. SYM_ERR_INVALID (a malformed list,
 * llama.cpp built without GGML_RPC) or SYM_ERR_IO (a server that does not answer), with a one-line
 * reason in err.
 */
enum sym_status sym_rpc_devices(const char *list, void **devs, char *err, size_t errlen);

#endif
