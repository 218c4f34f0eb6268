// `venue-recorder doctor`: runs every check, prints a table with a fix hint per problem, and exits non-zero
// when anything failed. Meant for the person installing the box, before they leave the venue.

import { ConfigError, loadConfig, rawVariable, secretsOf, type Config } from '../config.js';
import { checkAyo, checkBinary, checkBucket, checkCamera, checkDataDir, type CheckResult } from './checks.js';
import { redact } from '../redact.js';
import { checkBucketRetention } from './storage-checks.js';
import { checkEncoder, checkVideoConfiguration, checkWatermark } from './video-checks.js';

/** Runs the checks against `env` (the process environment by default); configuration problems come first. */
async function runChecks(
  env?: Record<string, string | undefined>,
): Promise<{ results: CheckResult[]; config?: Config }> {
  let config: Config;
  try {
    config = env ? loadConfig(env) : loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // The checks that need no valid configuration still run: one visit to the venue can fix everything at once.
    return {
      results: [
        {
          name: 'configuration',
          status: 'fail',
          detail: e.problems.join('; '),
          hint: 'fix the variables named; README lists every one',
        },
        await checkBinary('ffmpeg', rawVariable('FFMPEG_PATH', env) || 'ffmpeg'),
        await checkBinary('ffprobe', rawVariable('FFPROBE_PATH', env) || 'ffprobe'),
      ],
    };
  }
  const results: CheckResult[] = [
    {
      name: 'configuration',
      status: 'ok',
      detail: `${config.cameras.length} camera(s), venue time zone ${config.venueTimezone}`,
    },
  ];
  if (config.cameras.length === 0) {
    results.push({
      name: 'cameras',
      status: 'warn',
      detail: 'none configured: nothing is recorded and no booking gets a video',
      hint: 'set CAMERAS or CAMERAS_FILE',
    });
  }
  results.push(await checkBinary('ffmpeg', config.recording.ffmpegPath));
  results.push(await checkBinary('ffprobe', config.recording.ffprobePath));
  results.push(checkDataDir(config));
  results.push(await checkAyo(config));
  results.push(await checkBucket(config));
  results.push(await checkEncoder(config));
  for (const check of [checkBucketRetention, checkVideoConfiguration, checkWatermark]) {
    const r = await check(config);
    if (r) results.push(r);
  }
  for (const c of config.cameras) results.push(await checkCamera(config, c));
  return { results, config };
}

/** Renders the results as an aligned table; secrets are scrubbed from every cell. */
function formatTable(results: CheckResult[], secrets: readonly string[] = []): string {
  const scrub = (t: string) => redact(t, secrets);
  const mark = { ok: '✅ ok', warn: '⚠️  warn', fail: '❌ FAIL', skip: '➖ skip' } as const;
  const w = Math.max(...results.map((r) => r.name.length), 5);
  const lines = results.map((r) => {
    const head = `${r.name.padEnd(w)}  ${mark[r.status].padEnd(8)}  ${scrub(r.detail)}`;
    return r.hint && r.status !== 'ok' ? `${head}\n${' '.repeat(w + 12)}→ fix: ${scrub(r.hint)}` : head;
  });
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  const skipped = results.filter((r) => r.status === 'skip').length;
  const notes = [warned ? `${warned} warning(s)` : '', skipped ? `${skipped} skipped (not configured)` : '']
    .filter(Boolean)
    .join(', ');
  return [
    ...lines,
    '',
    failed ? `${failed} check(s) failed${notes ? `, ${notes}` : ''}` : `all checks passed${notes ? `, ${notes}` : ''}`,
  ].join('\n');
}

/** The command: prints the table and sets the exit code (1 when a check failed). */
export async function doctorCommand(env?: Record<string, string | undefined>): Promise<number> {
  const { results, config } = await runChecks(env);
  process.stdout.write(`venue-recorder doctor\n\n${formatTable(results, config ? secretsOf(config) : [])}\n`);
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}
