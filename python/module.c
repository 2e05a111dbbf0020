/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mgr module: its functions, constants and types. */
#include "pymgr.h"

#include <errno.h>

PyTypeObject *pymgr_snapshot_type;

static PyObject *list_containers(PyObject *mod, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "config_path", "active", "as_object", NULL };
	const char *path = NULL;
	int active = 0, as_object = 0, n;
	char **names = NULL;
	PyObject *ret;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "|zpp:list_containers", kwlist, &path,
					 &active, &as_object))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	n = mgr_list(path, active ? MGR_LIST_ACTIVE : MGR_LIST_DEFINED, &names);
	Py_END_ALLOW_THREADS
	if (n < 0)
		return pymgr_raise(n, "Failed to list the containers in \"%s\": %s",
				   path ? path : mgr_default_path(), strerror(-n));
	if (!as_object) {
		ret = pymgr_list_from_strv(names);
		mgr_free_strv(names);
		return ret;
	}
	ret = PyList_New(0);
	for (int i = 0; ret && i < n; i++) {
		PyObject *c = pymgr_container_new(names[i], path);

		if (!c || PyList_Append(ret, c) < 0)
			Py_CLEAR(ret);
		Py_XDECREF(c);
	}
	mgr_free_strv(names);
	return ret;
}

static PyObject *config_keys(PyObject *mod, PyObject *unused)
{
	return pymgr_list_from_strv((char *const *)mgr_config_keys());
}

static PyObject *name_check(PyObject *mod, PyObject *args)
{
	const char *name;

	if (!PyArg_ParseTuple(args, "s:name_check", &name) || pymgr_name_check(name) < 0)
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *parse_size(PyObject *mod, PyObject *args)
{
	const char *s;
	uint64_t size;
	int r;

	if (!PyArg_ParseTuple(args, "s:parse_size", &s))
		return NULL;
	r = mgr_size_parse(s, &size);
	if (r < 0)
		return pymgr_raise(r, "Invalid size \"%s\" (like 500M, 10G): %s", s, strerror(-r));
	return PyLong_FromUnsignedLongLong(size);
}

static PyMethodDef module_methods[] = {
	{ "list_containers", (PyCFunction)(void (*)(void))list_containers,
	  METH_VARARGS | METH_KEYWORDS,
	  "list_containers(config_path=None, active=False, as_object=False)\n--\n\n"
	  "The names of the containers under config_path (None: the default path),\n"
	  "sorted; active: only those not STOPPED; as_object: Containers." },
	{ "config_keys", config_keys, METH_NOARGS,
	  "config_keys()\n--\n\nEvery config key the library knows." },
	{ "name_check", name_check, METH_VARARGS,
	  "name_check(name, /)\n--\n\nRaise mgr.Error (EINVAL) saying why name is not a valid container name." },
	{ "parse_size", parse_size, METH_VARARGS,
	  "parse_size(size, /)\n--\n\nBytes of a size as the config takes it (\"64K\", \"10G\": powers of 1024)." },
	{ NULL },
};

static PyStructSequence_Field snapshot_fields[] = {
	{ "name", "its name, \"snap0\", \"snap1\", ..." },
	{ "dir", "its directory" },
	{ "time", "when it was made, seconds since the epoch (0: unknown)" },
	{ "comment", "the comment given to snapshot(), or None" },
	{ NULL },
};

static PyStructSequence_Desc snapshot_desc = {
	"mgr.Snapshot", "A snapshot of a container (Container.snapshot_list()).", snapshot_fields, 4,
};

static int add_states(PyObject *m)
{
	PyObject *t = PyTuple_New(_MGR_STATE_MAX);

	if (!t)
		return -1;
	for (int s = 0; s < _MGR_STATE_MAX; s++) {
		PyObject *name = PyUnicode_FromString(mgr_state_name(s));

		if (!name) {
			Py_DECREF(t);
			return -1;
		}
		PyTuple_SET_ITEM(t, s, name);
	}
	return PyModule_AddObject(m, "STATES", t) < 0 ? (Py_DECREF(t), -1) : 0;
}

static int module_exec(PyObject *m)
{
	pymgr_error = PyErr_NewExceptionWithDoc(
		"mgr.Error",
		"A libmgr call failed: errno is the error number, strerror the\n"
		"library's message naming the container, what failed and why.",
		PyExc_OSError, NULL);
	if (!pymgr_error || PyModule_AddObjectRef(m, "Error", pymgr_error) < 0)
		return -1;
	pymgr_snapshot_type = PyStructSequence_NewType(&snapshot_desc);
	if (!pymgr_snapshot_type ||
	    PyModule_AddObjectRef(m, "Snapshot", (PyObject *)pymgr_snapshot_type) < 0)
		return -1;
	if (pymgr_container_type_ready() < 0 ||
	    PyModule_AddObjectRef(m, "Container", (PyObject *)&ContainerType) < 0)
		return -1;
	if (PyModule_AddStringConstant(m, "version", mgr_version()) < 0 ||
	    PyModule_AddStringConstant(m, "default_config_path", mgr_default_path()) < 0 ||
	    add_states(m) < 0)
		return -1;
	return 0;
}

static struct PyModuleDef module = {
	PyModuleDef_HEAD_INIT,
	.m_name = "mgr",
	.m_doc = "System containers (mgr) from Python.\n\n"
		 "mgr.Container(name) stands for one container; its methods create,\n"
		 "start, attach to, freeze, clone, stop and destroy it, as the mgr-*\n"
		 "tools do.  Every failure raises mgr.Error, an OSError with the\n"
		 "library's errno and message.  Long calls release the GIL.",
	.m_size = -1,
	.m_methods = module_methods,
};

PyMODINIT_FUNC PyInit_mgr(void);
PyMODINIT_FUNC PyInit_mgr(void)
{
	PyObject *m = PyModule_Create(&module);

	if (m && module_exec(m) < 0)
		Py_CLEAR(m);
	return m;
}
