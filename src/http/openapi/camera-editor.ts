// The camera editor's endpoints (src/http/cameras.routes.ts): the editable list, saving it to CAMERAS_FILE, and
// testing a URL with ffprobe. Passwords are write-only: answers show `***`.

import { paths, STRICT_QUERY } from './operation.js';
import { cameraPaths } from './cameras.js';
import { array, boolean, instant, integer, json, nullable, object, string, success, type Paths } from './schema.js';

const NAME = string('`^[A-Za-z0-9_-]{1,64}$`', { pattern: '^[A-Za-z0-9_-]{1,64}$' });
const NAMES = array(string());

const reload = object({
  at: instant(),
  trigger: { enum: ['file', 'signal', 'api'], description: 'The file changed, SIGHUP, or a save here' },
  result: {
    enum: ['applied', 'unchanged', 'refused', 'failed'],
    description: 'refused: the new list broke a rule (problems); the running cameras keep running',
  },
  problems: array(string()),
  started: NAMES,
  stopped: NAMES,
  restarted: NAMES,
});

const editorCamera = object(
  {
    name: NAME,
    fieldId: integer(undefined, { minimum: 0 }),
    url: string('The URL with its password and credential parameters as `***`'),
    enabled: boolean(),
    buttonNo: integer(undefined, { minimum: 0 }),
    hasPassword: boolean('A password is stored (kept unless a new one is sent)'),
  },
  ['buttonNo'],
);

const config = object({
  source: { enum: ['CAMERAS_FILE', 'CAMERAS', 'demo'] },
  file: nullable(string('CAMERAS_FILE’s path')),
  reloadable: boolean(),
  editable: boolean(),
  reason: nullable(string('Why the cameras cannot change without a restart')),
  lastReload: { oneOf: [reload, { type: 'null' }] },
  cameras: array(editorCamera),
});

/** GET /api/cameras/config, PUT /api/cameras, POST /api/cameras/test. */
const editorPaths = paths('cameras', {
  '/api/cameras/config': {
    get: {
      summary: 'The camera list as the editor shows it, and the last reload',
      description: `Where the cameras come from, whether they can change without a restart (only with CAMERAS_FILE), and the last reload of the file (its result and problems). ${STRICT_QUERY}`,
      responses: { 200: json('The list and its source', success({ data: config })) },
      errors: [400],
    },
  },
  '/api/cameras': {
    put: {
      summary: 'Replace the camera list (CAMERAS_FILE)',
      description:
        'Validated as at start, written to CAMERAS_FILE atomically, then applied: only the cameras that changed are started, stopped or restarted. A password left out, blank or `***` (in `password` or in the URL) keeps the stored one. 409 without CAMERAS_FILE.',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: object({
              cameras: array({
                type: 'object',
                required: ['name', 'fieldId', 'url'],
                properties: {
                  name: NAME,
                  fieldId: integer(undefined, { minimum: 0 }),
                  url: string('rtsp://, rtsps://, http(s)://, file:// or testsrc'),
                  enabled: boolean(),
                  buttonNo: integer(undefined, { minimum: 0 }),
                  password: string('A new password; blank or `***` keeps the stored one'),
                },
              }),
            }),
          },
        },
      },
      responses: {
        200: json('Saved; the reload’s outcome and the list now', success({ data: object({ reload, config }) })),
      },
      errors: [400, 409],
    },
  },
  '/api/cameras/test': {
    post: {
      summary: 'Test a camera URL with ffprobe before saving it',
      description:
        'At most 10 s. A URL showing `***` (or a blank `password`) uses the stored password of camera `name`. A camera that does not answer is `ok: false` with the reason.',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: object({ url: string(), name: NAME, password: string() }, ['name', 'password']),
          },
        },
      },
      responses: {
        200: json(
          'What the camera sends, or why nothing was read',
          success({
            data: {
              oneOf: [
                object({
                  ok: { const: true },
                  codec: string(),
                  width: nullable(integer()),
                  height: nullable(integer()),
                  fps: nullable({ type: 'number' }),
                  audio: nullable(string()),
                }),
                object({ ok: { const: false }, message: string() }),
              ],
            },
          }),
        ),
      },
      errors: [400, 429],
    },
  },
});

/** The editor's paths; `/api/cameras` keeps its GET (cameras.ts) beside the PUT. */
export const cameraEditorPaths: Paths = {
  ...editorPaths,
  '/api/cameras': { ...cameraPaths['/api/cameras'], ...editorPaths['/api/cameras'] },
};
