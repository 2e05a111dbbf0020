/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr.Container: commands and terminals inside, networks, cgroups, usage. */
#include "pymgr.h"

#include <errno.h>
#include <stdlib.h>

struct flag_name {
	const char *name;
	unsigned flag;
};

static const struct flag_name namespace_names[] = {
	{ "mount", MGR_ATTACH_NS_MOUNT }, { "pid", MGR_ATTACH_NS_PID },
	{ "uts", MGR_ATTACH_NS_UTS },     { "ipc", MGR_ATTACH_NS_IPC },
	{ "net", MGR_ATTACH_NS_NET },     { "cgroup", MGR_ATTACH_NS_CGROUP },
	{ "user", MGR_ATTACH_NS_USER },   { NULL, 0 },
};

static const struct flag_name elevated_names[] = {
	{ "caps", MGR_ATTACH_KEEP_CAPS },
	{ "cgroup", MGR_ATTACH_KEEP_CGROUP },
	{ "lsm", MGR_ATTACH_KEEP_LSM },
	{ NULL, 0 },
};

/* An iterable of names into flags; what names the keyword in errors. */
static int flags_from_names(PyObject *obj, const struct flag_name *names, const char *what,
			    unsigned *ret)
{
	PyObject *it = PyObject_GetIter(obj), *item;
	unsigned flags = 0;

	if (!it || PyUnicode_Check(obj)) {
		Py_XDECREF(it);
		PyErr_Format(PyExc_TypeError, "%s is an iterable of names", what);
		return -1;
	}
	while ((item = PyIter_Next(it))) {
		const char *s = PyUnicode_Check(item) ? PyUnicode_AsUTF8(item) : NULL;
		const struct flag_name *n;

		for (n = names; s && n->name && strcmp(n->name, s) != 0; n++)
			;
		if (!s || !n->name) {
			if (!PyErr_Occurred())
				PyErr_Format(PyExc_ValueError, "%s: unknown name %R", what, item);
			Py_DECREF(item);
			Py_DECREF(it);
			return -1;
		}
		flags |= n->flag;
		Py_DECREF(item);
	}
	Py_DECREF(it);
	if (PyErr_Occurred())
		return -1;
	*ret = flags;
	return 0;
}

static int env_policy_parse(const char *s, enum mgr_attach_env *ret)
{
	if (!s || strcmp(s, "default") == 0)
		*ret = MGR_ATTACH_ENV_DEFAULT;
	else if (strcmp(s, "keep") == 0)
		*ret = MGR_ATTACH_ENV_KEEP;
	else if (strcmp(s, "clear") == 0)
		*ret = MGR_ATTACH_ENV_CLEAR;
	else {
		PyErr_Format(PyExc_ValueError,
			     "env_policy is \"default\", \"keep\" or \"clear\", not \"%s\"", s);
		return -1;
	}
	return 0;
}

/* A user or group id; None leaves *ret alone. */
static int id_from_object(PyObject *obj, const char *what, unsigned *ret)
{
	long v;

	if (obj == Py_None)
		return 0;
	v = PyLong_AsLong(obj);
	if (v == -1 && PyErr_Occurred())
		return -1;
	if (v < 0 || v >= (long)(uid_t)-1) {
		PyErr_Format(PyExc_ValueError, "%s %ld out of range", what, v);
		return -1;
	}
	*ret = (unsigned)v;
	return 0;
}

/* The options of attach_wait() other than the command. */
static int attach_options(struct mgr_attach_options *o, PyObject *namespaces,
			  PyObject *elevated, const char *env_policy, PyObject *uid, PyObject *gid)
{
	if (namespaces != Py_None &&
	    flags_from_names(namespaces, namespace_names, "namespaces", &o->namespaces) < 0)
		return -1;
	if (PyBool_Check(elevated))
		o->elevated = elevated == Py_True ? MGR_ATTACH_KEEP_ALL : 0;
	else if (flags_from_names(elevated, elevated_names, "elevated", &o->elevated) < 0)
		return -1;
	if (env_policy_parse(env_policy, &o->env_policy) < 0)
		return -1;
	if (id_from_object(uid, "uid", &o->uid) < 0 || id_from_object(gid, "gid", &o->gid) < 0)
		return -1;
	return 0;
}

static PyObject *container_attach_wait(ContainerObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "argv", "env", "env_policy", "keep_env", "uid", "gid",
				  "cwd", "namespaces", "elevated", NULL };
	struct mgr_attach_options o = MGR_ATTACH_OPTIONS_INIT;
	PyObject *namespaces = Py_None, *elevated = Py_False, *uid = Py_None, *gid = Py_None;
	char **argv = NULL, **env = NULL, **keep = NULL;
	const char *env_policy = NULL;
	struct pymgr_call call;
	PyObject *ret = NULL;
	int code = -1;

	if (!pymgr_container_ready(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kwds, "|O&$O&zO&OOzOO:attach_wait", kwlist,
					 pymgr_strv_converter, &argv, pymgr_env_converter, &env,
					 &env_policy, pymgr_strv_converter, &keep, &uid, &gid,
					 &o.cwd, &namespaces, &elevated))
		return NULL;
	if (attach_options(&o, namespaces, elevated, env_policy, uid, gid) < 0)
		goto out;
	o.extra_env = env;
	o.keep_vars = keep;
	CONTAINER_CALL(self, call, mgr_attach(self->c, &o, argv, &code));
	if (call.r < 0)
		pymgr_raise_call(&call);
	else
		ret = PyLong_FromLong(code);
out:
	pymgr_strv_free(argv);
	pymgr_strv_free(env);
	pymgr_strv_free(keep);
	return ret;
}

static PyObject *container_console(ContainerObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "ttynum", "stdin", "stdout", "escape", NULL };
	PyObject *in = NULL, *out = NULL, *escape = NULL;
	int ttynum = -1, in_fd = 0, out_fd = 1, esc = 1;
	struct pymgr_call call;

	if (!pymgr_container_ready(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kwds, "|iOOO:console", kwlist, &ttynum, &in, &out,
					 &escape))
		return NULL;
	if ((in && (in_fd = PyObject_AsFileDescriptor(in)) < 0) ||
	    (out && (out_fd = PyObject_AsFileDescriptor(out)) < 0))
		return NULL;
	if (escape == Py_None)
		esc = -1;
	else if (escape) {
		const char *s = PyUnicode_Check(escape) ? PyUnicode_AsUTF8(escape) : NULL;

		if (!s || s[0] < 'a' || s[0] > 'z' || s[1]) {
			PyErr_SetString(PyExc_ValueError,
					"escape is one letter (\"a\" for Ctrl-a) or None");
			return NULL;
		}
		esc = s[0] - 'a' + 1;
	}
	CONTAINER_CALL(self, call, mgr_console(self->c, ttynum, in_fd, out_fd, esc));
	if (call.r == -EINTR) {
		if (PyErr_CheckSignals() < 0)
			return NULL;
		Py_RETURN_FALSE;
	}
	if (call.r < 0)
		return pymgr_raise_call(&call);
	return PyBool_FromLong(call.r == 1);
}

static PyObject *container_console_log(ContainerObject *self, PyObject *unused)
{
	struct pymgr_call call;
	char *buf = NULL;
	size_t len = 0;
	PyObject *ret;

	if (!pymgr_container_ready(self))
		return NULL;
	CONTAINER_CALL(self, call, mgr_console_log(self->c, &buf, &len));
	if (call.r < 0)
		return pymgr_raise_call(&call);
	ret = PyBytes_FromStringAndSize(buf, (Py_ssize_t)len);
	free(buf);
	return ret;
}

/* --- networks --------------------------------------------------------------- */

static PyObject *strv_result(struct pymgr_call *call, char **strv)
{
	PyObject *ret;

	if (call->r < 0)
		return pymgr_raise_call(call);
	ret = pymgr_list_from_strv(strv);
	mgr_free_strv(strv);
	return ret;
}

static PyObject *container_get_ips(ContainerObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "family", NULL };
	const char *family = NULL;
	struct pymgr_call call;
	char **ips = NULL;

	if (!pymgr_container_ready(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kwds, "|z:get_ips", kwlist, &family))
		return NULL;
	if (family && strcmp(family, "inet") != 0 && strcmp(family, "inet6") != 0) {
		PyErr_Format(PyExc_ValueError, "family is \"inet\", \"inet6\" or None, not \"%s\"",
			     family);
		return NULL;
	}
	CONTAINER_CALL(self, call, mgr_get_ips(self->c, family, &ips));
	return strv_result(&call, ips);
}

static PyObject *container_get_interfaces(ContainerObject *self, PyObject *unused)
{
	struct pymgr_call call;
	char **links = NULL;

	if (!pymgr_container_ready(self))
		return NULL;
	CONTAINER_CALL(self, call, mgr_get_net_links(self->c, &links));
	return strv_result(&call, links);
}

/* --- cgroups and usage -------------------------------------------------------- */

static PyObject *container_get_cgroup_item(ContainerObject *self, PyObject *args)
{
	struct pymgr_call call;
	const char *key;
	char *value = NULL;
	PyObject *ret;

	if (!pymgr_container_ready(self) || !PyArg_ParseTuple(args, "s:get_cgroup_item", &key))
		return NULL;
	CONTAINER_CALL(self, call, mgr_get_cgroup_item(self->c, key, &value));
	if (call.r < 0)
		return pymgr_raise_call(&call);
	ret = PyUnicode_FromString(value);
	free(value);
	return ret;
}

static PyObject *container_set_cgroup_item(ContainerObject *self, PyObject *args)
{
	struct pymgr_call call;
	const char *key, *value;

	if (!pymgr_container_ready(self) ||
	    !PyArg_ParseTuple(args, "ss:set_cgroup_item", &key, &value))
		return NULL;
	CONTAINER_CALL(self, call, mgr_set_cgroup_item(self->c, key, value));
	return pymgr_call_none(&call);
}

static int dict_set_u64(PyObject *d, const char *key, uint64_t v)
{
	PyObject *o = v == MGR_STATS_UNLIMITED ? Py_NewRef(Py_None)
					       : PyLong_FromUnsignedLongLong(v);
	int r;

	if (!o)
		return -1;
	r = PyDict_SetItemString(d, key, o);
	Py_DECREF(o);
	return r;
}

static PyObject *stats_dict(const struct mgr_stats *s)
{
	PyObject *d = PyDict_New(), *net = NULL;
	int r = 0;

	if (!d)
		return NULL;
	if (s->have & MGR_STATS_CPU)
		r |= dict_set_u64(d, "cpu_ns", s->cpu_ns);
	if (s->have & MGR_STATS_MEMORY)
		r |= dict_set_u64(d, "memory_bytes", s->memory_bytes);
	if (s->have & MGR_STATS_MEMORY_PEAK)
		r |= dict_set_u64(d, "memory_peak_bytes", s->memory_peak_bytes);
	if (s->have & MGR_STATS_MEMORY_LIMIT)
		r |= dict_set_u64(d, "memory_limit_bytes", s->memory_limit_bytes);
	if (s->have & MGR_STATS_PIDS)
		r |= dict_set_u64(d, "pids", s->pids);
	if (s->have & MGR_STATS_BLKIO) {
		r |= dict_set_u64(d, "blkio_read_bytes", s->blkio_read_bytes);
		r |= dict_set_u64(d, "blkio_write_bytes", s->blkio_write_bytes);
	}
	if (s->have & MGR_STATS_NET) {
		net = PyDict_New();
		for (size_t i = 0; net && i < s->n_net; i++) {
			PyObject *t = Py_BuildValue("(KK)", (unsigned long long)s->net[i].rx_bytes,
						    (unsigned long long)s->net[i].tx_bytes);

			if (!t || PyDict_SetItemString(net, s->net[i].name, t) < 0)
				Py_CLEAR(net);
			Py_XDECREF(t);
		}
		r |= !net || PyDict_SetItemString(d, "net", net) < 0 ? -1 : 0;
		Py_XDECREF(net);
	}
	if (r < 0) {
		Py_DECREF(d);
		return NULL;
	}
	return d;
}

static PyObject *container_get_stats(ContainerObject *self, PyObject *unused)
{
	struct mgr_stats stats = { 0 };
	struct pymgr_call call;
	PyObject *ret;

	if (!pymgr_container_ready(self))
		return NULL;
	CONTAINER_CALL(self, call, mgr_get_stats(self->c, &stats));
	if (call.r < 0)
		return pymgr_raise_call(&call);
	ret = stats_dict(&stats);
	mgr_stats_free(&stats);
	return ret;
}

PyMethodDef pymgr_container_inside_methods[] = {
	{ "attach_wait", METH_KW(container_attach_wait),
	  "attach_wait($self, /, argv=None, *, env=None, env_policy=\"default\", keep_env=(),\n"
	  "            uid=None, gid=None, cwd=None, namespaces=None, elevated=())\n--\n\n"
	  "Run argv (None: the user's login shell) inside the running container, as\n"
	  "mgr-attach does, wait for it and return its exit code (128+N for death\n"
	  "by signal N).  It has this process's stdin, stdout and stderr (a pty of\n"
	  "the container when both stdin and stdout are terminals).  env: variables\n"
	  "set last; env_policy: \"default\" (nothing of this process's environment\n"
	  "but TERM: container=mgr, a default PATH, HOME, USER, LOGNAME and SHELL\n"
	  "of the user inside), \"clear\" (the same) or \"keep\" (all of it);\n"
	  "keep_env: names of this process's variables passed on too.  uid, gid:\n"
	  "the identity inside (default root; the gid from the container's\n"
	  "/etc/passwd).  cwd: default the user's home.  namespaces: names of\n"
	  "the namespaces to join (\"mount\", \"pid\", \"uts\", \"ipc\", \"net\",\n"
	  "\"cgroup\", \"user\"; None: all).\n"
	  "elevated: what to keep of this process's privileges (\"caps\", \"cgroup\",\n"
	  "\"lsm\", or True for all).  A command that cannot be run raises mgr.Error.\n"
	  "Ctrl-C (KeyboardInterrupt) is seen once the command has ended." },
	{ "console", METH_KW(container_console),
	  "console($self, /, ttynum=-1, stdin=0, stdout=1, escape=\"a\")\n--\n\n"
	  "Connect stdin/stdout (fds or files) to a terminal of the running\n"
	  "container: ttynum 0 its console, N its ttyN, -1 the first free one.\n"
	  "Ctrl-<escape> q detaches (None: no escape).  Returns True when the\n"
	  "container closed the session, False when the user detached." },
	{ "console_log", (PyCFunction)PYMGR_FN(container_console_log), METH_NOARGS,
	  "console_log($self, /)\n--\n\nThe console output the monitor keeps (console.buffer.size), as bytes." },
	{ "get_ips", METH_KW(container_get_ips),
	  "get_ips($self, /, family=None)\n--\n\n"
	  "The addresses of the running container (no loopback, no link-local),\n"
	  "family \"inet\" or \"inet6\" (None: both, IPv4 first)." },
	{ "get_interfaces", (PyCFunction)PYMGR_FN(container_get_interfaces), METH_NOARGS,
	  "get_interfaces($self, /)\n--\n\nThe host ends of the running container's network devices." },
	{ "get_cgroup_item", (PyCFunction)PYMGR_FN(container_get_cgroup_item), METH_VARARGS,
	  "get_cgroup_item($self, key, /)\n--\n\n"
	  "A cgroup setting of the running container, now: an interface file\n"
	  "(\"pids.max\", \"memory.max\") or a limits key (\"limits.memory\")." },
	{ "set_cgroup_item", (PyCFunction)PYMGR_FN(container_set_cgroup_item), METH_VARARGS,
	  "set_cgroup_item($self, key, value, /)\n--\n\n"
	  "Change a cgroup setting of the running container now (the config is\n"
	  "not touched)." },
	{ "get_stats", (PyCFunction)PYMGR_FN(container_get_stats), METH_NOARGS,
	  "get_stats($self, /)\n--\n\n"
	  "What the running container has used: a dict with cpu_ns, memory_bytes,\n"
	  "memory_peak_bytes, memory_limit_bytes (None: no limit), pids,\n"
	  "blkio_read_bytes, blkio_write_bytes and net ({device: (rx_bytes,\n"
	  "tx_bytes)}), each only where the host gives it." },
	{ NULL },
};
