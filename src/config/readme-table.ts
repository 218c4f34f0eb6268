// README's configuration table, rendered from the list of variables so the two cannot drift apart.
// `npx tsx src/config/update-readme.ts` rewrites it; test/readme.test.ts fails when README holds another.

import { VARIABLES } from './variables.js';
import type { Variable } from './variable.js';

// The comment lines that fence the generated table in README.md (invisible when rendered).
const TABLE_BEGIN =
  '<!-- config-table:begin (generated from src/config/variables.ts by `npx tsx src/config/update-readme.ts`) -->';
const TABLE_END = '<!-- config-table:end -->';

function defaultCell(entry: Variable): string {
  const d = entry.default;
  const main = typeof d === 'object' ? d.doc : d ? `\`${d}\`` : '';
  return entry.demoDefault === undefined ? main : `${main} (\`${entry.demoDefault}\` with \`DEMO=true\`)`;
}

/** The markdown table of every variable: name, default, meaning (secret ones say so). */
export function renderConfigTable(variables: readonly Variable[] = VARIABLES): string {
  const rows = variables.map((e) => {
    // A value that is wholly secret is marked here; one that only holds secrets says which in its own doc.
    const doc = e.secret && !e.secretsIn ? `${e.doc} (secret)` : e.doc;
    const dflt = defaultCell(e);
    return `| \`${e.env}\` |${dflt ? ` ${dflt} ` : ' '}| ${doc.replaceAll('|', '\\|')} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** `readme` with the text between the fences replaced by `table`; throws when the fences are missing. */
export function replaceConfigTable(readme: string, table: string = renderConfigTable()): string {
  const begin = readme.indexOf(TABLE_BEGIN);
  const end = readme.indexOf(TABLE_END, begin);
  if (begin < 0 || end < 0) throw new Error(`README.md has no ${TABLE_BEGIN} … ${TABLE_END} section`);
  return `${readme.slice(0, begin + TABLE_BEGIN.length)}\n${table}\n${readme.slice(end)}`;
}

/** The table README holds between the fences, or undefined when it has none. */
export function readmeConfigTable(readme: string): string | undefined {
  const begin = readme.indexOf(TABLE_BEGIN);
  const end = readme.indexOf(TABLE_END, begin);
  return begin < 0 || end < 0 ? undefined : readme.slice(begin + TABLE_BEGIN.length, end).trim();
}
