#!/usr/bin/env python3
"""Runs a command as a child subreaper (Linux): every process the command's tree leaves behind is
re-parented to this process instead of to init, so once the command has ended, whatever is still
here was orphaned by it. Waits up to 10 s for such processes to end (a watchdog may still be
stopping what its owner held), then names each one left, kills it and fails.

Usage: assert-no-orphans.py [--grace-seconds N] COMMAND [ARG...]
Exit: the command's status, or 1 if it orphaned any process.
"""
import ctypes
import os
import signal
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def reap_exited():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def orphans():
    me = os.getpid()
    found = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/stat') as stat:
                # The command name may hold spaces and parentheses: the fields follow the last ')'.
                fields = stat.read().rsplit(')', 1)[1].split()
            if int(fields[1]) != me or fields[0] == 'Z':
                continue
            with open(f'/proc/{entry}/cmdline', 'rb') as cmdline:
                command = cmdline.read().replace(b'\0', b' ').decode(errors='replace').strip()
            found.append((int(entry), command))
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
    return found


def main():
    args = sys.argv[1:]
    grace_seconds = 10.0
    if args[:1] == ['--grace-seconds']:
        grace_seconds = float(args[1])
        args = args[2:]
    if not args:
        sys.exit(__doc__)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit(f'assert-no-orphans: prctl failed: {os.strerror(ctypes.get_errno())}')
    status = subprocess.call(args)
    deadline = time.monotonic() + grace_seconds
    while True:
        reap_exited()
        left = orphans()
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    if not left:
        print('no process of the run is left', flush=True)
        sys.exit(status)
    print(f'{len(left)} process(es) of the run still running {grace_seconds:g} s after it ended:', flush=True)
    for pid, command in left:
        print(f'  {pid} {command}', flush=True)
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
    sys.exit(status or 1)


if __name__ == '__main__':
    main()
