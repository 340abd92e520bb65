"""vmhost.py: host-side helpers shared by the drivers that boot VMs of their own (tools/bench,
tools/soak) and by tools/vm/boot: the kernel matrix and its cache, the tree's commit, the schedulers
scx-run knows, building the tree, the QEMU version --icount needs. Problems raise HostError, whose
text the driver prints with its own prefix and whose code is the exit status it asks for (1: the
setup is missing something, 2: bad usage)."""
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class HostError(Exception):
    def __init__(self, msg, code=1):
        super().__init__(msg)
        self.code = code


def cache_dir():
    return os.environ.get("SCXX_CACHE") or os.path.expanduser("~/.cache/scxx")


def build_dir():
    return os.environ.get("SCXX_BUILD") or os.path.join(ROOT, "build")


def read_matrix(cache):
    """The rows of $SCXX_CACHE/kernels/matrix: [id, version, set]."""
    path = os.path.join(cache, "kernels", "matrix")
    if not os.path.isfile(path):
        raise HostError(f"no kernel matrix ({path}): run tools/setup")
    return [line.split() for line in open(path) if line.strip()]


def choose_kernels(requested, matrix, newest_only=False):
    """The requested kernel ids, checked against the matrix; none requested: the matrix's "full"
    kernels (the two newest generic series), only the first of them with newest_only."""
    ids = [row[0] for row in matrix]
    if requested:
        for k in requested:
            if k not in ids:
                raise HostError(f"kernel '{k}' is not in the matrix ({' '.join(ids)}): pick one of those, "
                                "or run tools/setup", 2)
        return requested
    full = [row[0] for row in matrix if row[2] == "full"]
    if not full:
        raise HostError("the kernel matrix has no 'full' kernel: run tools/setup")
    return full[:1] if newest_only else full


def kernel_dir(cache, kid):
    """(the cached kernel's directory, its version) for a kernel id of the matrix."""
    kdir = os.path.join(cache, "kernels", kid)
    if not os.path.isfile(os.path.join(kdir, "vmlinuz")):
        raise HostError(f"kernel {kid} is in the matrix but not in the cache ({kdir}): run tools/setup")
    return kdir, open(os.path.join(kdir, "version")).read().strip()


def commit_id():
    """The tree's short commit, "-dirty" when tracked files changed; "unknown" outside git."""
    try:
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return head + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def scheduler_names(scx_run):
    """The schedulers the built scx-run lists (scx-run --list), in its order."""
    listed = subprocess.run([scx_run, "--list"], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in listed.splitlines() if line.strip()]


def built_scx_run(build):
    """scx-run of the build directory, which must be built."""
    path = os.path.join(build, "tools", "scx-run", "scx-run")
    if not os.access(path, os.X_OK):
        raise HostError(f"no scx-run in {build}: build the tree (ninja -C {build})")
    return path


def build_tree(build):
    """meson setup (when the build directory has none) and ninja, quietly."""
    if not os.path.isfile(os.path.join(build, "build.ninja")):
        subprocess.run(["meson", "setup", build, ROOT], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["ninja", "-C", build], check=True, stdout=subprocess.DEVNULL)


def qemu_version(qemu="qemu-system-x86_64"):
    """The version `qemu --version` prints ("10.0.2"), or None when it cannot be run or does not say."""
    try:
        out = subprocess.run([qemu, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r"version (\d+\.\d+\S*)", out)
    return m.group(1) if m else None


# tools/vm/boot --icount's (and so the VM tests' and tools/bench's) default round of vCPU turns, in
# us of guest time (boot's turn_timer_args says why); tools/bench names it in every record's mode.
ICOUNT_TURN_US = 100
ICOUNT_TURN_MAX_US = 1000000  # the largest --icount-turn-us boot and bench accept


def icount_turn_problem(us):
    """Why --icount-turn-us US is refused (one line), or None: boot and bench check it alike."""
    if not 0 <= us <= ICOUNT_TURN_MAX_US:
        return f"--icount-turn-us {us} is out of range (0..{ICOUNT_TURN_MAX_US}; 0: QEMU's own rounds)"
    return None


def icount_qemu_problem(qemu="qemu-system-x86_64"):
    """Why qemu cannot run an -icount VM (one line naming the fix), or None. Before QEMU 8.1, -icount
    gave the vCPU that came first after a timer deadline the whole budget up to the next one and the
    vCPUs after it none until it exited early, so an interrupt or IPI for another vCPU waited
    milliseconds: latency and lock figures measured that (docs/benchmarks.md, Method)."""
    v = qemu_version(qemu)
    if v is None:
        return f"cannot tell the version of {qemu} (--version): --icount needs QEMU >= 8.1; install it with tools/setup"
    major, minor = (int(x) for x in re.match(r"(\d+)\.(\d+)", v).groups())
    if (major, minor) < (8, 1):
        return (f"{qemu} is QEMU {v}: --icount needs QEMU >= 8.1 (fair vCPU turns); "
                "install it with tools/setup (bookworm-backports)")
    return None
