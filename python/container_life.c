/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr.Container: create, start, stop, wait, freeze, clone, snapshots. */
#include "pymgr.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

/* A size for fssize=: bytes as an int, or text as the config takes it. */
static int size_converter(PyObject *obj, void *ret)
{
	uint64_t *size = ret;
	const char *s;

	if (obj == Py_None)
		return 1;
	if (PyLong_Check(obj)) {
		unsigned long long v = PyLong_AsUnsignedLongLong(obj);

		if (PyErr_Occurred())
			return 0;
		*size = v;
		return 1;
	}
	s = PyUnicode_Check(obj) ? PyUnicode_AsUTF8(obj) : NULL;
	if (!s) {
		if (!PyErr_Occurred())
			PyErr_SetString(PyExc_TypeError, "fssize is an int (bytes) or a str like \"10G\"");
		return 0;
	}
	if (mgr_size_parse(s, size) < 0) {
		PyErr_Format(PyExc_ValueError, "bad size \"%s\" (like 500M, 10G)", s);
		return 0;
	}
	return 1;
}

/* --- create, destroy, clone, rename --------------------------------------- */

static PyObject *container_create(ContainerObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "template", "args", "config", "backend", "dir", "fssize",
				  "fstype", "vgname", "lvname", "thinpool", "unprivileged",
				  "privileged", "quiet", NULL };
	struct mgr_create_options o = { 0 };
	char **targv = NULL;
	int unprivileged = 0, privileged = 0, quiet = 0;
	struct pymgr_call call;

	if (!pymgr_container_ready(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kwds, "|zO&$zzzO&zzzzppp:create", kwlist,
					 &o.template_name, pymgr_strv_converter, &targv,
					 &o.config_file, &o.storage.backend, &o.storage.rootfs_dir,
					 size_converter, &o.storage.fssize, &o.storage.fstype,
					 &o.storage.vgname, &o.storage.lvname, &o.storage.thinpool,
					 &unprivileged, &privileged, &quiet))
		return NULL;
	o.template_argv = targv;
	o.flags = (quiet ? MGR_CREATE_QUIET : 0) | (unprivileged ? MGR_CREATE_UNPRIVILEGED : 0) |
		  (privileged ? MGR_CREATE_PRIVILEGED : 0);
	CONTAINER_CALL(self, call, mgr_create(self->c, &o));
	pymgr_strv_free(targv);
	return pymgr_call_none(&call);
}

static PyObject *container_destroy(ContainerObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "force", "snapshots", NULL };
	int force = 0, snapshots = 0;
	struct pymgr_call call;
	unsigned flags;

	if (!pymgr_container_ready(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kwds, "|pp:destroy", kwlist, &force, &snapshots))
		return NULL;
	flags = (force ? MGR_DESTROY_FORCE : 0) | (snapshots ? MGR_DESTROY_SNAPSHOTS : 0);
	CONTAINER_CALL(self, call, mgr_destroy(self->c, flags));
	return pymgr_call_none(&call);
}

static PyObject *container_clone(ContainerObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "newname", "config_path", "snapshot", "keepname", "keepmac",
				  "live", "ephemeral", "backend", "dir", "fssize", "fstype",
				  "vgname", "lvname", "thinpool", NULL };
	struct mgr_storage_options s = { 0 };
	int snapshot = 0, keepname = 0, keepmac = 0, live = 0, ephemeral = 0;
	const char *newname, *newpath = NULL;
	struct pymgr_call call;
	unsigned flags;

	if (!pymgr_container_ready(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kwds, "s|z$pppppzzO&zzzz:clone", kwlist, &newname,
					 &newpath, &snapshot, &keepname, &keepmac, &live,
					 &ephemeral, &s.backend, &s.rootfs_dir, size_converter,
					 &s.fssize, &s.fstype, &s.vgname, &s.lvname, &s.thinpool))
		return NULL;
	if (pymgr_name_check(newname) < 0)
		return NULL;
	flags = (snapshot ? MGR_CLONE_SNAPSHOT : 0) | (keepname ? MGR_CLONE_KEEPNAME : 0) |
		(keepmac ? MGR_CLONE_KEEPMACADDR : 0) | (live ? MGR_CLONE_LIVE : 0) |
		(ephemeral ? MGR_CLONE_EPHEMERAL : 0);
	CONTAINER_CALL(self, call, mgr_clone(self->c, newname, newpath, flags, &s));
	if (call.r < 0)
		return pymgr_raise_call(&call);
	return pymgr_container_new(newname, newpath ? newpath : mgr_container_path(self->c));
}

static PyObject *container_shift(ContainerObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "privileged", "chown", NULL };
	int privileged = 0, chown_files = 0;
	struct pymgr_call call;

	if (!pymgr_container_ready(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kwds, "|$pp:shift", kwlist, &privileged,
					 &chown_files))
		return NULL;
	CONTAINER_CALL(self, call,
		       mgr_shift(self->c, (privileged ? MGR_SHIFT_PRIVILEGED : 0) |
						  (chown_files ? MGR_SHIFT_CHOWN : 0)));
	return pymgr_call_none(&call);
}

static PyObject *container_rename(ContainerObject *self, PyObject *args)
{
	struct pymgr_call call;
	const char *newname;

	if (!pymgr_container_ready(self) || !PyArg_ParseTuple(args, "s:rename", &newname))
		return NULL;
	if (pymgr_name_check(newname) < 0)
		return NULL;
	CONTAINER_CALL(self, call, mgr_rename(self->c, newname));
	return pymgr_call_none(&call);
}

/* --- start, stop, wait ---------------------------------------------------- */

static PyObject *container_start(ContainerObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "foreground", "init", "use_init", "console", "console_log",
				  NULL };
	struct mgr_start_options o = { 0 };
	int foreground = 0, use_init = 0;
	char **init = NULL;
	struct pymgr_call call;

	if (!pymgr_container_ready(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kwds, "|pO&$pzz:start", kwlist, &foreground,
					 pymgr_strv_converter, &init, &use_init, &o.console_path,
					 &o.console_log))
		return NULL;
	if (use_init && (!init || !init[0])) {
		pymgr_strv_free(init);
		PyErr_SetString(PyExc_ValueError, "use_init=True needs the command in init=");
		return NULL;
	}
	o.foreground = foreground;
	o.init_argv = init;
	o.use_mgr_init = use_init;
	/* As mgr-execute: the command has this process's stdio; as mgr-start -F:
	 * the console is relayed to it unless it goes elsewhere. */
	o.stdio_to_init = foreground && use_init;
	o.console_on_terminal = foreground && !use_init && !o.console_path;
	CONTAINER_CALL(self, call, mgr_start(self->c, &o));
	pymgr_strv_free(init);
	if (call.r < 0)
		return pymgr_raise_call(&call);
	if (foreground)
		return PyLong_FromLong(call.r);
	Py_RETURN_NONE;
}

static PyObject *stop_call(ContainerObject *self, enum mgr_stop_mode mode, int timeout, int nowait)
{
	struct pymgr_call call;

	if (!pymgr_container_ready(self))
		return NULL;
	CONTAINER_CALL(self, call, mgr_stop(self->c, mode, timeout, nowait));
	return pymgr_call_none(&call);
}

static PyObject *container_stop(ContainerObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "nowait", NULL };
	int nowait = 0;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "|p:stop", kwlist, &nowait))
		return NULL;
	return stop_call(self, MGR_STOP_KILL, 0, nowait);
}

static PyObject *container_shutdown(ContainerObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "timeout", "nowait", NULL };
	int timeout = 60, nowait = 0;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "|ip:shutdown", kwlist, &timeout, &nowait))
		return NULL;
	return stop_call(self, MGR_STOP_CLEAN, timeout, nowait);
}

static PyObject *container_reboot(ContainerObject *self, PyObject *unused)
{
	return stop_call(self, MGR_STOP_REBOOT, 0, 1);
}

/* Waits a second at a time so that Ctrl-C (KeyboardInterrupt) and other
 * signal handlers get their turn. */
static PyObject *container_wait(ContainerObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "state", "timeout", NULL };
	double timeout = -1;
	long rounds;
	enum mgr_state reached = MGR_STOPPED;
	struct pymgr_call call;
	PyObject *states;
	unsigned mask;

	if (!pymgr_container_ready(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kwds, "O|d:wait", kwlist, &states, &timeout) ||
	    pymgr_state_mask(states, &mask) < 0)
		return NULL;
	/* Whole seconds: the library counts in seconds. */
	rounds = timeout < 0 ? -1 : (long)ceil(timeout);
	for (long i = 0;; i++) {
		CONTAINER_CALL(self, call, mgr_wait(self->c, mask, rounds == 0 ? 0 : 1, &reached));
		if (call.r != -ETIMEDOUT || (rounds >= 0 && i + 1 >= rounds))
			break;
		if (PyErr_CheckSignals() < 0)
			return NULL;
	}
	if (call.r == -ETIMEDOUT)
		return pymgr_raise(call.r, "\"%s\" did not reach the state in %g s",
				   mgr_container_name(self->c), timeout);
	if (call.r < 0)
		return pymgr_raise_call(&call);
	return PyUnicode_FromString(mgr_state_name(reached));
}

static PyObject *container_freeze(ContainerObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "timeout", NULL };
	struct pymgr_call call;
	int timeout = 10;

	if (!pymgr_container_ready(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kwds, "|i:freeze", kwlist, &timeout))
		return NULL;
	CONTAINER_CALL(self, call, mgr_freeze(self->c, timeout));
	return pymgr_call_none(&call);
}

static PyObject *container_unfreeze(ContainerObject *self, PyObject *unused)
{
	struct pymgr_call call;

	if (!pymgr_container_ready(self))
		return NULL;
	CONTAINER_CALL(self, call, mgr_unfreeze(self->c));
	return pymgr_call_none(&call);
}

/* --- snapshots ------------------------------------------------------------ */

static PyObject *container_snapshot(ContainerObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "comment", NULL };
	const char *comment = NULL;
	struct pymgr_call call;
	char *name = NULL;
	PyObject *ret;

	if (!pymgr_container_ready(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kwds, "|z:snapshot", kwlist, &comment))
		return NULL;
	CONTAINER_CALL(self, call, mgr_snapshot(self->c, comment, &name));
	if (call.r < 0)
		return pymgr_raise_call(&call);
	ret = PyUnicode_FromString(name);
	free(name);
	return ret;
}

static PyObject *snapshot_entry(const struct mgr_snapshot *s)
{
	PyObject *e = PyStructSequence_New(pymgr_snapshot_type);

	if (!e)
		return NULL;
	PyStructSequence_SET_ITEM(e, 0, PyUnicode_FromString(s->name));
	PyStructSequence_SET_ITEM(e, 1, PyUnicode_DecodeFSDefault(s->dir));
	PyStructSequence_SET_ITEM(e, 2, PyLong_FromLongLong((long long)s->time));
	PyStructSequence_SET_ITEM(e, 3, s->comment ? PyUnicode_FromString(s->comment)
						   : Py_NewRef(Py_None));
	for (int i = 0; i < 4; i++)
		if (!PyStructSequence_GET_ITEM(e, i)) {
			Py_DECREF(e);
			return NULL;
		}
	return e;
}

static PyObject *container_snapshot_list(ContainerObject *self, PyObject *unused)
{
	struct mgr_snapshot *list = NULL;
	struct pymgr_call call;
	PyObject *ret;
	size_t n = 0;

	if (!pymgr_container_ready(self))
		return NULL;
	CONTAINER_CALL(self, call, mgr_snapshot_list(self->c, &list, &n));
	if (call.r < 0)
		return pymgr_raise_call(&call);
	ret = PyList_New(0);
	for (size_t i = 0; ret && i < n; i++) {
		PyObject *e = snapshot_entry(&list[i]);

		if (!e || PyList_Append(ret, e) < 0)
			Py_CLEAR(ret);
		Py_XDECREF(e);
	}
	mgr_snapshot_list_free(list, n);
	return ret;
}

static PyObject *container_snapshot_restore(ContainerObject *self, PyObject *args,
					    PyObject *kwds)
{
	static char *kwlist[] = { "name", "newname", NULL };
	const char *name, *newname = NULL;
	struct pymgr_call call;

	if (!pymgr_container_ready(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kwds, "s|z:snapshot_restore", kwlist, &name,
					 &newname))
		return NULL;
	if (newname && pymgr_name_check(newname) < 0)
		return NULL;
	CONTAINER_CALL(self, call, mgr_snapshot_restore(self->c, name, newname));
	if (call.r < 0)
		return pymgr_raise_call(&call);
	if (newname)
		return pymgr_container_new(newname, mgr_container_path(self->c));
	Py_RETURN_NONE;
}

static PyObject *container_snapshot_destroy(ContainerObject *self, PyObject *args)
{
	struct pymgr_call call;
	const char *name;

	if (!pymgr_container_ready(self) || !PyArg_ParseTuple(args, "s:snapshot_destroy", &name))
		return NULL;
	CONTAINER_CALL(self, call, mgr_snapshot_destroy(self->c, name));
	return pymgr_call_none(&call);
}

static PyObject *container_snapshot_destroy_all(ContainerObject *self, PyObject *unused)
{
	struct pymgr_call call;

	if (!pymgr_container_ready(self))
		return NULL;
	CONTAINER_CALL(self, call, mgr_snapshot_destroy_all(self->c));
	if (call.r < 0)
		return pymgr_raise_call(&call);
	return PyLong_FromLong(call.r);
}

PyMethodDef pymgr_container_life_methods[] = {
	{ "create", METH_KW(container_create),
	  "create($self, /, template=None, args=(), *, config=None, backend=None, dir=None,\n"
	  "       fssize=None, fstype=None, vgname=None, lvname=None, thinpool=None,\n"
	  "       unprivileged=False, privileged=False, quiet=False)\n--\n\n"
	  "Create the container, as mgr-create does: its rootfs from template (a\n"
	  "name such as \"busybox\" or \"debian\", or the path of an executable; None:\n"
	  "an empty rootfs), which gets args after its standard arguments.\n"
	  "config: an extra config file read after the global defaults.  backend\n"
	  "(\"dir\", \"btrfs\", \"loop\", \"lvm\"), dir, fssize (bytes or \"10G\"),\n"
	  "fstype, vgname, lvname, thinpool: the rootfs storage.  A new container\n"
	  "is unprivileged (a user namespace with a range of subordinate ids of its\n"
	  "own) unless privileged is True or the config says mgr.privileged = 1;\n"
	  "unprivileged=True is the default said aloud.\n"
	  "quiet: the template's output goes to the log, not to this process's\n"
	  "stdout.  On failure nothing of the container is left." },
	{ "destroy", METH_KW(container_destroy),
	  "destroy($self, /, force=False, snapshots=False)\n--\n\n"
	  "Remove the container: its rootfs, config and directory.  force: kill a\n"
	  "running container first (else: mgr.Error EBUSY).  snapshots: destroy\n"
	  "its snapshots too (else a container with snapshots is refused)." },
	{ "clone", METH_KW(container_clone),
	  "clone($self, /, newname, config_path=None, *, snapshot=False, keepname=False,\n"
	  "      keepmac=False, live=False, ephemeral=False, backend=None, dir=None,\n"
	  "      fssize=None, fstype=None, vgname=None, lvname=None, thinpool=None)\n--\n\n"
	  "Copy the stopped container to newname (under config_path, default this\n"
	  "one's) and return the new Container.  snapshot: copy-on-write (btrfs,\n"
	  "LVM, else overlay).  keepname, keepmac: keep the hostname and MAC\n"
	  "addresses.  live: copy a running container, frozen meanwhile.\n"
	  "ephemeral: destroyed when it stops.  Storage keywords as for create()." },
	{ "shift", METH_KW(container_shift),
	  "shift($self, /, *, privileged=False, chown=False)\n--\n\n"
	  "Make the stopped container unprivileged, as mgr-shift does: a range of\n"
	  "subordinate ids of its own, its rootfs idmapped or (chown=True, or where\n"
	  "an idmapped mount cannot be) its files shifted.  privileged=True: the\n"
	  "other way.  mgr.Error EBUSY while it runs, EALREADY when it is so." },
	{ "rename", (PyCFunction)PYMGR_FN(container_rename), METH_VARARGS,
	  "rename($self, newname, /)\n--\n\n"
	  "Rename the stopped container in place; this object then stands for\n"
	  "newname." },
	{ "start", METH_KW(container_start),
	  "start($self, /, foreground=False, init=None, *, use_init=False, console=None,\n"
	  "      console_log=None)\n--\n\n"
	  "Boot the container.  By default in the background: returns None once it\n"
	  "is RUNNING, raises mgr.Error when it could not start.  init: a command\n"
	  "(list) instead of the configured init.  use_init: run init under\n"
	  "mgr-init, an application container with this process's stdio, as\n"
	  "mgr-execute.  foreground: run the monitor in this process and return\n"
	  "init's exit code (128+N for signal N) when the container has stopped;\n"
	  "the console is relayed to stdio unless console is given.  console: a\n"
	  "host file or device for the console; console_log: a log of its output." },
	{ "stop", METH_KW(container_stop),
	  "stop($self, /, nowait=False)\n--\n\n"
	  "Kill every process of the container now (mgr-stop -k) and wait until it\n"
	  "is STOPPED (nowait: only send the signal).  mgr.Error ESRCH when it is\n"
	  "not running." },
	{ "shutdown", METH_KW(container_shutdown),
	  "shutdown($self, /, timeout=60, nowait=False)\n--\n\n"
	  "Ask the container's init to halt, wait up to timeout seconds (-1: for\n"
	  "ever), then kill what is left (mgr-stop).  nowait: only ask." },
	{ "reboot", (PyCFunction)PYMGR_FN(container_reboot), METH_NOARGS,
	  "reboot($self, /)\n--\n\nAsk the container's init to reboot; does not wait." },
	{ "wait", METH_KW(container_wait),
	  "wait($self, /, state, timeout=-1)\n--\n\n"
	  "Wait until the container is in state (a name of mgr.STATES, or an\n"
	  "iterable of them) and return the state reached.  timeout in seconds\n"
	  "(-1: no limit); when it runs out, mgr.Error with errno ETIMEDOUT.\n"
	  "Interrupted by signals (KeyboardInterrupt)." },
	{ "freeze", METH_KW(container_freeze),
	  "freeze($self, /, timeout=10)\n--\n\n"
	  "Freeze every process of the running container and return once all are\n"
	  "frozen (FROZEN).  Not frozen within timeout seconds: thawed again and\n"
	  "mgr.Error ETIMEDOUT." },
	{ "unfreeze", (PyCFunction)PYMGR_FN(container_unfreeze), METH_NOARGS,
	  "unfreeze($self, /)\n--\n\nThaw a frozen container (RUNNING again)." },
	{ "snapshot", METH_KW(container_snapshot),
	  "snapshot($self, /, comment=None)\n--\n\n"
	  "Make a snapshot of the container (its rootfs and config as they are\n"
	  "now, kept in its directory) and return its name, \"snap0\", \"snap1\", ..." },
	{ "snapshot_list", (PyCFunction)PYMGR_FN(container_snapshot_list), METH_NOARGS,
	  "snapshot_list($self, /)\n--\n\n"
	  "The container's snapshots, oldest first, as mgr.Snapshot(name, dir,\n"
	  "time, comment)." },
	{ "snapshot_restore", METH_KW(container_snapshot_restore),
	  "snapshot_restore($self, /, name, newname=None)\n--\n\n"
	  "Give the stopped container its snapshot name back (newname None), or\n"
	  "make the new container newname from it and return that Container." },
	{ "snapshot_destroy", (PyCFunction)PYMGR_FN(container_snapshot_destroy), METH_VARARGS,
	  "snapshot_destroy($self, name, /)\n--\n\nDestroy the snapshot name." },
	{ "snapshot_destroy_all", (PyCFunction)PYMGR_FN(container_snapshot_destroy_all), METH_NOARGS,
	  "snapshot_destroy_all($self, /)\n--\n\nDestroy every snapshot; return how many there were." },
	{ NULL },
};
