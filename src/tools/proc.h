/*
 * proc.h: a child process spoken to in lines over its stdin and stdout (the stdio transport of
 * JSON-RPC that MCP uses): spawn with pipes, send one line, read one line with a deadline and a
 * length cap, close (EOF on its stdin, then SIGTERM, then SIGKILL). Its stderr is read along and
 * the last of it kept, so a failure can quote what the program said.
 */
#ifndef SYM_PROC_H
#define SYM_PROC_H

#include <stddef.h>

#include "base/status.h"

struct sym_proc;

/*
 * Start argv[0] (looked up in PATH) with argv, in its own process group, with the environment
 * plus env (NULL-terminated "NAME=VALUE" strings, which override; may be NULL) and stdin, stdout
 * and stderr on pipes. SYM_ERR_NOT_FOUND (no such program), SYM_ERR_IO (the reason in err) or
 * SYM_ERR_NOMEM; *out to close with sym_proc_close().
 */
enum sym_status sym_proc_spawn(struct sym_proc **out, char *const argv[], char *const env[],
                               char *err, size_t errlen);

/* Write text and a newline to the child's stdin. SYM_ERR_IO when it has gone (no SIGPIPE). */
enum sym_status sym_proc_send(struct sym_proc *p, const char *text);

/*
 * Read the next line from the child's stdout, waiting at most timeout_ms, with the newline (and
 * a '\r' before it) taken off; *line (owned by p) is valid until the next call. SYM_ERR_TIMEOUT,
 * SYM_ERR_IO (the child closed its stdout: it exited), SYM_ERR_TOO_LONG (a line longer than max
 * bytes: the rest of it is skipped), SYM_ERR_NOMEM.
 */
enum sym_status sym_proc_read_line(struct sym_proc *p, int timeout_ms, size_t max,
                                   const char **line);

/* Read what the child has still written to stderr (it may have exited before it was read), until
 * stderr ends or timeout_ms pass, so sym_proc_stderr_tail() sees its last words. */
void sym_proc_drain_stderr(struct sym_proc *p, int timeout_ms);
/* The last line the child wrote on its stderr (at most 300 bytes), "" when none. Borrowed. */
const char *sym_proc_stderr_tail(struct sym_proc *p);

/* End the child: close its stdin, give it a moment to exit, then SIGTERM and SIGKILL to its
 * process group; reap it and free p. NULL is fine. */
void sym_proc_close(struct sym_proc *p);

#endif
