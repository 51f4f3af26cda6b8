// fake-server.mjs: a small MCP server over stdio for what the reference server does not show:
// tools/list in pages (nextCursor), a server that pings the client and logs (a notification)
// before it answers, annotations that decide whether a call asks first, and a server that speaks
// a protocol version Symbiot does not. Plain node, no packages: one JSON-RPC message per line.
//   node fake-server.mjs paged       3 pages of 2 tools; every tool answers with its arguments
//   node fake-server.mjs oldversion  answers initialize with protocolVersion 1999-01-01
import { createInterface } from "node:readline";

const mode = process.argv[2] || "paged";
const send = (m) => process.stdout.write(JSON.stringify({ jsonrpc: "2.0", ...m }) + "\n");
const tool = (name, annotations) => ({
    name,
    description: `the ${name} tool`,
    inputSchema: { type: "object", properties: { n: { type: "integer" } }, required: ["n"] },
    ...(annotations ? { annotations } : {}),
});
const pages = [
    [tool("look", { readOnlyHint: true }), tool("add", { destructiveHint: false })],
    [tool("wipe", { destructiveHint: true }), tool("plain")],
    [tool("last", { readOnlyHint: true }), tool("also_last", { readOnlyHint: true })],
];
let pinged = false;

createInterface({ input: process.stdin }).on("line", (line) => {
    const m = JSON.parse(line);
    if (m.method === undefined) return; // a response (to our ping)
    if (m.id === undefined) return; // a notification
    if (m.method === "initialize") {
        if (!pinged) {
            // Before answering: a ping and a log message, which a client must handle in passing.
            pinged = true;
            send({ id: "srv-1", method: "ping" });
            send({ method: "notifications/message", params: { level: "info", data: "hello" } });
        }
        return send({
            id: m.id,
            result: {
                protocolVersion: mode === "oldversion" ? "1999-01-01" : m.params.protocolVersion,
                capabilities: { tools: {} },
                serverInfo: { name: "fake", version: "1" },
            },
        });
    }
    if (m.method === "tools/list") {
        const i = m.params && m.params.cursor ? Number(m.params.cursor) : 0;
        const result = { tools: pages[i] };
        if (i + 1 < pages.length) result.nextCursor = String(i + 1);
        return send({ id: m.id, result });
    }
    if (m.method === "tools/call") {
        const args = JSON.stringify(m.params.arguments);
        return send({
            id: m.id,
            result: {
                content: [{ type: "text", text: `${m.params.name} got ${args}` }],
                isError: m.params.arguments.n < 0,
            },
        });
    }
    send({ id: m.id, error: { code: -32601, message: "Method not found" } });
});
