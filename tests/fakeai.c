/*
 * fakeai.c: a tiny OpenAI-compatible chat endpoint on loopback, for the tests of the remote
 * backend. It records every request exactly as it arrived (request line, headers, body), so a test
 * can check from the server's side what Symbiot sent, and it misbehaves on request the ways real
 * endpoints do. One connection at a time; test code only.
 *
 *   fakeai --port-file FILE [--log FILE] [--mode MODE] [--reply TEXT] [--delay-ms N]
 *          [--fail-times N] [--script FILE]
 *
 * Modes: ok (the reply streamed a word per event, a finish event with usage, [DONE]); plain (one
 * JSON completion, not streamed); slow (headers, then --delay-ms of silence, then ok); stall (one
 * word, then --delay-ms of silence); malformed (an event that is not JSON); cut (one word, then
 * the connection closes); 401 (an error that echoes the presented key, as some services do); 429
 * and 500 (that status for the first --fail-times requests, then ok; -1 = always); 404; tools
 * (streamed reasoning_content, then a get_weather call in OpenAI's pieces: id, type and name
 * first, then the arguments in three parts; finish_reason tool_calls); tools-plain (the same call
 * in one JSON completion, content null).
 * With --script, the n-th request gets the script's n-th line as its answer (the last line for
 * the requests after it): "text<TAB>TEXT" streams TEXT as in ok; "call<TAB>NAME<TAB>ARGS[<TAB>NAME
 * <TAB>ARGS...]" streams those tool calls as OpenAI does (the id and name first, the JSON
 * arguments in pieces) and finishes with "tool_calls".
 * A TLS handshake gets a plain-HTTP 400 (so an https:// address fails the way TLS to a wrong
 * server does). It binds 127.0.0.1 on a free port, writes the port to FILE, and serves until
 * SIGTERM.
 */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct opts {
    const char *port_file, *log, *mode, *reply, *script;
    long delay_ms;
    int fail_times;
};

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

static void put(int fd, const char *s)
{
    size_t n = strlen(s);

    while (n) {
        ssize_t w = write(fd, s, n);

        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* Read one request (headers and a Content-Length body) into buf; its length, or -1. */
static long read_request(int fd, char *buf, size_t size, char **auth)
{
    size_t len = 0;
    char *end = NULL, *cl;
    long body = 0;

    *auth = NULL;
    while (!end) {
        ssize_t r = read(fd, buf + len, size - 1 - len);

        if (r <= 0)
            return -1;
        if (!len && buf[0] == 0x16) { /* a TLS ClientHello: this server speaks plain HTTP only */
            put(fd, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
            return -1;
        }
        len += (size_t)r;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
        if (!end && len == size - 1)
            return -1;
    }
    cl = strcasestr(buf, "\r\nContent-Length:");
    if (cl)
        body = strtol(cl + 17, NULL, 10);
    if (strcasestr(buf, "\r\nExpect: 100-continue") && (size_t)(end + 4 - buf) == len)
        put(fd, "HTTP/1.1 100 Continue\r\n\r\n");
    while ((long)len < (end + 4 - buf) + body && len < size - 1) {
        ssize_t r = read(fd, buf + len, size - 1 - len);

        if (r <= 0)
            break;
        len += (size_t)r;
    }
    buf[len] = '\0';
    *auth = strcasestr(buf, "\r\nAuthorization: Bearer ");
    return (long)len;
}

static void sse_headers(int fd)
{
    put(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            "Connection: close\r\n\r\n");
}

/* The reply, a word (with its following space) per event. */
static void stream_words(int fd, const char *reply, int max_words)
{
    const char *p = reply;
    char ev[512];
    int n = 0;

    while (*p && (max_words < 0 || n < max_words)) {
        size_t len = strcspn(p, " ");

        if (p[len] == ' ')
            len++;
        snprintf(ev, sizeof ev,
                 "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%.*s\"}}]}\n\n",
                 (int)len, p);
        put(fd, ev);
        p += len;
        n++;
        sleep_ms(5);
    }
}

static void stream_end(int fd)
{
    put(fd, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
    put(fd, ": a comment line, as servers send for keep-alive\n\n");
    put(fd, "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":4,"
            "\"total_tokens\":16}}\n\n");
    put(fd, "data: [DONE]\n\n");
}

/* A reasoning model that calls a tool, streamed as OpenAI and llama-server stream it. */
static void stream_tool_call(int fd)
{
    static const char *const events[] = {
        "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"Thinking \"}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"about it.\"}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":"
        "\"call_fake1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
        "\"arguments\":\"\"}}]}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
        "{\"arguments\":\"{\\\"city\\\":\"}}]}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
        "{\"arguments\":\" \\\"Paris\\\",\"}}]}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
        "{\"arguments\":\" \\\"days\\\": 3}\"}}]}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}",
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":9}}",
        "[DONE]"};
    size_t i;

    for (i = 0; i < sizeof events / sizeof events[0]; i++) {
        put(fd, "data: ");
        put(fd, events[i]);
        put(fd, "\n\n");
        sleep_ms(5);
    }
}

static void status_reply(int fd, int status, const char *body)
{
    char head[256];

    snprintf(head, sizeof head,
             "HTTP/1.1 %d Error\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
             "Connection: close\r\n\r\n",
             status, strlen(body));
    put(fd, head);
    put(fd, body);
}

/* s as the inside of a JSON string, into out (size bytes). */
static void json_escape(const char *s, size_t n, char *out, size_t size)
{
    size_t len = 0;

    for (; n && *s && len + 8 < size; s++, n--) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            len += (size_t)snprintf(out + len, size - len, "\\%c", c);
        else if (c < 0x20)
            len += (size_t)snprintf(out + len, size - len, "\\u%04x", c);
        else
            out[len++] = (char)c;
    }
    out[len] = '\0';
}

/* The tool calls of a script line (after "call\t"): NAME<TAB>ARGS pairs. */
static void stream_calls(int fd, char *line, int nth)
{
    char ev[4096], esc[2048];
    int index = 0;

    while (line && *line) {
        char *name = line, *args = strchr(line, '\t'), *next;
        size_t off, step;

        if (!args)
            break;
        *args++ = '\0';
        next = strchr(args, '\t');
        if (next)
            *next++ = '\0';
        snprintf(ev, sizeof ev,
                 "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                 "\"content\":null,\"tool_calls\":[{\"index\":%d,\"id\":\"call_%d_%d\","
                 "\"type\":\"function\",\"function\":{\"name\":\"%.200s\",\"arguments\":\"\"}}]}}]}"
                 "\n\n",
                 index, nth, index, name);
        put(fd, ev);
        /* The arguments in pieces of up to 7 bytes, as models stream them. */
        for (off = 0; args[off]; off += step) {
            step = strlen(args + off) < 7 ? strlen(args + off) : 7;
            json_escape(args + off, step, esc, sizeof esc);
            snprintf(ev, sizeof ev,
                     "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":%d,"
                     "\"function\":{\"arguments\":\"%s\"}}]}}]}\n\n",
                     index, esc);
            put(fd, ev);
            sleep_ms(2);
        }
        index++;
        line = next;
    }
    put(fd,
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n");
    put(fd, "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":6,"
            "\"total_tokens\":26}}\n\n");
    put(fd, "data: [DONE]\n\n");
}

/* Answer the n-th request from the script file (see the top); false when there is none. */
static int scripted(int fd, const char *path, int nth)
{
    static char line[8192], last[8192];
    FILE *f = fopen(path, "r");
    int i = 0;

    if (!f)
        return 0;
    last[0] = '\0';
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!line[0])
            continue;
        memcpy(last, line, sizeof last);
        if (i++ == nth)
            break;
    }
    fclose(f);
    if (!last[0])
        return 0;
    sse_headers(fd);
    if (!strncmp(last, "call\t", 5)) {
        stream_calls(fd, last + 5, nth);
    } else {
        stream_words(fd, !strncmp(last, "text\t", 5) ? last + 5 : last, -1);
        stream_end(fd);
    }
    return 1;
}

static void answer(int fd, const struct opts *o, int nth, const char *auth)
{
    const char *m = o->mode;
    char body[512];

    if ((!strcmp(m, "429") || !strcmp(m, "500")) && (o->fail_times < 0 || nth < o->fail_times)) {
        status_reply(fd, atoi(m), "{\"error\":{\"message\":\"try again later\"}}");
        return;
    }
    if (!strcmp(m, "401")) {
        size_t klen = auth ? strcspn(auth + 24, "\r\n") : 0;

        snprintf(body, sizeof body,
                 "{\"error\":{\"message\":\"Incorrect API key provided: %.*s\"}}", (int)klen,
                 auth ? auth + 24 : "");
        status_reply(fd, 401, body);
        return;
    }
    if (o->script && scripted(fd, o->script, nth))
        return;
    if (!strcmp(m, "404")) {
        status_reply(fd, 404, "{\"error\":\"no such route\"}");
        return;
    }
    if (!strcmp(m, "tools-plain")) {
        put(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n");
        put(fd, "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":null,"
                "\"reasoning_content\":\"Thinking about it.\",\"tool_calls\":[{\"id\":"
                "\"call_fake1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                "\"arguments\":\"{\\\"city\\\": \\\"Paris\\\", \\\"days\\\": 3}\"}}]},"
                "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":30,"
                "\"completion_tokens\":9}}");
        return;
    }
    if (!strcmp(m, "plain")) {
        snprintf(body, sizeof body,
                 "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"%s\"},"
                 "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,"
                 "\"completion_tokens\":2}}",
                 o->reply);
        put(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n");
        put(fd, body);
        return;
    }
    sse_headers(fd);
    if (!strcmp(m, "tools")) {
        stream_tool_call(fd);
        return;
    }
    if (!strcmp(m, "malformed")) {
        put(fd, "data: {\"choices\": [ this is not json\n\n");
        return;
    }
    if (!strcmp(m, "slow"))
        sleep_ms(o->delay_ms);
    if (!strcmp(m, "cut")) {
        stream_words(fd, o->reply, 1);
        return;
    }
    if (!strcmp(m, "stall")) {
        stream_words(fd, o->reply, 1);
        sleep_ms(o->delay_ms);
    }
    stream_words(fd, o->reply, -1);
    stream_end(fd);
}

int main(int argc, char **argv)
{
    struct opts o = {NULL, NULL, "ok", "Hello from the fake endpoint.", NULL, 3000, -1};
    struct sockaddr_in addr;
    socklen_t alen = sizeof addr;
    static char req[1 << 20];
    FILE *pf;
    int s, i, one = 1, nth = 0;

    for (i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--port-file"))
            o.port_file = argv[i + 1];
        else if (!strcmp(argv[i], "--log"))
            o.log = argv[i + 1];
        else if (!strcmp(argv[i], "--mode"))
            o.mode = argv[i + 1];
        else if (!strcmp(argv[i], "--reply"))
            o.reply = argv[i + 1];
        else if (!strcmp(argv[i], "--delay-ms"))
            o.delay_ms = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--fail-times"))
            o.fail_times = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--script"))
            o.script = argv[i + 1];
        else
            break;
    }
    if (i < argc || !o.port_file) {
        fprintf(stderr, "usage: fakeai --port-file FILE [--log FILE] [--mode MODE] [--reply TEXT] "
                        "[--delay-ms N] [--fail-times N] [--script FILE]\n");
        return 2;
    }
    s = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof addr) || listen(s, 8) ||
        getsockname(s, (struct sockaddr *)&addr, &alen)) {
        perror("fakeai");
        return 1;
    }
    pf = fopen(o.port_file, "w");
    if (!pf)
        return 1;
    fprintf(pf, "%d\n", ntohs(addr.sin_port));
    fclose(pf);
    for (;;) {
        int c = accept(s, NULL, NULL);
        char *auth;
        long n;

        if (c < 0)
            continue;
        n = read_request(c, req, sizeof req, &auth);
        if (n > 0 && o.log) {
            FILE *lf = fopen(o.log, "a");

            if (lf) {
                fwrite(req, 1, (size_t)n, lf);
                fputs("\n----\n", lf);
                fclose(lf);
            }
        }
        if (n > 0)
            answer(c, &o, nth++, auth);
        shutdown(c, SHUT_WR);
        close(c);
    }
}
