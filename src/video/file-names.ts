// The names of the files a cut makes for a video, defined once: the clip task writes them, and the file sweep
// (src/pipeline/files.ts) recognises them, work files included, to know which video a file belongs to.

/** The three files of a video, beside `<videos dir>/<venue date>/<unique_id>`. */
const FINAL = { mp4: '.mp4', preview: '_preview.mp4', thumbnail: '_thumbnail.jpg' } as const;
/**
 * Work files while a file is made: its partial output (`.part`; `.part.jpg` for an image, whose extension ffmpeg
 * needs to pick its muxer) and the cut's concat list.
 */
const WORK = { part: '.part', image: '.part.jpg', list: '.ffconcat' } as const;

/** The clip, preview and thumbnail paths for `base` (`<dir>/<unique_id>`). */
export function clipFiles(base: string): { mp4: string; preview: string; thumbnail: string } {
  return { mp4: base + FINAL.mp4, preview: base + FINAL.preview, thumbnail: base + FINAL.thumbnail };
}

/** The work file of kind `kind` while `out` is made. */
export function workFile(out: string, kind: keyof typeof WORK): string {
  return out + WORK[kind];
}

/** The video a file in the videos folder belongs to (a final or a work file), or undefined for one no cut makes. */
export function videoOfFile(name: string): string | undefined {
  const work = longestSuffix(name, Object.values(WORK));
  const final = work ? name.slice(0, -work.length) : name;
  const suffix = longestSuffix(final, Object.values(FINAL));
  return suffix && final.length > suffix.length ? final.slice(0, -suffix.length) : undefined;
}

/** The longest of `suffixes` that `name` ends with: `_preview.mp4` before `.mp4`, or a preview reads as a video. */
function longestSuffix(name: string, suffixes: readonly string[]): string | undefined {
  return suffixes.filter((s) => name.endsWith(s)).sort((a, b) => b.length - a.length)[0];
}
