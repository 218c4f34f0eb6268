// The dashboard's camera editor behind the API: the list as the editor shows it (passwords as ***), a save that
// keeps each stored password the edit left blank or as ***, validates by the start-up rules and writes CAMERAS_FILE
// atomically before the reload applies it, and a test of a URL with ffprobe before it is saved.

import path from 'node:path';
import { isCredentialParam } from '../redact.js';
import { parseCameras, redactUrl, type CameraConfig } from '../recording/cameras.js';
import { MASK } from '../redact.js';
import { probeCamera, type CameraProbe } from './camera-probe.js';
import type { CameraReloader, CameraReloadResult, CameraReloadStatus } from './camera-reload.js';
import { camerasFileText, writeCamerasFileAtomically } from './cameras-file.js';

/** A camera as the editor shows it: its URL with the password and credential parameters as `***`. */
export interface EditorCamera {
  name: string;
  fieldId: number;
  url: string;
  enabled: boolean;
  buttonNo?: number;
  /** Whether a password is stored (the editor shows `***` and keeps it unless a new one is typed). */
  hasPassword: boolean;
}

/** GET /api/cameras/config. */
export interface CamerasConfigView extends CameraReloadStatus {
  editable: boolean;
  cameras: EditorCamera[];
}

/** A camera test's result: what ffprobe read, or why it read nothing. */
export type CameraTestResult = ({ ok: true } & CameraProbe) | { ok: false; message: string };

/** Refused input (400), or a change while the cameras cannot be edited (409). */
class CameraEditError extends Error {
  override readonly name = 'CameraEditError';
  constructor(
    readonly status: 400 | 409 | 429,
    message: string,
  ) {
    super(message);
  }
}

/** Whether `e` is a {@link CameraEditError} (checked by name: errors may cross module copies). */
export const isCameraEditError = (e: unknown): e is CameraEditError =>
  (e as { name?: unknown } | null)?.name === 'CameraEditError';

/** Dependencies of {@link createCameraEditor}. */
export interface CameraEditorDeps {
  reloader: CameraReloader;
  current(): readonly CameraConfig[];
  ffprobe: string;
  /** How long a test may take (default 10 s). */
  testTimeoutMs?: number;
}

const isMask = (s: string) => s === MASK || s === encodeURIComponent(MASK);

/**
 * The URL to store for an edit: a password given apart (`password`, not blank nor `***`) replaces the URL's; a
 * password or credential parameter shown as `***` (or a blank password field) keeps the stored camera's.
 */
export function withStoredSecrets(url: string, stored: string | undefined, password: string | undefined): string {
  if (url === 'testsrc') return url;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url; // validation names it
  }
  let old: URL | undefined;
  try {
    old = stored && stored !== 'testsrc' ? new URL(stored) : undefined;
  } catch {
    old = undefined;
  }
  const where = `the camera's stored password`;
  if (password !== undefined && password !== '' && !isMask(password)) u.password = encodeURIComponent(password);
  else if (isMask(u.password) || (u.password === '' && u.username !== '' && password !== undefined)) {
    if (isMask(u.password) && !old?.password) throw new CameraEditError(400, `${redactUrl(url)}: no ${where} to keep`);
    u.password = old?.password ?? '';
  }
  for (const [name, value] of [...u.searchParams]) {
    if (!isCredentialParam(name) || !isMask(value)) continue;
    const kept = old?.searchParams.get(name);
    if (!kept) throw new CameraEditError(400, `${redactUrl(url)}: no stored ${name} to keep`);
    u.searchParams.set(name, kept);
  }
  return u.toString();
}

/** Why the file could not be replaced, with what to do (never a stack trace). */
function writeProblem(e: unknown, file: string): string {
  const code = (e as NodeJS.ErrnoException).code ?? 'error';
  const dir = path.dirname(file);
  if (code === 'EBUSY' || code === 'EXDEV')
    return `${code}: ${file} cannot be replaced in place (a file mounted on its own?): mount its directory ${dir} instead`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return `${code}: the service needs write access to ${dir} (a new file is written there, then renamed over it)`;
  return `${code}: ${dir}`;
}

const hasPassword = (url: string) => {
  try {
    return url !== 'testsrc' && new URL(url).password !== '';
  } catch {
    return false;
  }
};

/** Creates the editor. */
export function createCameraEditor(deps: CameraEditorDeps) {
  let saving: Promise<unknown> = Promise.resolve();
  let probes = 0;
  const storedUrl = (name: unknown) => deps.current().find((c) => c.name === name)?.url;

  const view = (): CamerasConfigView => {
    const status = deps.reloader.status();
    return {
      ...status,
      editable: status.reloadable,
      cameras: deps.current().map((c) => ({
        name: c.name,
        fieldId: c.fieldId,
        url: redactUrl(c.url),
        enabled: c.enabled,
        ...(c.buttonNo === undefined ? {} : { buttonNo: c.buttonNo }),
        hasPassword: hasPassword(c.url),
      })),
    };
  };

  /** The list to store from an edit: shape checked, stored secrets merged, validated by the start-up rules. */
  const listOf = (body: unknown): CameraConfig[] => {
    const list = (body as { cameras?: unknown } | null)?.cameras;
    if (!Array.isArray(list))
      throw new CameraEditError(400, 'Body must be JSON like {"cameras": [{"name","fieldId","url","enabled"}]}');
    const merged = list.map((item: unknown) => {
      if (!item || typeof item !== 'object' || Array.isArray(item)) return item;
      const { password, ...c } = item as Record<string, unknown>;
      if (password !== undefined && typeof password !== 'string')
        throw new CameraEditError(400, `camera ${String(c.name)}: password must be text`);
      return typeof c.url === 'string' ? { ...c, url: withStoredSecrets(c.url, storedUrl(c.name), password) } : c;
    });
    const { cameras, problems } = parseCameras(JSON.stringify(merged), 'cameras');
    if (problems.length > 0) throw new CameraEditError(400, `Cameras refused: ${problems.join('; ')}`);
    return cameras;
  };

  return {
    view,
    /** Stores a new list in CAMERAS_FILE (atomically) and applies it; answers the reload's outcome and the view. */
    async save(body: unknown): Promise<{ reload: CameraReloadResult; config: CamerasConfigView }> {
      const file = deps.reloader.status().file;
      if (!file) throw new CameraEditError(409, `Cameras cannot be edited here: ${deps.reloader.status().reason}`);
      const run = saving.then(async () => {
        const cameras = listOf(body);
        try {
          writeCamerasFileAtomically(file, camerasFileText(cameras));
        } catch (e) {
          throw new CameraEditError(409, `CAMERAS_FILE cannot be written: ${writeProblem(e, file)}`);
        }
        const reload = await deps.reloader.reload('api');
        return { reload, config: view() };
      });
      saving = run.catch(() => undefined);
      return run;
    },
    /** Probes a URL (an existing camera's stored password is used where the URL shows `***`). */
    async test(body: unknown): Promise<CameraTestResult> {
      const b = body as { url?: unknown; name?: unknown; password?: unknown } | null;
      if (typeof b?.url !== 'string' || (b.password !== undefined && typeof b.password !== 'string'))
        throw new CameraEditError(
          400,
          'Body must be JSON like {"url": "rtsp://...", "name"?: "CAM_1", "password"?: "..."}',
        );
      const url = withStoredSecrets(b.url, storedUrl(b.name), b.password);
      const problem = parseCameras(JSON.stringify([{ name: 'TEST', fieldId: 0, url }]), 'camera').problems[0];
      if (problem) throw new CameraEditError(400, problem.replace('camera[0].', ''));
      if (probes >= 2) throw new CameraEditError(429, 'Two camera tests are running; try again when they finish');
      probes++;
      try {
        return { ok: true, ...(await probeCamera(deps.ffprobe, url, deps.testTimeoutMs ?? 10_000)) };
      } catch (e) {
        // The test ran: the camera's answer (or its silence) is its result, not a failed request.
        return { ok: false, message: `Camera test failed: ${(e as Error).message}` };
      } finally {
        probes--;
      }
    },
  };
}

/** A camera editor. */
export type CameraEditor = ReturnType<typeof createCameraEditor>;
