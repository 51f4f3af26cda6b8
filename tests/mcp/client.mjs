// client.mjs: `symbiot mcp` driven by the official MCP TypeScript SDK's client over stdio
// (tests/integration/mcp.sh runs it with SYMBIOT set and XDG dirs private to the test). It checks
// what another assistant would notice: the handshake, the tools with their schemas and
// annotations, remember then memories finding the fact, the reminders and time tools, a bad
// argument and a refused forget as tool errors the model can read, an unknown tool as a protocol
// error; then a client that can ask its user (elicitation): forget asks, "decline" keeps the
// fact, "accept" forgets it. Prints "ok - ..." or "not ok - ..." per check.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";

let failed = 0;
function check(what, cond, detail) {
    if (cond) console.log(`ok - ${what}`);
    else {
        failed++;
        console.log(`not ok - ${what}${detail === undefined ? "" : `: ${JSON.stringify(detail)}`}`);
    }
}
const text = (r) => (r.content || []).map((c) => c.text || "").join("\n");

const transport = new StdioClientTransport({
    command: process.env.SYMBIOT,
    args: ["mcp"],
    env: { ...process.env },
    stderr: "pipe",
});
let stderr = "";
transport.stderr?.on("data", (d) => (stderr += d));
const client = new Client({ name: "symbiot-test", version: "1.0.0" });
await client.connect(transport);

const info = client.getServerVersion();
check("initialize: serverInfo names symbiot", info && info.name === "symbiot", info);
check("initialize: the server offers tools", !!client.getServerCapabilities()?.tools);

const { tools } = await client.listTools();
const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
for (const name of ["remember", "memories", "forget", "remind", "reminders", "cancel", "time"])
    check(`tools/list has ${name}`, !!byName[name], tools.map((t) => t.name));
check("remember's schema requires text",
    byName.remember?.inputSchema?.required?.includes("text") &&
        byName.remember.inputSchema.properties.text.type === "string", byName.remember);
check("forget is marked destructive", byName.forget?.annotations?.destructiveHint === true,
    byName.forget?.annotations);
check("memories is marked read-only", byName.memories?.annotations?.readOnlyHint === true,
    byName.memories?.annotations);
check("no tool claims the open world", tools.every((t) => t.annotations?.openWorldHint === false));
check("no command that makes no sense for a model", !byName.quit && !byName.model && !byName.help);

let r = await client.callTool({ name: "remember", arguments: { text: "my dentist is Dr Petrova" } });
check("tools/call remember succeeds", !r.isError && /Remembered/.test(text(r)), r);
r = await client.callTool({ name: "memories", arguments: { query: "dentist" } });
check("tools/call memories finds the fact", !r.isError && /Dr Petrova/.test(text(r)), r);
r = await client.callTool({ name: "remind", arguments: { when: "in 2 hours", text: "call the dentist" } });
check("tools/call remind sets a reminder", !r.isError && /call the dentist/.test(text(r)), r);
r = await client.callTool({ name: "reminders", arguments: {} });
check("tools/call reminders lists it", /call the dentist/.test(text(r)), r);
r = await client.callTool({ name: "time", arguments: { place: "Tokyo" } });
check("tools/call time in Tokyo", !r.isError && /Tokyo/.test(text(r)), r);

r = await client.callTool({ name: "remind", arguments: { text: "no time given" } });
check("a missing argument is a tool error naming it", r.isError && /"when"/.test(text(r)), r);
r = await client.callTool({ name: "forget", arguments: { fact: "1" } });
check("forget without tools-allow is refused, saying how to allow it",
    r.isError && /tools-allow = forget/.test(text(r)), r);
r = await client.callTool({ name: "memories", arguments: { query: "dentist" } });
check("the refused forget removed nothing", /Dr Petrova/.test(text(r)), r);

try {
    await client.callTool({ name: "no_such_tool", arguments: {} });
    check("an unknown tool is a protocol error", false);
} catch (e) {
    check("an unknown tool is a protocol error", /Unknown tool/.test(String(e.message)), e.message);
}
await client.ping();
check("ping is answered", true);

await client.close();
check("nothing but protocol on stdout (the SDK parsed every line); stderr quiet", stderr === "",
    stderr);

// A client that can ask its user: forget is put to the user through elicitation/create.
const asking = new Client({ name: "symbiot-test-asking", version: "1.0.0" },
    { capabilities: { elicitation: {} } });
const questions = [];
let answer = "decline";
asking.setRequestHandler(ElicitRequestSchema, async (req) => {
    questions.push(req.params);
    return answer === "accept" ? { action: "accept", content: { confirm: true } } : { action: answer };
});
await asking.connect(new StdioClientTransport({ command: process.env.SYMBIOT, args: ["mcp"],
    env: { ...process.env }, stderr: "pipe" }));
r = await asking.callTool({ name: "forget", arguments: { fact: "dentist" } });
check("forget asks the user through elicitation", questions.length === 1 &&
    /forget/.test(questions[0].message) && questions[0].requestedSchema?.properties?.confirm,
    questions);
check("declined: a tool error that says so", r.isError && /you said no/.test(text(r)), r);
r = await asking.callTool({ name: "memories", arguments: { query: "dentist" } });
check("declined: the fact stays", /Dr Petrova/.test(text(r)), r);
answer = "accept";
// A near match is only named, as /forget TEXT does (issue 17): the fact's own words, or its
// number, remove it.
r = await asking.callTool({ name: "forget", arguments: { fact: "dentist" } });
check("accepted, a near match: the candidate is named, nothing removed", !r.isError &&
    questions.length === 2 && /Is this the one to forget\?[\s\S]*Dr Petrova/.test(text(r)), r);
r = await asking.callTool({ name: "memories", arguments: { query: "dentist" } });
check("accepted, a near match: the fact stays", /Dr Petrova/.test(text(r)), r);
r = await asking.callTool({ name: "forget", arguments: { fact: "my dentist is Dr Petrova" } });
check("accepted: forget runs", !r.isError && questions.length === 3, r);
r = await asking.callTool({ name: "memories", arguments: { query: "dentist" } });
check("accepted: the fact is gone", !/Dr Petrova/.test(text(r)), r);
r = await asking.callTool({ name: "memories", arguments: {} });
check("the session goes on after the questions", !r.isError, r);
await asking.close();
process.exit(failed ? 1 : 0);
