// Rewrites README.md's configuration table from the list of variables. Run: `npx tsx src/config/update-readme.ts`.

import fs from 'node:fs';
import { replaceConfigTable } from './readme-table.js';

const file = new URL('../../README.md', import.meta.url);
const before = fs.readFileSync(file, 'utf8');
const after = replaceConfigTable(before);
if (after !== before) fs.writeFileSync(file, after);
process.stdout.write(
  after === before
    ? 'README.md: configuration table already up to date\n'
    : 'README.md: configuration table rewritten\n',
);
