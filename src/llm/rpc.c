/*
 * rpc.c: distributed inference over llama.cpp's RPC backend; see rpc.h.
 *
 * ggml's RPC registry is looked up by name ("RPC") and its ggml_backend_rpc_add_server() through
 * the registry's proc-address table, as llama.cpp's own --rpc does, so a llama.cpp built without
 * GGML_RPC gives a clear error instead of a link failure. ggml_backend_rpc_add_server() aborts
 * the whole process when a server cannot be reached, so each one is probed with a TCP connect
 * first; the probe costs one short connection per server at load time. The RPC protocol has no
 * authentication or encryption: anyone who can reach an rpc-server can run computations on it,
 * and the model's weights and activations cross the network in the clear.
 */
#include "llm/rpc.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ggml-backend.h"

#define PROBE_MS 3000

/* Split "host:port" ("[v6]:port" too) into its parts; false when malformed. */
static bool split_endpoint(const char *ep, size_t len, char *host, size_t hsize, char *port,
                           size_t psize)
{
    const char *colon = NULL;
    size_t i, hlen, plen;

    for (i = len; i > 0; i--)
        if (ep[i - 1] == ':') {
            colon = ep + i - 1;
            break;
        }
    if (!colon)
        return false;
    hlen = (size_t)(colon - ep);
    plen = len - hlen - 1;
    if (hlen >= 2 && ep[0] == '[' && ep[hlen - 1] == ']') {
        ep++;
        hlen -= 2;
    }
    if (!hlen || hlen >= hsize || !plen || plen >= psize)
        return false;
    for (i = 0; i < plen; i++)
        if (colon[1 + i] < '0' || colon[1 + i] > '9')
            return false;
    memcpy(host, ep, hlen);
    host[hlen] = '\0';
    memcpy(port, colon + 1, plen);
    port[plen] = '\0';
    return atoi(port) > 0 && atoi(port) < 65536;
}

/* A TCP connection to host:port within PROBE_MS; 0, or an errno-like reason in *why. */
static int probe(const char *host, const char *port, char *why, size_t whysize)
{
    struct addrinfo hints, *res = NULL, *ai;
    int rc, last = ECONNREFUSED;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc) {
        snprintf(why, whysize, "cannot resolve the name (%s)", gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        struct pollfd pfd;
        socklen_t elen = sizeof last;

        if (fd < 0)
            continue;
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            close(fd);
            freeaddrinfo(res);
            return 0;
        }
        last = errno;
        if (errno == EINPROGRESS) {
            pfd.fd = fd;
            pfd.events = POLLOUT;
            if (poll(&pfd, 1, PROBE_MS) == 1 &&
                !getsockopt(fd, SOL_SOCKET, SO_ERROR, &last, &elen) && last == 0) {
                close(fd);
                freeaddrinfo(res);
                return 0;
            }
            if (last == EINPROGRESS || last == 0)
                last = ETIMEDOUT;
        }
        close(fd);
    }
    freeaddrinfo(res);
    snprintf(why, whysize, "%s",
             last == ECONNREFUSED ? "connection refused (is rpc-server running there?)"
             : last == ETIMEDOUT  ? "no answer within 3 s"
                                  : strerror(last));
    return -1;
}

enum sym_status sym_rpc_devices(const char *list, void **devs, char *err, size_t errlen)
{
    typedef ggml_backend_reg_t (*add_server_fn)(const char *endpoint);
    static char added[16][280]; /* endpoints registered in this process (ggml keeps them) */
    static size_t n_added;
    ggml_backend_reg_t rpc = ggml_backend_reg_by_name("RPC");
    add_server_fn add_server;
    const char *p = list;
    size_t n = 0, i;

    devs[0] = NULL;
    if (!rpc) {
        snprintf(err, errlen, "--rpc: this llama.cpp was built without its RPC backend (GGML_RPC)");
        return SYM_ERR_INVALID;
    }
    {
        /* POSIX (dlsym) guarantees that a function's address survives a trip through void *. */
        void *addr = ggml_backend_reg_get_proc_address(rpc, "ggml_backend_rpc_add_server");

        memcpy(&add_server, &addr, sizeof add_server);
    }
    if (!add_server) {
        snprintf(err, errlen, "--rpc: this llama.cpp's RPC backend cannot add servers");
        return SYM_ERR_INVALID;
    }
    while (*p) {
        size_t len = strcspn(p, ",");
        char ep[280], host[256], port[8], why[300];
        ggml_backend_reg_t reg;
        bool known = false;

        if (!split_endpoint(p, len, host, sizeof host, port, sizeof port) || len >= sizeof ep) {
            snprintf(err, errlen, "--rpc: '%.*s' is not HOST:PORT", (int)len, p);
            return SYM_ERR_INVALID;
        }
        memcpy(ep, p, len);
        ep[len] = '\0';
        for (i = 0; i < n_added; i++)
            known = known || !strcmp(added[i], ep);
        if (!known && probe(host, port, why, sizeof why)) {
            snprintf(err, errlen, "--rpc: cannot reach the RPC server %s: %s", ep, why);
            return SYM_ERR_IO;
        }
        reg = add_server(ep); /* the same reg again for a known endpoint */
        if (!reg) {
            snprintf(err, errlen, "--rpc: the RPC server %s offers no device", ep);
            return SYM_ERR_IO;
        }
        if (!known) {
            if (n_added == sizeof added / sizeof added[0]) {
                snprintf(err, errlen, "--rpc: at most %zu servers", sizeof added / sizeof added[0]);
                return SYM_ERR_INVALID;
            }
            ggml_backend_register(reg);
            snprintf(added[n_added++], sizeof added[0], "%s", ep);
        }
        for (i = 0; i < ggml_backend_reg_dev_count(reg) && n < SYM_RPC_MAX_DEVICES; i++)
            devs[n++] = ggml_backend_reg_dev_get(reg, i);
        p += len;
        if (*p == ',')
            p++;
    }
    if (!n) {
        snprintf(err, errlen, "--rpc: no servers given (HOST:PORT[,HOST:PORT...])");
        return SYM_ERR_INVALID;
    }
    /* This machine's GPUs (not the CPU: llama.cpp always keeps that) come after the servers. */
    for (i = 0; i < ggml_backend_dev_count() && n < SYM_RPC_MAX_DEVICES; i++) {
        ggml_backend_dev_t dev = ggml_backend_dev_get(i);

        if (ggml_backend_dev_type(dev) == GGML_BACKEND_DEVICE_TYPE_GPU &&
            strcmp(ggml_backend_reg_name(ggml_backend_dev_backend_reg(dev)), "RPC"))
            devs[n++] = dev;
    }
    devs[n] = NULL;
    return SYM_OK;
}
