/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Python values into the library's: string arrays, environments, states. */
#include "pymgr.h"

void pymgr_strv_free(char **strv)
{
	if (!strv)
		return;
	for (char **s = strv; *s; s++)
		PyMem_Free(*s);
	PyMem_Free(strv);
}

/* One str or bytes as a file-system string (PyMem_Malloc'd). */
static char *fs_string(PyObject *obj)
{
	PyObject *bytes = NULL;
	char *s;

	if (!PyUnicode_FSConverter(obj, &bytes))
		return NULL;
	s = PyMem_Malloc(PyBytes_GET_SIZE(bytes) + 1);
	if (s)
		memcpy(s, PyBytes_AS_STRING(bytes), PyBytes_GET_SIZE(bytes) + 1);
	else
		PyErr_NoMemory();
	Py_DECREF(bytes);
	return s;
}

static int strv_from_iterable(PyObject *obj, char ***ret, char *(*item)(PyObject *))
{
	PyObject *seq = PySequence_Fast(obj, "expected a sequence of strings");
	Py_ssize_t n;
	char **v;

	if (!seq)
		return 0;
	n = PySequence_Fast_GET_SIZE(seq);
	v = PyMem_Calloc(n + 1, sizeof(char *));
	if (!v) {
		Py_DECREF(seq);
		PyErr_NoMemory();
		return 0;
	}
	for (Py_ssize_t i = 0; i < n; i++) {
		v[i] = item(PySequence_Fast_GET_ITEM(seq, i));
		if (!v[i]) {
			Py_DECREF(seq);
			pymgr_strv_free(v);
			return 0;
		}
	}
	Py_DECREF(seq);
	*ret = v;
	return 1;
}

int pymgr_strv_converter(PyObject *obj, void *ret)
{
	char ***strv = ret;

	if (!obj) { /* cleanup call */
		pymgr_strv_free(*strv);
		return 1;
	}
	if (obj == Py_None) {
		*strv = NULL;
		return 1;
	}
	if (PyUnicode_Check(obj) || PyBytes_Check(obj)) {
		PyErr_SetString(PyExc_TypeError,
				"expected a sequence of strings, not a single string");
		return 0;
	}
	return strv_from_iterable(obj, strv, fs_string) ? Py_CLEANUP_SUPPORTED : 0;
}

/* (KEY, VALUE) into "KEY=VALUE". */
static char *env_entry(PyObject *pair)
{
	PyObject *key, *value, *joined;
	char *s;

	if (!PyArg_ParseTuple(pair, "OO", &key, &value))
		return NULL;
	if (!PyUnicode_Check(key) || !PyUnicode_Check(value)) {
		PyErr_SetString(PyExc_TypeError, "environment names and values must be str");
		return NULL;
	}
	if (PyUnicode_GetLength(key) == 0 || PyUnicode_FindChar(key, '=', 0, PY_SSIZE_T_MAX, 1) >= 0) {
		PyErr_Format(PyExc_ValueError, "bad environment variable name %R", key);
		return NULL;
	}
	joined = PyUnicode_FromFormat("%U=%U", key, value);
	if (!joined)
		return NULL;
	s = fs_string(joined);
	Py_DECREF(joined);
	return s;
}

int pymgr_env_converter(PyObject *obj, void *ret)
{
	char ***strv = ret;
	PyObject *items;
	int ok;

	if (!obj) {
		pymgr_strv_free(*strv);
		return 1;
	}
	if (obj == Py_None) {
		*strv = NULL;
		return 1;
	}
	if (!PyMapping_Check(obj)) {
		PyErr_SetString(PyExc_TypeError, "env must be a mapping of names to values");
		return 0;
	}
	items = PyMapping_Items(obj);
	if (!items)
		return 0;
	ok = strv_from_iterable(items, strv, env_entry);
	Py_DECREF(items);
	return ok ? Py_CLEANUP_SUPPORTED : 0;
}

PyObject *pymgr_list_from_strv(char *const *strv)
{
	PyObject *list = PyList_New(0);

	for (size_t i = 0; list && strv && strv[i]; i++) {
		PyObject *s = PyUnicode_DecodeFSDefault(strv[i]);

		if (!s || PyList_Append(list, s) < 0)
			Py_CLEAR(list);
		Py_XDECREF(s);
	}
	return list;
}

static int state_bit(PyObject *name, unsigned *mask)
{
	const char *s;
	int st;

	if (!PyUnicode_Check(name)) {
		PyErr_Format(PyExc_TypeError, "a state is a str like \"RUNNING\", not %.100s",
			     Py_TYPE(name)->tp_name);
		return -1;
	}
	s = PyUnicode_AsUTF8(name);
	if (!s)
		return -1;
	st = mgr_state_from_name(s);
	if (st < 0) {
		PyErr_Format(PyExc_ValueError, "unknown state \"%s\" (one of mgr.STATES)", s);
		return -1;
	}
	*mask |= MGR_STATE_BIT(st);
	return 0;
}

int pymgr_state_mask(PyObject *obj, unsigned *ret)
{
	PyObject *it, *item;
	unsigned mask = 0;

	if (PyUnicode_Check(obj)) {
		if (state_bit(obj, &mask) < 0)
			return -1;
		*ret = mask;
		return 0;
	}
	it = PyObject_GetIter(obj);
	if (!it)
		return -1;
	while ((item = PyIter_Next(it))) {
		int r = state_bit(item, &mask);

		Py_DECREF(item);
		if (r < 0) {
			Py_DECREF(it);
			return -1;
		}
	}
	Py_DECREF(it);
	if (PyErr_Occurred())
		return -1;
	if (!mask) {
		PyErr_SetString(PyExc_ValueError, "no state to wait for");
		return -1;
	}
	*ret = mask;
	return 0;
}
