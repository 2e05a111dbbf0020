/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The mgr Python module: one Container type over a libmgr handle, and the
 * helpers its files share.
 */
#ifndef PYMGR_H
#define PYMGR_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pythread.h>
#include <stdio.h>

#include <mgr/mgr.h>

/* A container handle.  Every library call on it holds lock, with the GIL
 * released: threads may share a Container, one call at a time. */
typedef struct {
	PyObject_HEAD
	struct mgr_container *c;
	PyThread_type_lock lock;
} ContainerObject;

/* A function of another signature in a method table or a type slot. */
#define PYMGR_FN(f) ((void (*)(void))(f))
#define METH_KW(f) (PyCFunction)PYMGR_FN(f), METH_VARARGS | METH_KEYWORDS

extern PyTypeObject ContainerType;
extern PyObject *pymgr_error;
extern PyTypeObject *pymgr_snapshot_type;

/* The outcome of one library call on a container: its return value and,
 * after a failure, the handle's message, copied while the lock was held. */
struct pymgr_call {
	int r;
	char msg[1024];
};

/* Run expr (a libmgr call on self->c) with the GIL released and the
 * handle locked, its result in call. */
#define CONTAINER_CALL(self, call, expr)                                              \
	do {                                                                          \
		Py_BEGIN_ALLOW_THREADS                                                \
		PyThread_acquire_lock((self)->lock, WAIT_LOCK);                       \
		mgr_clear_error((self)->c);                                           \
		(call).r = (expr);                                                    \
		if ((call).r < 0)                                                     \
			snprintf((call).msg, sizeof((call).msg), "%s",                \
				 mgr_last_error((self)->c));                          \
		PyThread_release_lock((self)->lock);                                  \
		Py_END_ALLOW_THREADS                                                  \
	} while (0)

/* Raise mgr.Error(errno, message) for the negative errno r; returns NULL. */
PyObject *pymgr_raise(int r, const char *fmt, ...);
/* 0 when name is a valid container name, else -1 with mgr.Error (EINVAL)
 * saying why. */
int pymgr_name_check(const char *name);
/* Raise mgr.Error for a failed CONTAINER_CALL; returns NULL. */
PyObject *pymgr_raise_call(const struct pymgr_call *call);
/* None after a CONTAINER_CALL that worked; else raise as above. */
PyObject *pymgr_call_none(const struct pymgr_call *call);

/* "O&" converters.  strv: a sequence of str or bytes (not one str) into a
 * NULL-terminated array of file-system strings, None into NULL; release
 * with pymgr_strv_free().  env: a mapping into "KEY=VALUE" strings. */
int pymgr_strv_converter(PyObject *obj, void *ret);
int pymgr_env_converter(PyObject *obj, void *ret);
void pymgr_strv_free(char **strv);
/* A list of str from a NULL-terminated array. */
PyObject *pymgr_list_from_strv(char *const *strv);

/* A state name ("RUNNING", case-insensitive) or an iterable of them into a
 * mask of MGR_STATE_BIT()s; -1 with an exception set. */
int pymgr_state_mask(PyObject *obj, unsigned *ret);

/* A Container for name under path: a new handle. */
PyObject *pymgr_container_new(const char *name, const char *path);
int pymgr_container_type_ready(void);
/* 1 when self has a handle, else 0 with RuntimeError set. */
int pymgr_container_ready(ContainerObject *self);

extern PyMethodDef pymgr_container_life_methods[];
extern PyMethodDef pymgr_container_inside_methods[];
extern PyMethodDef pymgr_container_config_methods[];

#endif
