/*
 * test_llm_facts.c: the checks on the model's side of fact extraction (nlp/llm_facts.h): which
 * messages are worth asking about, and which lines of a model's reply become facts: grounded
 * statements stay; invented ones, questions, "NONE", headings, repeats and the fifth fact go.
 * The replies are written here as a capable model (or a confused one) would write them.
 */
#include <stdio.h>
#include <string.h>

#include "nlp/llm_facts.h"
#include "test.h"

static void test_worth_asking(void)
{
    CHECK(sym_llm_facts_worth_asking("We adopted a kitten called Tom"));
    CHECK(sym_llm_facts_worth_asking("my knee hurts since the marathon"));
    CHECK(sym_llm_facts_worth_asking("I'm allergic to peanuts."));
    CHECK(sym_llm_facts_worth_asking("У меня аллергия на орехи"));
    CHECK(sym_llm_facts_worth_asking("Мы купили дачу под Тверью"));
    CHECK(!sym_llm_facts_worth_asking("What is my sister's name?"));
    CHECK(!sym_llm_facts_worth_asking("Как зовут мою сестру?"));
    CHECK(!sym_llm_facts_worth_asking("Tell me a story about dragons"));
    CHECK(!sym_llm_facts_worth_asking("Give us a hint"));
    CHECK(!sym_llm_facts_worth_asking("Расскажи сказку"));
    CHECK(!sym_llm_facts_worth_asking("I"));
    CHECK(!sym_llm_facts_worth_asking(""));
    CHECK(!sym_llm_facts_worth_asking("The weather in Rome is nice"));
    CHECK(sym_llm_facts_worth_asking("I think so")); /* cheap gate: the model says NONE */
    CHECK(strstr(sym_llm_facts_instructions(), "NONE") != NULL);
}

static void test_parse(void)
{
    struct sym_llm_facts f;

    /* Grounded lines stay, with list markers, quotes and spaces trimmed. */
    CHECK(sym_llm_facts_parse("We adopted a grey kitten called Tom last week, and my son Max "
                              "is thrilled",
                              "- We adopted a grey kitten called Tom.\n"
                              "- My son is called Max.\n",
                              &f) == SYM_OK);
    CHECK(f.n == 2);
    CHECK_STR(f.text[0], "We adopted a grey kitten called Tom.");
    CHECK_STR(f.text[1], "My son is called Max.");

    /* Invented: "Paris", "engineer", "works" were never said. */
    CHECK(sym_llm_facts_parse("I have a cat", "1. I live in Paris.\n2) I work as an engineer.\n",
                              &f) == SYM_OK);
    CHECK(f.n == 0);

    /* Questions, NONE, headings and empty lines go. */
    CHECK(sym_llm_facts_parse("My cat is called Tom",
                              "Facts:\n\nNONE\nIs my cat called Tom?\n\"My cat is called Tom.\"\n",
                              &f) == SYM_OK);
    CHECK(f.n == 1);
    CHECK_STR(f.text[0], "My cat is called Tom.");
    CHECK(sym_llm_facts_parse("I think so", "NONE", &f) == SYM_OK && f.n == 0);
    CHECK(sym_llm_facts_parse("I think so", "None.", &f) == SYM_OK && f.n == 0);

    /* The same fact twice is kept once. */
    CHECK(sym_llm_facts_parse("My cat is called Tom",
                              "My cat is called Tom.\nmy cat is called tom\n", &f) == SYM_OK);
    CHECK(f.n == 1);

    /* Russian: other case forms ground a fact ("Казани" -> "Казань", "орехи" -> "орехов"). */
    CHECK(sym_llm_facts_parse("у меня аллергия на орехи, а живу я теперь в Казани",
                              "• У меня аллергия на орехи.\n• Я живу в Казани.\n"
                              "• Я работаю врачом.\n",
                              &f) == SYM_OK);
    CHECK(f.n == 2);
    CHECK_STR(f.text[0], "У меня аллергия на орехи.");
    CHECK_STR(f.text[1], "Я живу в Казани.");

    /* At most four facts; a line longer than 255 bytes is dropped. */
    {
        char reply[1200];

        snprintf(reply, sizeof reply,
                 "I have a cat.\nI have a dog.\nI have a fish.\n"
                 "I have a parrot.\nI have a horse.\n");
        CHECK(sym_llm_facts_parse("I have a cat, a dog, a fish, a parrot and a horse", reply, &f) ==
              SYM_OK);
        CHECK(f.n == 4);
        memset(reply, 'a', 300);
        memcpy(reply, "I have ", 7);
        reply[300] = '\0';
        CHECK(sym_llm_facts_parse("I have aaaa", reply, &f) == SYM_OK && f.n == 0);
    }
    /* Nothing at all to go on. */
    CHECK(sym_llm_facts_parse("I have a cat", "", &f) == SYM_OK && f.n == 0);
    CHECK(sym_llm_facts_parse("I have a cat", "I have", &f) == SYM_OK && f.n == 0);
}

/* One line at a time, for stopping a streaming model early. */
static void test_line(void)
{
    enum sym_llm_line k;

    CHECK(sym_llm_facts_line("My cat is Tom", "- My cat is called Tom.", &k) == SYM_OK);
    CHECK(k == SYM_LLM_LINE_FACT);
    CHECK(sym_llm_facts_line("My cat is Tom", "I live in Paris.", &k) == SYM_OK);
    CHECK(k == SYM_LLM_LINE_UNGROUNDED);
    CHECK(sym_llm_facts_line("My cat is Tom", "NONE", &k) == SYM_OK && k == SYM_LLM_LINE_NONE);
    CHECK(sym_llm_facts_line("My cat is Tom", "Facts:", &k) == SYM_OK && k == SYM_LLM_LINE_OTHER);
    CHECK(sym_llm_facts_line("My cat is Tom", "", &k) == SYM_OK && k == SYM_LLM_LINE_OTHER);
}

int main(void)
{
    test_worth_asking();
    test_parse();
    test_line();
    return test_report("test_llm_facts");
}
