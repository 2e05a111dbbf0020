/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr.Error: an OSError with the library's errno and message. */
#include "pymgr.h"

#include <errno.h>
#include <stdarg.h>

PyObject *pymgr_error;

static PyObject *raise_message(int r, const char *msg)
{
	int err = r < 0 ? -r : EINVAL;
	PyObject *args = Py_BuildValue("(is)", err, msg && *msg ? msg : strerror(err));

	if (args) {
		PyErr_SetObject(pymgr_error, args);
		Py_DECREF(args);
	}
	return NULL;
}

PyObject *pymgr_raise(int r, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return raise_message(r, msg);
}

PyObject *pymgr_raise_call(const struct pymgr_call *call)
{
	const char *msg = call->msg;

	/* A call that failed without saying why. */
	if (strcmp(msg, "unknown error") == 0)
		msg = NULL;
	return raise_message(call->r, msg);
}

PyObject *pymgr_call_none(const struct pymgr_call *call)
{
	if (call->r < 0)
		return pymgr_raise_call(call);
	Py_RETURN_NONE;
}

int pymgr_name_check(const char *name)
{
	const char *why = NULL;

	if (mgr_name_check(name, &why) == 0)
		return 0;
	pymgr_raise(-EINVAL, "Invalid container name \"%s\": %s", name, why);
	return -1;
}
