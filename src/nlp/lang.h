/*
 * lang.h: the languages Symbiot answers in.
 */
#ifndef SYM_LANG_H
#define SYM_LANG_H

enum sym_lang {
    SYM_LANG_EN = 0,
    SYM_LANG_RU = 1,
};
#define SYM_N_LANGS 2

#endif
