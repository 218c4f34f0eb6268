// ffmpeg processes the service left behind, found in /proc: at start, those of an earlier run that was killed
// (kill -9, a power cut, a version without dies-with-parent) that still write into this DATA_DIR; at exit, this
// process's own media children. A process is ours only by its command line, read from /proc/<pid>/cmdline, so a
// recycled pid that now belongs to something else is never touched.

import fs from 'node:fs';
import path from 'node:path';

/** A media process found in /proc. */
export interface MediaProcessInfo {
  pid: number;
  ppid: number;
  /** Its arguments, as /proc/<pid>/cmdline holds them. */
  argv: string[];
}

const MEDIA_NAMES = new Set(['ffmpeg', 'ffprobe']);

function readProcess(pid: number): MediaProcessInfo | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: the fields after it start at the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z' || state === 'X') return undefined;
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (argv[argv.length - 1] === '') argv.pop();
    return { pid, ppid: Number(ppid), argv };
  } catch {
    return undefined;
  }
}

/** Every live ffmpeg or ffprobe (by its program's name, or `bins`, the configured paths). */
function mediaProcesses(bins: readonly string[]): MediaProcessInfo[] {
  if (process.platform !== 'linux') return [];
  const names = new Set([...MEDIA_NAMES, ...bins.map((b) => path.basename(b))]);
  const out: MediaProcessInfo[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const p = readProcess(Number(name));
    if (p && p.argv.length > 0 && names.has(path.basename(p.argv[0]!))) out.push(p);
  }
  return out;
}

/**
 * Whether `pid` is a live Node process (another service on the same DATA_DIR, started by mistake): its ffmpeg is
 * that service's, not an orphan, and killing it would cut that service's recording.
 */
function isNode(pid: number): boolean {
  const p = readProcess(pid);
  return p !== undefined && /^node(js)?$/.test(path.basename(p.argv[0] ?? ''));
}

/**
 * ffmpeg/ffprobe processes that write into or read from `dataDir` and whose parent is no Node process: what an
 * earlier run of the service on this DATA_DIR left running when it was killed (its children went to init, or to
 * the service manager's reaper).
 */
function findOrphanedMedia(dataDir: string, bins: readonly string[] = []): MediaProcessInfo[] {
  const root = path.resolve(dataDir) + path.sep;
  return mediaProcesses(bins).filter(
    (p) => p.ppid !== process.pid && !isNode(p.ppid) && p.argv.some((a) => a.startsWith(root)),
  );
}

function isGone(pid: number): boolean {
  return readProcess(pid) === undefined;
}

/**
 * Kills the orphans {@link findOrphanedMedia} finds and waits (up to `waitMs`) until they are gone, so that a new
 * recorder never shares `.incoming/` with an old one. Returns the pids it stopped.
 */
export async function stopOrphanedMedia(
  dataDir: string,
  bins: readonly string[] = [],
  waitMs = 5_000,
): Promise<number[]> {
  const orphans = findOrphanedMedia(dataDir, bins);
  for (const p of orphans) {
    // Checked again just before the kill: the pid must still be that ffmpeg.
    const now = readProcess(p.pid);
    if (!now || now.argv.join('\0') !== p.argv.join('\0')) continue;
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
  const deadline = Date.now() + waitMs;
  while (orphans.some((p) => !isGone(p.pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return orphans.map((p) => p.pid);
}

/**
 * Kills this process's own ffmpeg/ffprobe children at once (synchronously, so it can run in an 'exit' listener):
 * whatever a crashed or hurried exit did not stop in order. Returns their pids.
 */
export function killOwnMedia(bins: readonly string[] = []): number[] {
  const own = mediaProcesses(bins).filter((p) => p.ppid === process.pid);
  for (const p of own) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
  return own.map((p) => p.pid);
}
