// CAMERAS_FILE on disk: read and validated exactly as at start (the CAMERAS_FILE parser), and written atomically
// (a temporary file beside it, fsync, rename, fsync of the directory), so a reader never sees half a list.

import fs from 'node:fs';
import path from 'node:path';
import { camerasFile } from '../config/parsers.js';
import type { CameraConfig } from '../recording/cameras.js';

/** The file's cameras, or why they are refused (each problem names CAMERAS_FILE and never quotes a password). */
export type CamerasFileRead =
  { ok: true; cameras: CameraConfig[] } | { ok: false; problems: string[]; missing: boolean };

/** Reads and validates the cameras file by the start-up rules. */
export function readCamerasFile(file: string): CamerasFileRead {
  const parsed = camerasFile().parse(file, 'CAMERAS_FILE');
  if (parsed.ok) return { ok: true, cameras: parsed.value };
  return { ok: false, problems: parsed.problems, missing: !fs.existsSync(file) };
}

/** The file's text for a list: what the editor saves (an array, one camera a line for a human's diff). */
export function camerasFileText(cameras: readonly CameraConfig[]): string {
  return `[\n${cameras.map((c) => `  ${JSON.stringify(c)}`).join(',\n')}\n]\n`;
}

/**
 * Replaces the file with `text` atomically: written to a temporary file in the same directory, flushed to disk,
 * renamed over the file, and the directory flushed, so that a crash leaves the old list or the new one. The file
 * keeps its mode (it holds camera passwords: 0600 when it is new).
 */
export function writeCamerasFileAtomically(file: string, text: string): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  let mode = 0o600;
  try {
    mode = fs.statSync(file).mode & 0o777;
  } catch {
    /* a new file */
  }
  const fd = fs.openSync(tmp, 'wx', mode);
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  try {
    const dirFd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  } catch {
    /* some file systems cannot fsync a directory: the rename is still atomic */
  }
}
