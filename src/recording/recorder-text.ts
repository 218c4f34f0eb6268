// Texts of the recorder: a segment file's time stamp and a camera password kept out of an ffmpeg line.

/** `20261202T171503123Z` for a segment starting at `ms`. */
export function compact(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace('.', '');
}

/** `text` without the password of `url` (an ffmpeg error line may echo the URL). */
export function redactAll(text: string, url: string): string {
  try {
    const pw = new URL(url).password;
    return pw ? text.split(pw).join('***') : text;
  } catch {
    return text;
  }
}
