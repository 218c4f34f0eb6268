// ffmpeg must not outlive the service: each media child is started through util-linux's `setpriv --pdeathsig
// KILL`, which asks the kernel (prctl PR_SET_PDEATHSIG) to kill it when the thread that spawned it ends, then
// execs ffmpeg in place (no extra process, the same pid and command line). That covers every way the service
// can end, kill -9 included, and an actor's thread that crashed or was terminated.

import fs from 'node:fs';
import path from 'node:path';

const SETPRIV_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];
let setpriv: string | null | undefined;

/** The setpriv binary, or null where there is none (not Linux, a minimal image): then only the sweeps apply. */
function setprivPath(): string | null {
  if (setpriv !== undefined) return setpriv;
  setpriv = null;
  if (process.platform === 'linux') {
    for (const dir of SETPRIV_DIRS) {
      const p = path.join(dir, 'setpriv');
      if (isExecutable(p)) setpriv = p;
      if (setpriv) break;
    }
  }
  return setpriv;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The command that runs `bin args` so that it dies with the calling thread, and whether it is wrapped (a wrapped
 * binary that is not installed exits 127, where an unwrapped one fails to spawn with ENOENT).
 */
export function diesWithParent(
  bin: string,
  args: readonly string[],
): { command: string; args: string[]; wrapped: boolean } {
  const wrapper = setprivPath();
  if (!wrapper) return { command: bin, args: [...args], wrapped: false };
  return { command: wrapper, args: ['--pdeathsig', 'KILL', '--', bin, ...args], wrapped: true };
}
