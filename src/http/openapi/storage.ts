// What the recordings take (src/http/storage.routes.ts).

import { paths, STRICT_QUERY } from './operation.js';
import { array, boolean, instant, integer, json, nullable, object, string, success } from './schema.js';

const number = (description: string) => ({ type: 'number', minimum: 0, description });

/** A recording disk as GET /api/storage and GET /api/status show it. */
export const recordingDisk = object({
  dir: string('A directory of RECORDING_DIRS'),
  up: boolean('It is there, is the file system it was (its marker file) and takes a write'),
  reason: nullable(string('Why it is down')),
  freeBytes: nullable(integer('Free bytes at the last check (every 10 s)')),
  totalBytes: nullable(integer()),
  low: boolean('Free space under MIN_FREE_DISK_MB: a new recording run goes to another disk when one has room'),
  checkedAt: instant(),
});

/** GET /api/storage. */
export const storagePaths = paths('cameras', {
  '/api/storage': {
    get: {
      summary: 'Disk usage per recording disk, and per camera and venue day, beside the retention setting',
      description: `From the recording index (sizes of the indexed segments) and the disk monitor’s last check; the report is reused for 10 s. \`daysKept\` runs from a camera’s oldest footage to now: what the box really keeps, to compare with \`retentionDays\`. Footage on a disk that is down still counts here (it is missing for clips until the disk is back). ${STRICT_QUERY}`,
      responses: {
        200: json(
          'The storage report',
          success({
            data: object({
              generatedAt: instant(),
              retentionHours: integer('RECORDING_RETENTION_HOURS'),
              retentionDays: number('RECORDING_RETENTION_HOURS in days'),
              minFreeDiskMb: integer('MIN_FREE_DISK_MB'),
              disks: array(
                object({
                  ...(recordingDisk.properties as Record<string, object>),
                  recordingBytes: integer('Bytes of the indexed segments on it'),
                  segments: integer(),
                }),
              ),
              cameras: array(
                object({
                  camera: string(),
                  bytes: integer(),
                  segments: integer(),
                  oldestAt: nullable(instant()),
                  newestAt: nullable(instant()),
                  daysKept: number('Days from the oldest footage to now'),
                  days: array(
                    object({
                      date: string('Venue-local date', { format: 'date' }),
                      bytes: integer(),
                      segments: integer(),
                      hoursCovered: number('Hours of footage that day'),
                    }),
                  ),
                }),
              ),
              summary: array(string('Per camera: "CAM_1: keeps 2.9 days, retention says 3"')),
            }),
          }),
        ),
      },
      errors: [400, 503],
    },
  },
});
