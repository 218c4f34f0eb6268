import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../src/config/build.js';
import { createReader } from '../src/config/reader.js';
import { readmeConfigTable, replaceConfigTable } from '../src/config/readme-table.js';
import { renderConfigTable, VARIABLES } from '../src/config.js';

const readme = fs.readFileSync('README.md', 'utf8');

/** The variables the loader reads for `env` (whether or not the configuration is valid). */
function readBy(env: Record<string, string>): string[] {
  const reader = createReader(env);
  try {
    buildConfig(reader);
  } catch {
    // A bad configuration is still read through: every problem is reported at once.
  }
  return reader.readNames();
}

describe('README', () => {
  it('holds the configuration table rendered from the list of variables (npx tsx src/config/update-readme.ts)', () => {
    expect(readmeConfigTable(readme)).toBe(renderConfigTable());
    expect(replaceConfigTable(readme)).toBe(readme);
  });

  it('documents only variables the service reads, and the service reads every one', () => {
    const full = {
      AYO_API_BASE_URL: 'https://a.example.com',
      AYO_API_TOKEN: 't',
      AYO_VENUE_CODE: 'V',
      AYO_VENUE_SECRET: 's',
      S3_ENDPOINT: 'https://x.example.com',
      S3_BUCKET: 'videos',
      S3_ACCESS_KEY_ID: 'k',
      S3_SECRET_ACCESS_KEY: 's',
      S3_PUBLIC_BASE_URL: 'https://v.example.com',
      CAMERAS: '[]',
    };
    const read = new Set([...readBy(full), ...readBy({ DEMO: 'true', CAMERAS_FILE: '/nonexistent/cameras.json' })]);
    expect(VARIABLES.map((v) => v.env).filter((name) => !read.has(name))).toEqual([]);
    expect(new Set(VARIABLES.map((v) => v.env)).size).toBe(VARIABLES.length);
  });

  it('marks every wholly secret variable as secret', () => {
    for (const v of VARIABLES.filter((e) => e.secret && !('secretsIn' in e))) {
      expect(readmeConfigTable(readme)).toMatch(new RegExp(`^\\| \`${v.env}\` \\|.*\\(secret\\) \\|$`, 'm'));
    }
  });

  it('starts with the command that runs the service and the one that runs the tests', () => {
    const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Architecture'));
    expect(quick).toMatch(/npm ci && npm run build && npm run demo/);
    expect(quick).toMatch(/&& npm test/);
  });
});
