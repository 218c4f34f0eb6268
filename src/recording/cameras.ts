// Camera configuration: the CAMERAS JSON (or CAMERAS_FILE), validated, and URLs made safe to show.

import { isCredentialParam, redact } from '../redact.js';

/** One camera as configured. */
export interface CameraConfig {
  /** Used in paths and object keys: `^[A-Za-z0-9_-]{1,64}$`. */
  name: string;
  fieldId: number;
  /** rtsp://, rtsps://, http(s)://, file:// (looped at real time) or `testsrc` (a synthetic pattern). */
  url: string;
  enabled: boolean;
  /** The number a venue's highlight button sends (`N;` over the button serial line) for this camera; optional. */
  buttonNo?: number;
}

const NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;
const SCHEMES = ['rtsp:', 'rtsps:', 'http:', 'https:', 'file:'];

/**
 * `rtsp://user:secret@host/x?pwd=secret` → `rtsp://user:***@host/x?pwd=***`: the password and every query
 * parameter named like a credential are masked (src/redact.ts); anything unparseable is hidden whole.
 */
export function redactUrl(url: string): string {
  if (url === 'testsrc') return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return redact(u.toString());
  } catch {
    return '(invalid URL)';
  }
}

/** The password of a camera URL. */
function passwordOf(url: string): string | undefined {
  try {
    const p = new URL(url).password;
    return p ? decodeURIComponent(p) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The secrets a camera URL holds, for the scrubber: its password and the values of its query parameters named like
 * a credential (`?user=admin&pwd=...`, `?password=...`).
 */
export function secretsOfUrl(url: string): string[] {
  const out: string[] = [];
  const password = passwordOf(url);
  if (password) out.push(password);
  try {
    for (const [name, value] of new URL(url).searchParams) if (value && isCredentialParam(name)) out.push(value);
  } catch {
    /* not a URL: nothing to take */
  }
  return out;
}

/** Parses the cameras JSON; `source` names the variable in each problem. Never echoes a URL's password. */
export function parseCameras(text: string, source: string): { cameras: CameraConfig[]; problems: string[] } {
  const problems: string[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    // Only where it breaks: from Node 22 on, the parser's message quotes the text, which holds camera passwords.
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    return { cameras: [], problems: [`${source} is not valid JSON${at ? ` (at character ${at})` : ''}`] };
  }
  if (!Array.isArray(raw)) return { cameras: [], problems: [`${source} must be a JSON array of cameras`] };
  const cameras: CameraConfig[] = [];
  const names = new Set<string>();
  const buttons = new Map<number, string>();
  raw.forEach((item: unknown, i) => {
    const at = `${source}[${i}]`;
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      problems.push(`${at} must be an object like {"name":"CAMERA_1","fieldId":50,"url":"rtsp://...","enabled":true}`);
      return;
    }
    const c = item as Record<string, unknown>;
    const name = c.name;
    if (typeof name !== 'string' || !NAME_RE.test(name)) {
      problems.push(`${at}.name must match ^[A-Za-z0-9_-]{1,64}$ (it is used in paths and object keys)`);
      return;
    }
    if (names.has(name)) problems.push(`${at}.name ${name} is used twice`);
    names.add(name);
    const fieldId = c.fieldId;
    if (typeof fieldId !== 'number' || !Number.isSafeInteger(fieldId) || fieldId < 0)
      problems.push(`${at}.fieldId must be a whole number (camera ${name})`);
    const url = c.url;
    if (typeof url !== 'string' || !isCameraUrl(url)) {
      problems.push(
        `${at}.url must be rtsp://, rtsps://, http(s)://, file:// or testsrc (camera ${name}, got ${typeof url === 'string' ? redactUrl(url) : typeof url})`,
      );
    }
    if (c.enabled !== undefined && typeof c.enabled !== 'boolean')
      problems.push(`${at}.enabled must be true or false (camera ${name})`);
    const buttonNo = c.buttonNo;
    if (buttonNo !== undefined && (typeof buttonNo !== 'number' || !Number.isSafeInteger(buttonNo) || buttonNo < 0))
      problems.push(`${at}.buttonNo must be a whole number (camera ${name})`);
    else if (buttonNo !== undefined && buttons.has(buttonNo))
      problems.push(`${at}.buttonNo ${buttonNo} is used by camera ${buttons.get(buttonNo)} too`);
    else if (buttonNo !== undefined) buttons.set(buttonNo, name);
    cameras.push({
      name,
      fieldId: fieldId as number,
      url: url as string,
      enabled: c.enabled !== false,
      ...(typeof buttonNo === 'number' ? { buttonNo } : {}),
    });
  });
  return { cameras, problems };
}

function isCameraUrl(url: string): boolean {
  if (url === 'testsrc') return true;
  try {
    return SCHEMES.includes(new URL(url).protocol);
  } catch {
    return false;
  }
}
