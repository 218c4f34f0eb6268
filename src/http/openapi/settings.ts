// The venue video settings endpoint (src/http/settings.routes.ts).

import type { SettingSource } from '../../settings/index.js';
import { paths, STRICT_QUERY } from './operation.js';
import { allOf, array, boolean, instant, integer, json, nullable, object, string, success } from './schema.js';

const SOURCES = allOf<SettingSource>()('env', 'ayo', 'default');
const setting = (value: Record<string, unknown>) =>
  object({ value, source: { enum: SOURCES, description: 'env: its variable is set; ayo: AYO sent it; default' } }, []);
const height = integer(undefined, { minimum: 144, maximum: 2160 });
const read = object({
  at: nullable(instant('When it was last read (null: not yet)')),
  ok: nullable(boolean('Whether that read worked (null: not yet)')),
  problems: array(string('Why it failed, or a field that could not be read (its last good value stays)')),
});

/** GET /api/settings. */
export const settingsPaths = paths('runtime', {
  '/api/settings': {
    get: {
      summary: 'The venue video settings in force and their sources',
      description: `Each setting comes from its environment variable when set, else from AYO's video-configuration (read at start and every 24 h; a field that cannot be read keeps its last good value), else the default. ${STRICT_QUERY}`,
      responses: {
        200: json(
          'The settings in force',
          success({
            data: object({
              qualities: setting({ ...array(height), description: 'Heights of the purchased renditions' }),
              clipSeconds: setting(integer('Seconds of a manual clip', { minimum: 1 })),
              frameRate: setting(nullable(integer('Frame-rate cap of the renditions (null: none)'))),
              autoDeleteDays: setting(
                nullable(
                  integer('Days the local files of delivered videos are kept (null: RECORDING_RETENTION_HOURS)'),
                ),
              ),
              ayoFetchedAt: nullable(instant("When AYO's settings were last read well")),
              watermark: object({
                mode: { enum: ['on', 'off'] },
                source: nullable({ enum: ['ayo', 'file'] }),
                why: nullable(string('Why it is off')),
                resolutions: array(height),
                position: { enum: ['top-left', 'top-right', 'bottom-left', 'bottom-right'] },
                margin: integer(undefined, { minimum: 0 }),
                opacity: { type: 'number', minimum: 0, maximum: 1 },
              }),
              encoder: object({
                requested: string('VIDEO_ENCODER'),
                used: nullable(string('The encoder in force (null while its check runs at start-up)')),
                fallback: nullable(string('Why VIDEO_ENCODER is not used')),
              }),
              reads: object({ videoConfiguration: read, watermark: read }),
            }),
          }),
        ),
      },
      errors: [400],
    },
  },
});
