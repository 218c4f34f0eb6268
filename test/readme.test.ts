import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VARIABLES } from '../src/config.js';

const readme = fs.readFileSync('README.md', 'utf8');
const configSource = fs.readFileSync('src/config.ts', 'utf8') + fs.readFileSync('src/config/sections.ts', 'utf8');

describe('README', () => {
  it('documents every configuration variable the service reads, and the service reads every one it documents', () => {
    for (const v of VARIABLES) {
      expect(readme, `${v.name} missing from README`).toContain(`\`${v.name}\``);
      expect(configSource, `${v.name} not read by src/config`).toContain(`'${v.name}'`);
    }
  });

  it('starts with the command that runs the service and the one that runs the tests', () => {
    const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Architecture'));
    expect(quick).toMatch(/npm ci && npm run build && npm run demo/);
    expect(quick).toMatch(/&& npm test/);
  });
});
