import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretsOf, VARIABLES } from '../src/config.js';
import { createLogger } from '../src/log.js';

const ayo = {
  AYO_API_BASE_URL: 'https://iot-api.ayo.co.id',
  AYO_API_TOKEN: 'tok-AAAA-1111',
  AYO_VENUE_CODE: 'V',
  AYO_VENUE_SECRET: 'sec-BBBB-2222',
};
const s3 = {
  S3_ENDPOINT: 'https://x.r2.cloudflarestorage.com',
  S3_BUCKET: 'videos',
  S3_ACCESS_KEY_ID: 'AKIA-CCCC-3333',
  S3_SECRET_ACCESS_KEY: 'sk-DDDD-4444',
  S3_PUBLIC_BASE_URL: 'https://v.example.com',
};
const camera = { name: 'CAMERA_1', fieldId: 50, url: 'rtsp://admin:p%40ss-EEEE@192.168.1.101:554/x', enabled: true };

describe('secrets', () => {
  it('are the values of the variables the list marks secret, and the passwords in camera URLs', () => {
    const env = { ...ayo, ...s3, API_KEY: 'key-FFFF-5555-6666', CAMERAS: JSON.stringify([camera]) };
    expect(secretsOf(loadConfig(env)).sort()).toEqual(
      ['key-FFFF-5555-6666', 'tok-AAAA-1111', 'sec-BBBB-2222', 'AKIA-CCCC-3333', 'sk-DDDD-4444', 'p@ss-EEEE'].sort(),
    );
    // Every wholly secret variable of the list is covered: marking one secret is all it takes.
    const whole = VARIABLES.filter((v) => v.secret && !('secretsIn' in v)).map((v) => v.env);
    expect(whole.every((name) => secretsOf(loadConfig(env)).includes((env as Record<string, string>)[name]!))).toBe(
      true,
    );
    expect(secretsOf(loadConfig({}))).toEqual([]);
  });

  it('include the passwords of cameras read from CAMERAS_FILE', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vr-secrets-'));
    try {
      const file = path.join(dir, 'cameras.json');
      fs.writeFileSync(file, JSON.stringify([camera]));
      expect(secretsOf(loadConfig({ CAMERAS_FILE: file }))).toEqual(['p@ss-EEEE']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are scrubbed from every log line by a logger given secretsOf(config)', () => {
    const config = loadConfig({ ...ayo, CAMERAS: JSON.stringify([camera]) });
    const lines: string[] = [];
    const logger = createLogger({ secrets: secretsOf(config), sink: (l) => lines.push(l), format: 'json' });
    logger.info(`calling AYO with ${config.ayo!.token}`, { signature: config.ayo!.secret, password: 'p@ss-EEEE' });
    expect(lines.join('\n')).not.toMatch(/tok-AAAA|sec-BBBB|p@ss-EEEE/);
    expect(lines[0]).toContain('calling AYO with ***');
  });

  it('never appear in a problem, nor leave with a copy of the configuration', () => {
    try {
      loadConfig({ API_KEY: 'short-secret' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).message).not.toContain('short-secret');
    }
    const config = loadConfig(ayo);
    expect(JSON.stringify(config)).not.toContain('"secrets"');
    expect(() => secretsOf({ ...config })).toThrow(/needs the Config that loadConfig\(\) returned/);
  });
});
