// Where an export's file lives and how its job names it: one place for both sides (the API and VideoActor).

import path from 'node:path';

/** The longest window one export may cover. */
export const MAX_EXPORT_MS = 4 * 3_600_000;

/** Durable retries of an export's cut (a cut fails on a local problem: a few minutes apart is enough). */
export const EXPORT_DELAYS_MS: readonly number[] = [60_000, 300_000];

/** The exports' directory beside the videos' (`$DATA_DIR/media/exports`). */
export function exportsDirOf(videosDir: string): string {
  return path.join(path.dirname(videosDir), 'exports');
}

/** The MP4 of export `id`. */
export function exportFile(exportsDir: string, id: number): string {
  return path.join(exportsDir, `export-${id}.mp4`);
}

/** The name an export's job carries (its payload's `uniqueId`). */
export function exportJobName(id: number): string {
  return `export-${id}`;
}

/** The export a job names, or undefined for another name. */
export function exportOfJob(name: string): number | undefined {
  const m = /^export-(\d{1,15})$/.exec(name);
  return m ? Number(m[1]) : undefined;
}
