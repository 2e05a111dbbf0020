# SPDX-License-Identifier: LGPL-2.1-or-later
"""Type stubs of the mgr module: system containers from Python, over libmgr."""

from _typeshed import structseq
from typing import Any, Final, Iterable, Literal, Mapping, Sequence, final, overload

version: str
"""The version of libmgr the module runs with."""
default_config_path: str
"""Where containers live when no config_path is given (mgr-* -P)."""
STATES: tuple[str, ...]
"""Every state name, "STOPPED" first."""

class Error(OSError):
    """A libmgr call failed.  errno is the library's error number, strerror
    its message (naming the container, what failed and why)."""

@final
class Snapshot(structseq[Any], tuple[str, str, int, str | None]):
    """A snapshot of a container (Container.snapshot_list())."""
    __match_args__: Final = ("name", "dir", "time", "comment")
    @property
    def name(self) -> str: ...
    @property
    def dir(self) -> str: ...
    @property
    def time(self) -> int: ...
    @property
    def comment(self) -> str | None: ...

def list_containers(
    config_path: str | None = None, active: bool = False, as_object: bool = False
) -> list[str] | list[Container]: ...
def config_keys() -> list[str]: ...
def name_check(name: str, /) -> None: ...
def parse_size(size: str, /) -> int: ...

_Namespace = Literal["mount", "pid", "uts", "ipc", "net", "cgroup", "user"]
_Elevated = Literal["caps", "cgroup", "lsm"]

class Container:
    def __init__(self, name: str, config_path: str | None = None) -> None: ...
    @property
    def name(self) -> str: ...
    @property
    def config_path(self) -> str: ...
    @property
    def config_file_name(self) -> str: ...
    @property
    def defined(self) -> bool: ...
    @property
    def privileged(self) -> bool: ...
    @property
    def running(self) -> bool: ...
    @property
    def state(self) -> str: ...
    @property
    def init_pid(self) -> int: ...
    @property
    def uptime(self) -> float | None: ...

    # config
    def load_config(self, path: str | None = None) -> None: ...
    def get_config_item(self, key: str, /) -> str: ...
    def set_config_item(self, key: str, value: str, /) -> None: ...
    def clear_config_item(self, key: str, /) -> None: ...
    def save_config(self) -> None: ...

    # lifecycle
    def create(
        self,
        template: str | None = None,
        args: Sequence[str] = (),
        *,
        config: str | None = None,
        backend: str | None = None,
        dir: str | None = None,
        fssize: int | str | None = None,
        fstype: str | None = None,
        vgname: str | None = None,
        lvname: str | None = None,
        thinpool: str | None = None,
        unprivileged: bool = False,
        privileged: bool = False,
        quiet: bool = False,
    ) -> None: ...
    def destroy(self, force: bool = False, snapshots: bool = False) -> None: ...
    def clone(
        self,
        newname: str,
        config_path: str | None = None,
        *,
        snapshot: bool = False,
        keepname: bool = False,
        keepmac: bool = False,
        live: bool = False,
        ephemeral: bool = False,
        backend: str | None = None,
        dir: str | None = None,
        fssize: int | str | None = None,
        fstype: str | None = None,
        vgname: str | None = None,
        lvname: str | None = None,
        thinpool: str | None = None,
    ) -> Container: ...
    def shift(self, *, privileged: bool = False, chown: bool = False) -> None: ...
    def rename(self, newname: str, /) -> None: ...
    @overload
    def start(
        self,
        foreground: Literal[False] = False,
        init: Sequence[str] | None = None,
        *,
        use_init: bool = False,
        console: str | None = None,
        console_log: str | None = None,
    ) -> None: ...
    @overload
    def start(
        self,
        foreground: Literal[True],
        init: Sequence[str] | None = None,
        *,
        use_init: bool = False,
        console: str | None = None,
        console_log: str | None = None,
    ) -> int: ...
    def stop(self, nowait: bool = False) -> None: ...
    def shutdown(self, timeout: int = 60, nowait: bool = False) -> None: ...
    def reboot(self) -> None: ...
    def wait(self, state: str | Iterable[str], timeout: float = -1) -> str: ...
    def freeze(self, timeout: int = 10) -> None: ...
    def unfreeze(self) -> None: ...

    # inside
    def attach_wait(
        self,
        argv: Sequence[str] | None = None,
        *,
        env: Mapping[str, str] | None = None,
        env_policy: Literal["default", "keep", "clear"] = "default",
        keep_env: Iterable[str] = (),
        uid: int | None = None,
        gid: int | None = None,
        cwd: str | None = None,
        namespaces: Iterable[_Namespace] | None = None,
        elevated: Iterable[_Elevated] | bool = (),
    ) -> int: ...
    def console(
        self, ttynum: int = -1, stdin: int = 0, stdout: int = 1, escape: str | None = "a"
    ) -> bool: ...
    def console_log(self) -> bytes: ...

    # resources
    def get_ips(self, family: Literal["inet", "inet6"] | None = None) -> list[str]: ...
    def get_interfaces(self) -> list[str]: ...
    def get_cgroup_item(self, key: str, /) -> str: ...
    def set_cgroup_item(self, key: str, value: str, /) -> None: ...
    def get_stats(self) -> dict[str, object]: ...

    # snapshots
    def snapshot(self, comment: str | None = None) -> str: ...
    def snapshot_list(self) -> list[Snapshot]: ...
    def snapshot_restore(self, name: str, newname: str | None = None) -> Container | None: ...
    def snapshot_destroy(self, name: str, /) -> None: ...
    def snapshot_destroy_all(self) -> int: ...
