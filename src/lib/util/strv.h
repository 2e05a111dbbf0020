/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NULL-terminated string vectors. */
#ifndef MGR_STRV_H
#define MGR_STRV_H

#include <stdbool.h>
#include <stddef.h>

size_t strv_length(char *const *v);
void strv_free(char **v);
static inline void strv_freep(char ***v) { strv_free(*v); }
#define _cleanup_strv_free_ __attribute__((cleanup(strv_freep)))
/* Append a copy of s; 0 or -ENOMEM. */
int strv_append(char ***v, const char *s);
/* Append s itself, taking ownership (freed on failure). */
int strv_push(char ***v, char *s);
bool strv_contains(char *const *v, const char *s);
char **strv_copy(char *const *v);
/* Split on any of the separator characters, dropping empty words. */
int strv_split(const char *s, const char *separators, char ***ret);
/* Split like a shell would: whitespace, with '...' and "..." quoting and
 * backslash escapes.  -EINVAL on an unterminated quote. */
int strv_split_quoted(const char *s, char ***ret);
/* Join with sep; NULL on ENOMEM. */
char *strv_join(char *const *v, const char *sep);
/* text with each old that at(text, where, strlen(old)) accepts (NULL: all)
 * replaced by new; NULL on ENOMEM. */
char *str_replace(const char *text, const char *old, const char *new,
		  bool (*at)(const char *text, const char *where, size_t n));
void strv_sort(char **v);

#define STRV_FOREACH(s, v) for (char *const *s = (v); s && *s; s++)

#endif
