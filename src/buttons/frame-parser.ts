// The button line's framing: an Arduino sends `N;` for button N. A pure, incremental parser: frames may arrive split
// across reads or several in one, with line ends and noise between them; it never holds more than a few bytes.

/** What one chunk of bytes held: the buttons pressed, in order, and the bytes that were not part of a frame. */
export interface ParsedChunk {
  presses: number[];
  /** Bytes dropped as noise: stray bytes, `;` without a number, a number cut short or too long. */
  noiseBytes: number;
  /** The first few noise bytes, escaped (for a log line), or '' when there were none. */
  noiseSample: string;
}

/** An incremental `N;` parser (see {@link createFrameParser}). */
export interface FrameParser {
  /** Parses the next bytes read from the line; a frame split across reads completes on a later call. */
  push(chunk: Uint8Array | string): ParsedChunk;
}

const SEMICOLON = 0x3b;
const SAMPLE_BYTES = 16;
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const isLineSpace = (b: number) => b === 0x0d || b === 0x0a || b === 0x20 || b === 0x09;

/** Escapes one byte for a log line: printable ASCII as is, anything else as `\xNN`. */
const escapeByte = (b: number) =>
  b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;

/**
 * Creates a parser of `N;` frames, N being 1 to `maxDigits` decimal digits (default 3: buttons 0-999).
 * - White space (`\r`, `\n`, space, tab) between frames is ignored; inside a frame it ends it (`1\n2;` is button 2:
 *   a lost `;` must not turn buttons 1 and 2 into button 12).
 * - Any other byte is noise and drops the digits before it; the digits after it start a new frame (`\xff1;` is 1).
 * - A number longer than `maxDigits` is dropped whole, up to its `;`, without being buffered.
 * Example: `const p = createFrameParser(); p.push('1'); p.push(';2;').presses // [1, 2]`.
 */
export function createFrameParser(options: { maxDigits?: number } = {}): FrameParser {
  const maxDigits = options.maxDigits ?? 3;
  let digits = '';
  /** Bytes of the current over-long number, dropped as they come. */
  let overflow = 0;
  return {
    push(chunk) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
      const presses: number[] = [];
      let noiseBytes = 0;
      let noiseSample = '';
      const drop = (count: number, sample: string) => {
        noiseBytes += count;
        if (noiseSample.length < SAMPLE_BYTES * 4) noiseSample += sample;
      };
      const dropPending = () => {
        if (digits) drop(digits.length, digits);
        if (overflow) drop(overflow, '…');
        digits = '';
        overflow = 0;
      };
      for (const b of bytes) {
        if (isDigit(b)) {
          if (overflow) overflow++;
          else if (digits.length < maxDigits) digits += String.fromCharCode(b);
          else {
            overflow = digits.length + 1;
            digits = '';
          }
        } else if (b === SEMICOLON) {
          if (digits) presses.push(Number(digits));
          else if (overflow) drop(overflow + 1, '…;');
          else drop(1, ';');
          digits = '';
          overflow = 0;
        } else if (isLineSpace(b)) {
          dropPending();
        } else {
          dropPending();
          drop(1, escapeByte(b));
        }
      }
      return { presses, noiseBytes, noiseSample: noiseSample.slice(0, SAMPLE_BYTES * 4) };
    },
  };
}
