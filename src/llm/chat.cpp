/*
 * chat.cpp: the C shim over llama.cpp's chat library (common/chat.h). See chat.h.
 *
 * Each exported function is one try block: the library reports bad templates, bad messages and
 * bad schemas by throwing, and a C++ exception must never reach C code. std::bad_alloc becomes
 * SYM_ERR_NOMEM, everything else the status the header names, with e.what() as the message.
 * Strings handed back to C are malloc'd copies, so C frees them with free().
 */
#include "llm/chat.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

/* llama.cpp's common library, from include/llama-common/ (angle brackets: never src/llm/). */
#include <chat.h>
#include <common.h>
#include <json.h>
#include <log.h>

#include "llama.h"

struct sym_chat_tmpl {
    common_chat_templates_ptr tmpls;
};

struct sym_chat_prompt {
    common_chat_params params;
    common_chat_parser_params parser;
    std::vector<const char *> stops; /* pointers into params.additional_stops, NULL-terminated */
};

static void set_err(char *err, size_t errlen, const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", what);
}

/* s without its leading and trailing whitespace (the parser keeps the newlines around
 * "<think>...</think>"; an answer is shown without them). */
static std::string trimmed(const std::string &s)
{
    size_t a = 0, b = s.size();

    while (a < b && isspace((unsigned char)s[a]))
        a++;
    while (b > a && isspace((unsigned char)s[b - 1]))
        b--;
    return s.substr(a, b - a);
}

static char *dup_str(const std::string &s)
{
    char *p = (char *)malloc(s.size() + 1);

    if (p)
        memcpy(p, s.c_str(), s.size() + 1);
    return p;
}

static bool verbose_log;

extern "C" void sym_chat_set_verbose(bool verbose)
{
    verbose_log = verbose;
    common_log_set_verbosity_thold(verbose ? LOG_LEVEL_INFO : -1);
}

extern "C" struct sym_chat_in sym_chat_in_default(void)
{
    struct sym_chat_in in;

    memset(&in, 0, sizeof in);
    in.enable_thinking = true;
    in.add_generation_prompt = true;
    return in;
}

/* Inputs for a short conversation (system, user), to check that a template renders. */
static common_chat_templates_inputs probe_inputs()
{
    common_chat_templates_inputs in;
    common_chat_msg sys, user;

    sys.role = "system";
    sys.content = "Be brief.";
    user.role = "user";
    user.content = "hi";
    in.messages = {sys, user};
    return in;
}

extern "C" enum sym_status sym_chat_tmpl_init(struct sym_chat_tmpl **out,
                                              const struct llama_model *model, const char *source,
                                              char *err, size_t errlen)
{
    *out = nullptr;
    set_err(err, errlen, "");
    if (!source && (!model || !llama_model_chat_template(model, nullptr))) {
        set_err(err, errlen, "the model has no chat template");
        return SYM_ERR_NOT_FOUND;
    }
    sym_chat_set_verbose(verbose_log);
    sym_chat_tmpl *t = nullptr;
    try {
        t = new sym_chat_tmpl;
        t->tmpls = common_chat_templates_init(model, source ? source : "");
        /* Parsing is lazy in places: render once so a template that cannot run fails here. */
        common_chat_templates_apply(t->tmpls.get(), probe_inputs());
    } catch (const std::bad_alloc &) {
        delete t;
        set_err(err, errlen, "out of memory");
        return SYM_ERR_NOMEM;
    } catch (const std::exception &e) {
        delete t;
        set_err(err, errlen, e.what());
        return SYM_ERR_MODEL;
    } catch (...) {
        delete t;
        set_err(err, errlen, "the chat template failed");
        return SYM_ERR_MODEL;
    }
    *out = t;
    return SYM_OK;
}

extern "C" void sym_chat_tmpl_free(struct sym_chat_tmpl *t)
{
    delete t;
}

extern "C" bool sym_chat_tmpl_supports_tools(const struct sym_chat_tmpl *t)
{
    try {
        auto caps = common_chat_templates_get_caps(t->tmpls.get());
        auto it = caps.find("supports_tools");
        return it != caps.end() && it->second;
    } catch (...) {
        return false;
    }
}

/* The plain messages as the library's. */
static std::vector<common_chat_msg> plain_messages(const struct sym_chat_msg *msgs, size_t n)
{
    std::vector<common_chat_msg> v;

    v.reserve(n);
    for (size_t i = 0; i < n; i++) {
        common_chat_msg m;

        m.role = msgs[i].role;
        m.content = msgs[i].content;
        v.push_back(std::move(m));
    }
    return v;
}

/*
 * A forced call is a call. The library's grammar for tool_choice "required" lets the model write
 * free text before the call's opening marker ("root ::= ... until-N? tool-calls" for Qwen's
 * "<tool_call>"); a model that does not reach for the marker (a small or random-weight one) then
 * writes text until max_tokens and never calls. OpenAI's "required" and a named function mean a
 * call, so that optional text is taken out of the root rule; thinking before the call stays.
 */
static void force_call(std::string &gbnf)
{
    size_t at = gbnf.rfind("\nroot ::= ", std::string::npos);
    size_t start = at == std::string::npos ? (gbnf.rfind("root ::= ", 0) == 0 ? 0 : at) : at + 1;

    if (start == std::string::npos)
        return;
    size_t end = gbnf.find('\n', start);
    std::string line = gbnf.substr(start, end == std::string::npos ? end : end - start);
    size_t u = line.find(" until-");
    if (u == std::string::npos || line.find("tool-call", u) == std::string::npos)
        return;
    size_t q = line.find("? ", u);
    if (q == std::string::npos || line.find(' ', u + 1) != q + 1)
        return;
    line.erase(u, q + 1 - u);
    gbnf.replace(start, line.size() + (q + 1 - u), line);
}

/* Without parallel_tool_calls, one call: the library's "tool-calls ::= (tool-call space)+" lets
 * a model that does not stop call again and again until max_tokens; the repetition goes. */
static void one_call(std::string &gbnf)
{
    size_t start = gbnf.rfind("\ntool-calls ::= (");

    if (start == std::string::npos)
        return;
    size_t end = gbnf.find('\n', start + 1);
    if (end == std::string::npos)
        end = gbnf.size();
    if (end > start + 2 && gbnf.compare(end - 2, 2, ")+") == 0)
        gbnf.erase(end - 1, 1);
}

/* Input errors (bad JSON, bad messages, bad schema) are the caller's; others the template's. */
struct input_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

static common_chat_templates_inputs make_inputs(const struct sym_chat_in *in)
{
    common_chat_templates_inputs ti;

    try {
        if (in->messages_json) {
            common_json msgs = common_json::parse(in->messages_json);
            ti.messages = common_chat_msgs_parse_oaicompat(msgs);
        } else {
            ti.messages = plain_messages(in->msgs, in->n_msgs);
        }
        if (in->tools_json) {
            common_json tools = common_json::parse(in->tools_json);
            ti.tools = common_chat_tools_parse_oaicompat(tools);
        }
        ti.tool_choice =
            common_chat_tool_choice_parse_oaicompat(in->tool_choice ? in->tool_choice : "auto");
        if (in->json_schema) {
            common_json schema = common_json::parse(in->json_schema);
            if (!schema.is_object())
                throw std::invalid_argument("a JSON schema must be an object");
            if (schema.empty())
                schema["type"] = "object"; /* "{}": any object, as json_object asks */
            ti.json_schema = schema.dump();
        }
    } catch (const std::bad_alloc &) {
        throw;
    } catch (const std::exception &e) {
        throw input_error(e.what());
    }
    ti.parallel_tool_calls = in->parallel_tool_calls;
    ti.enable_thinking = in->enable_thinking;
    ti.reasoning_format = COMMON_REASONING_FORMAT_DEEPSEEK;
    ti.add_generation_prompt = in->add_generation_prompt;
    return ti;
}

extern "C" enum sym_status sym_chat_apply(const struct sym_chat_tmpl *t,
                                          const struct sym_chat_in *in,
                                          struct sym_chat_prompt **out, char *err, size_t errlen)
{
    sym_chat_prompt *p = nullptr;

    *out = nullptr;
    set_err(err, errlen, "");
    try {
        common_chat_templates_inputs ti = make_inputs(in);
        p = new sym_chat_prompt;
        try {
            p->params = common_chat_templates_apply(t->tmpls.get(), ti);
        } catch (const std::bad_alloc &) {
            throw;
        } catch (const std::exception &e) {
            /* Schemas and tools are checked while rendering: say whose fault it is. */
            if (!ti.json_schema.empty() || !ti.tools.empty())
                throw input_error(e.what());
            throw;
        }
        p->parser = common_chat_parser_params(p->params);
        p->parser.reasoning_format = COMMON_REASONING_FORMAT_DEEPSEEK;
        p->parser.parse_tool_calls =
            !ti.tools.empty() && ti.tool_choice != COMMON_CHAT_TOOL_CHOICE_NONE;
        if (!p->params.parser.empty())
            p->parser.parser.load(p->params.parser);
        if (ti.tool_choice == COMMON_CHAT_TOOL_CHOICE_REQUIRED && !ti.tools.empty())
            force_call(p->params.grammar);
        if (!ti.parallel_tool_calls && !ti.tools.empty())
            one_call(p->params.grammar);
        for (const auto &s : p->params.additional_stops)
            p->stops.push_back(s.c_str());
        p->stops.push_back(nullptr);
    } catch (const std::bad_alloc &) {
        delete p;
        set_err(err, errlen, "out of memory");
        return SYM_ERR_NOMEM;
    } catch (const input_error &e) {
        delete p;
        set_err(err, errlen, e.what());
        return SYM_ERR_INVALID;
    } catch (const std::exception &e) {
        delete p;
        set_err(err, errlen, e.what());
        return SYM_ERR_MODEL;
    } catch (...) {
        delete p;
        set_err(err, errlen, "the chat template failed");
        return SYM_ERR_MODEL;
    }
    *out = p;
    return SYM_OK;
}

extern "C" void sym_chat_prompt_free(struct sym_chat_prompt *p)
{
    delete p;
}

extern "C" const char *sym_chat_prompt_text(const struct sym_chat_prompt *p)
{
    return p->params.prompt.c_str();
}

extern "C" const char *const *sym_chat_prompt_stops(const struct sym_chat_prompt *p)
{
    return p->stops.data();
}

extern "C" bool sym_chat_prompt_has_grammar(const struct sym_chat_prompt *p)
{
    return !p->params.grammar.empty();
}

extern "C" bool sym_chat_prompt_supports_thinking(const struct sym_chat_prompt *p)
{
    return p->params.supports_thinking;
}

extern "C" const char *sym_chat_prompt_format(const struct sym_chat_prompt *p)
{
    return common_chat_format_name(p->params.format);
}

extern "C" struct llama_sampler *sym_chat_grammar_sampler(const struct sym_chat_prompt *p,
                                                          const struct llama_vocab *vocab,
                                                          char *err, size_t errlen)
{
    llama_sampler *g = nullptr;

    set_err(err, errlen, "");
    if (p->params.grammar.empty())
        return nullptr;
    try {
        /* The triggers as common/sampling.cpp turns them into patterns and tokens. */
        std::vector<std::string> patterns;
        std::vector<llama_token> tokens;
        for (const auto &tr : p->params.grammar_triggers) {
            switch (tr.type) {
            case COMMON_GRAMMAR_TRIGGER_TYPE_WORD: {
                std::vector<llama_token> ids = common_tokenize(vocab, tr.value, false, true);
                if (ids.size() == 1)
                    tokens.push_back(ids[0]);
                else
                    patterns.push_back(regex_escape(tr.value));
                break;
            }
            case COMMON_GRAMMAR_TRIGGER_TYPE_PATTERN:
                patterns.push_back(tr.value);
                break;
            case COMMON_GRAMMAR_TRIGGER_TYPE_PATTERN_FULL: {
                std::string a = tr.value;
                if (a.empty() || a.front() != '^')
                    a = "^" + a;
                if (a.back() != '$')
                    a += "$";
                patterns.push_back(a);
                break;
            }
            case COMMON_GRAMMAR_TRIGGER_TYPE_TOKEN:
                tokens.push_back(tr.token);
                break;
            }
        }
        std::vector<const char *> pats;
        for (const auto &s : patterns)
            pats.push_back(s.c_str());
        const std::string &gbnf = p->params.grammar;
        if (p->params.grammar_lazy) {
            if (pats.empty() && tokens.empty())
                throw std::runtime_error("a lazy grammar without triggers");
            g = llama_sampler_init_grammar_lazy_patterns(vocab, gbnf.c_str(), "root", pats.data(),
                                                         pats.size(), tokens.data(), tokens.size());
        } else {
            g = llama_sampler_init_grammar(vocab, gbnf.c_str(), "root");
        }
        if (!g)
            throw std::runtime_error("the grammar does not parse");
        /* The template already wrote the start of the reply (a "<think>" or the assistant's
         * header), and the grammar begins with it: advance the grammar past the prompt tokens
         * that spell it, as llama-server's sampler does. Those are taken from the end of the
         * prompt as it is tokenized, so a vocabulary that tokenizes the text differently on its
         * own (an SPM space prefix) still feeds exactly what the model saw. */
        const std::string &gp = p->params.generation_prompt;
        if (!p->params.grammar_lazy && !gp.empty()) {
            std::vector<llama_token> all = common_tokenize(vocab, p->params.prompt, false, true);
            std::vector<llama_token> tail;
            std::string text;
            size_t i = all.size();
            while (i > 0 && text.size() < gp.size()) {
                text = common_token_to_piece(vocab, all[--i], true) + text;
                tail.insert(tail.begin(), all[i]);
            }
            if (text != gp) { /* a token straddles the start: as llama-server does */
                tail = common_tokenize(vocab, gp, false, true);
                if (!tail.empty() &&
                    isspace((unsigned char)common_token_to_piece(vocab, tail[0], true)[0]) &&
                    !isspace((unsigned char)gp[0]))
                    tail.erase(tail.begin());
            }
            for (llama_token tok : tail)
                llama_sampler_accept(g, tok);
        }
    } catch (const std::bad_alloc &) {
        if (g)
            llama_sampler_free(g);
        set_err(err, errlen, "out of memory");
        return nullptr;
    } catch (const std::exception &e) {
        if (g)
            llama_sampler_free(g);
        snprintf(err, errlen, "the grammar failed: %s", e.what());
        return nullptr;
    } catch (...) {
        if (g)
            llama_sampler_free(g);
        set_err(err, errlen, "the grammar failed");
        return nullptr;
    }
    return g;
}

extern "C" enum sym_status sym_chat_parse(const struct sym_chat_prompt *p, const char *text,
                                          bool partial, struct sym_chat_parsed *out, char *err,
                                          size_t errlen)
{
    memset(out, 0, sizeof *out);
    set_err(err, errlen, "");
    try {
        common_chat_msg msg = common_chat_parse(text, partial, p->parser);
        common_json calls = common_json::array();
        for (const auto &tc : msg.tool_calls) {
            common_json c = common_json::object();
            c["id"] = tc.id;
            c["type"] = "function";
            common_json fn = common_json::object();
            fn["name"] = tc.name;
            fn["arguments"] = tc.arguments;
            c["function"] = fn;
            calls.push_back(c);
        }
        out->content = dup_str(trimmed(msg.content));
        out->reasoning = dup_str(trimmed(msg.reasoning_content));
        out->tool_calls_json = dup_str(calls.dump());
        out->n_tool_calls = msg.tool_calls.size();
        if (!out->content || !out->reasoning || !out->tool_calls_json)
            throw std::bad_alloc();
        if (out->n_tool_calls) {
            out->calls = (sym_chat_tool_call *)calloc(out->n_tool_calls, sizeof *out->calls);
            if (!out->calls)
                throw std::bad_alloc();
            for (size_t i = 0; i < out->n_tool_calls; i++) {
                const auto &tc = msg.tool_calls[i];
                sym_chat_tool_call *c = &out->calls[i];
                c->id = dup_str(tc.id);
                c->name = dup_str(tc.name);
                c->arguments = dup_str(tc.arguments);
                if (!c->id || !c->name || !c->arguments)
                    throw std::bad_alloc();
            }
        }
    } catch (const std::bad_alloc &) {
        sym_chat_parsed_free(out);
        set_err(err, errlen, "out of memory");
        return SYM_ERR_NOMEM;
    } catch (const std::exception &e) {
        sym_chat_parsed_free(out);
        set_err(err, errlen, e.what());
        return SYM_ERR_INVALID;
    } catch (...) {
        sym_chat_parsed_free(out);
        set_err(err, errlen, "the model's output could not be parsed");
        return SYM_ERR_INVALID;
    }
    return SYM_OK;
}

extern "C" void sym_chat_parsed_free(struct sym_chat_parsed *r)
{
    if (!r)
        return;
    free(r->content);
    free(r->reasoning);
    free(r->tool_calls_json);
    for (size_t i = 0; r->calls && i < r->n_tool_calls; i++) {
        free(r->calls[i].id);
        free(r->calls[i].name);
        free(r->calls[i].arguments);
    }
    free(r->calls);
    memset(r, 0, sizeof *r);
}
