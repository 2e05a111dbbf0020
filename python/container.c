/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr.Container: the handle, its properties and its config. */
#include "pymgr.h"

#include <errno.h>

static int container_init(ContainerObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "name", "config_path", NULL };
	const char *name, *path = NULL;
	struct mgr_container *c;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "s|z:Container", kwlist, &name, &path))
		return -1;
	if (pymgr_name_check(name) < 0)
		return -1;
	c = mgr_container_new(name, path);
	if (!c) {
		pymgr_raise(-errno, "Failed to make a handle for \"%s\": %s", name, strerror(errno));
		return -1;
	}
	if (!self->lock) {
		self->lock = PyThread_allocate_lock();
		if (!self->lock) {
			mgr_container_free(c);
			PyErr_NoMemory();
			return -1;
		}
	}
	mgr_container_free(self->c);
	self->c = c;
	return 0;
}

static void container_dealloc(ContainerObject *self)
{
	mgr_container_free(self->c);
	if (self->lock)
		PyThread_free_lock(self->lock);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Methods and properties need an initialized handle (a subclass may
 * forget to call __init__). */
int pymgr_container_ready(ContainerObject *self)
{
	if (self->c && self->lock)
		return 1;
	PyErr_SetString(PyExc_RuntimeError, "Container.__init__() was not called");
	return 0;
}

PyObject *pymgr_container_new(const char *name, const char *path)
{
	return PyObject_CallFunction((PyObject *)&ContainerType, "sz", name, path);
}

static PyObject *container_repr(ContainerObject *self)
{
	if (!self->c)
		return PyUnicode_FromString("<mgr.Container (uninitialized)>");
	return PyUnicode_FromFormat("<mgr.Container '%s' in '%s'>", mgr_container_name(self->c),
				    mgr_container_path(self->c));
}

/* --- properties --------------------------------------------------------- */

static PyObject *get_name(ContainerObject *self, void *unused)
{
	return pymgr_container_ready(self) ? PyUnicode_FromString(mgr_container_name(self->c)) : NULL;
}

static PyObject *get_config_path(ContainerObject *self, void *unused)
{
	return pymgr_container_ready(self) ? PyUnicode_DecodeFSDefault(mgr_container_path(self->c)) : NULL;
}

static PyObject *get_config_file_name(ContainerObject *self, void *unused)
{
	return pymgr_container_ready(self) ? PyUnicode_DecodeFSDefault(mgr_config_file(self->c)) : NULL;
}

static PyObject *get_defined(ContainerObject *self, void *unused)
{
	bool defined;

	if (!pymgr_container_ready(self))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	PyThread_acquire_lock(self->lock, WAIT_LOCK);
	defined = mgr_defined(self->c);
	PyThread_release_lock(self->lock);
	Py_END_ALLOW_THREADS
	return PyBool_FromLong(defined);
}

static int container_state(ContainerObject *self, enum mgr_state *ret)
{
	struct pymgr_call call;

	if (!pymgr_container_ready(self))
		return -1;
	CONTAINER_CALL(self, call, mgr_get_state(self->c, ret));
	if (call.r < 0) {
		pymgr_raise_call(&call);
		return -1;
	}
	return 0;
}

static PyObject *get_state(ContainerObject *self, void *unused)
{
	enum mgr_state st;

	if (container_state(self, &st) < 0)
		return NULL;
	return PyUnicode_FromString(mgr_state_name(st));
}

static PyObject *get_running(ContainerObject *self, void *unused)
{
	enum mgr_state st;

	if (container_state(self, &st) < 0)
		return NULL;
	return PyBool_FromLong(st != MGR_STOPPED);
}

static PyObject *get_init_pid(ContainerObject *self, void *unused)
{
	struct pymgr_call call;
	pid_t pid = -1;

	if (!pymgr_container_ready(self))
		return NULL;
	CONTAINER_CALL(self, call, mgr_get_init_pid(self->c, &pid));
	if (call.r == -ESRCH)
		return PyLong_FromLong(-1);
	if (call.r < 0)
		return pymgr_raise_call(&call);
	return PyLong_FromLong(pid);
}

static PyObject *get_uptime(ContainerObject *self, void *unused)
{
	struct pymgr_call call;
	double t = 0;

	if (!pymgr_container_ready(self))
		return NULL;
	CONTAINER_CALL(self, call, mgr_get_uptime(self->c, &t));
	if (call.r == -ESRCH)
		Py_RETURN_NONE;
	if (call.r < 0)
		return pymgr_raise_call(&call);
	return PyFloat_FromDouble(t);
}

static PyObject *get_privileged(ContainerObject *self, void *unused)
{
	struct pymgr_call call;

	if (!pymgr_container_ready(self))
		return NULL;
	CONTAINER_CALL(self, call, mgr_privileged(self->c));
	if (call.r < 0)
		return pymgr_raise_call(&call);
	return PyBool_FromLong(call.r);
}

static PyGetSetDef container_getset[] = {
	{ "name", (getter)PYMGR_FN(get_name), NULL, "The container's name.", NULL },
	{ "config_path", (getter)PYMGR_FN(get_config_path), NULL,
	  "The directory holding the container's directory (mgr-* -P).", NULL },
	{ "config_file_name", (getter)PYMGR_FN(get_config_file_name), NULL,
	  "The path of the container's config file.", NULL },
	{ "defined", (getter)PYMGR_FN(get_defined), NULL,
	  "True when the container exists (its config file does).", NULL },
	{ "privileged", (getter)PYMGR_FN(get_privileged), NULL,
	  "True when the container has no user namespace: root in it is root on the host.",
	  NULL },
	{ "state", (getter)PYMGR_FN(get_state), NULL,
	  "The current state, one of mgr.STATES (\"STOPPED\" when no monitor answers).", NULL },
	{ "running", (getter)PYMGR_FN(get_running), NULL, "True when the state is not STOPPED.", NULL },
	{ "init_pid", (getter)PYMGR_FN(get_init_pid), NULL,
	  "The PID of the container's init as seen from the host; -1 when not running.", NULL },
	{ "uptime", (getter)PYMGR_FN(get_uptime), NULL,
	  "Seconds since the container was started; None when not running.", NULL },
	{ NULL },
};

/* --- config --------------------------------------------------------------- */

static PyObject *container_load_config(ContainerObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "path", NULL };
	struct pymgr_call call;
	const char *path = NULL;

	if (!pymgr_container_ready(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kwds, "|z:load_config", kwlist, &path))
		return NULL;
	CONTAINER_CALL(self, call,
		       path ? mgr_load_config_file(self->c, path) : mgr_load_config(self->c));
	return pymgr_call_none(&call);
}

static PyObject *container_get_config_item(ContainerObject *self, PyObject *args)
{
	struct pymgr_call call;
	const char *key;
	char *value = NULL;
	PyObject *ret;

	if (!pymgr_container_ready(self) || !PyArg_ParseTuple(args, "s:get_config_item", &key))
		return NULL;
	CONTAINER_CALL(self, call, mgr_get_config_item(self->c, key, &value));
	if (call.r < 0)
		return pymgr_raise_call(&call);
	ret = PyUnicode_DecodeFSDefault(value ? value : "");
	free(value);
	return ret;
}

static PyObject *container_set_config_item(ContainerObject *self, PyObject *args)
{
	struct pymgr_call call;
	const char *key, *value;

	if (!pymgr_container_ready(self) ||
	    !PyArg_ParseTuple(args, "ss:set_config_item", &key, &value))
		return NULL;
	CONTAINER_CALL(self, call, mgr_set_config_item(self->c, key, value));
	return pymgr_call_none(&call);
}

static PyObject *container_clear_config_item(ContainerObject *self, PyObject *args)
{
	struct pymgr_call call;
	const char *key;

	if (!pymgr_container_ready(self) || !PyArg_ParseTuple(args, "s:clear_config_item", &key))
		return NULL;
	CONTAINER_CALL(self, call, mgr_clear_config_item(self->c, key));
	return pymgr_call_none(&call);
}

static PyObject *container_save_config(ContainerObject *self, PyObject *unused)
{
	struct pymgr_call call;

	if (!pymgr_container_ready(self))
		return NULL;
	CONTAINER_CALL(self, call, mgr_save_config(self->c));
	return pymgr_call_none(&call);
}

PyMethodDef pymgr_container_config_methods[] = {
	{ "load_config", METH_KW(container_load_config),
	  "load_config($self, /, path=None)\n--\n\n"
	  "Read the container's config file again, or the file path instead.\n"
	  "Raises mgr.Error naming the file, line and key of a bad config." },
	{ "get_config_item", (PyCFunction)PYMGR_FN(container_get_config_item), METH_VARARGS,
	  "get_config_item($self, key, /)\n--\n\n"
	  "The value of key (\"mgr.uts.name\", \"lxc.uts.name\" or \"uts.name\"); for a\n"
	  "key that takes a list, one value per line; \"\" when unset." },
	{ "set_config_item", (PyCFunction)PYMGR_FN(container_set_config_item), METH_VARARGS,
	  "set_config_item($self, key, value, /)\n--\n\n"
	  "Set key in the loaded config (an empty value clears it, a list key\n"
	  "gets one more value).  save_config() writes it to the file." },
	{ "clear_config_item", (PyCFunction)PYMGR_FN(container_clear_config_item), METH_VARARGS,
	  "clear_config_item($self, key, /)\n--\n\nUnset key in the loaded config." },
	{ "save_config", (PyCFunction)PYMGR_FN(container_save_config), METH_NOARGS,
	  "save_config($self, /)\n--\n\nWrite the loaded config to the container's config file." },
	{ NULL },
};

/* The three method tables in one, made once at module init. */
static PyMethodDef container_methods[64];

static int container_methods_join(void)
{
	PyMethodDef *tables[] = { pymgr_container_config_methods, pymgr_container_life_methods,
				  pymgr_container_inside_methods };
	size_t n = 0;

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (PyMethodDef *m = tables[t]; m->ml_name; m++) {
			if (n + 1 >= sizeof(container_methods) / sizeof(container_methods[0])) {
				PyErr_SetString(PyExc_SystemError, "too many Container methods");
				return -1;
			}
			container_methods[n++] = *m;
		}
	return 0;
}

PyTypeObject ContainerType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "mgr.Container",
	.tp_basicsize = sizeof(ContainerObject),
	.tp_dealloc = (destructor)PYMGR_FN(container_dealloc),
	.tp_repr = (reprfunc)PYMGR_FN(container_repr),
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.tp_doc = "Container(name, config_path=None)\n--\n\n"
		  "A system container NAME under config_path (None: mgr.default_config_path),\n"
		  "whether it exists yet or not.  Its config is read when it exists.\n"
		  "Every failing call raises mgr.Error.  Long calls release the GIL; a\n"
		  "Container may be shared by threads, which then take turns.",
	.tp_getset = container_getset,
	.tp_methods = container_methods,
	.tp_init = (initproc)PYMGR_FN(container_init),
	.tp_new = PyType_GenericNew,
};

int pymgr_container_type_ready(void)
{
	if (container_methods_join() < 0)
		return -1;
	return PyType_Ready(&ContainerType);
}
