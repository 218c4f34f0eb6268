// The lifecycle table as markdown, for the README: the README's copy is checked against it by a test, so the
// documentation cannot drift from the table the code applies.

import { VIDEO_TRANSITIONS, type Transition } from './video-lifecycle.js';

const jobs = (label: string, kinds: readonly string[] | undefined) =>
  kinds?.length ? `${label} ${kinds.join(', ')}` : '';

/** One markdown row per lifecycle event: from, to, and what it does to the video's jobs and files. */
export function lifecycleTableMarkdown(): string {
  const rows = Object.entries(VIDEO_TRANSITIONS).map(([event, row]) => {
    const t: Transition = row;
    const effects = [
      jobs('enqueues', t.enqueue),
      jobs('restarts', t.restart),
      jobs('cancels', t.cancel),
      t.dropFiles ? 'deletes the local files' : '',
      t.report ? `reports it to AYO's ${t.report}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return `| \`${event}\` | ${t.from.map((s) => `\`${s}\``).join(', ')} | \`${t.to}\` | ${effects || '–'} |`;
  });
  return ['| event | from | to | jobs and files |', '|---|---|---|---|', ...rows].join('\n');
}
