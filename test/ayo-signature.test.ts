import { describe, expect, it } from 'vitest';
import { formEncode, renderValue, signParams, stringToSign } from '../src/ayo/index.js';

const VECTOR = {
  token: '3qUFjksFEG8U5Xi5aXF2lY2WT8jYRDYCFerLmHjWILrawiVpeyjm0OV6tQrl',
  booking_id: 'BK/0042/230228/0000118',
  field_name: 'Lapangan Utama',
  date: '2023-03-04',
  start_time: '12:00:00',
  end_time: '14:00:00',
  total_price: 2800000,
};
const SECRET =
  'lM8ZgVG73FK6GY49YWIm4pPWSXR8qsuzBHPPRa0N6D6NTir8FbCmiy8ROFZoqrvoIaIcyoT69AqChRlE4UpaoHzhPjFgV4vDKoIZNtfp3PXK4wDUdlbrd0RKFsfKprM89ldEXKL8ruLmPDEpPXKEjEHuFGSGANcRS3Pt8BUx1nZmnJoP8wtkRpfqkxbXFet';

describe('AYO signature', () => {
  it("matches the test vector of AYO's documentation", () => {
    expect(stringToSign(VECTOR)).toBe(
      'booking_id=BK%2F0042%2F230228%2F0000118&date=2023-03-04&end_time=14%3A00%3A00&field_name=Lapangan+Utama&start_time=12%3A00%3A00&token=3qUFjksFEG8U5Xi5aXF2lY2WT8jYRDYCFerLmHjWILrawiVpeyjm0OV6tQrl&total_price=2800000',
    );
    expect(signParams(VECTOR, SECRET)).toBe(
      '87592e1033c0fc65767ead30b02aca0002f0e43ebb3904b3689dbed8a2033b6a09234ebde2536b0a9de495ea0c48265be768eda2684f9e1f0f211add51c839a3',
    );
  });

  it('ignores a signature parameter and does not depend on key order', () => {
    const reversed = Object.fromEntries(Object.entries(VECTOR).reverse());
    expect(signParams({ ...reversed, signature: 'x' }, SECRET)).toBe(signParams(VECTOR, SECRET));
  });

  it('encodes space, ~, *, /, non-ASCII and reserved characters byte by byte', () => {
    expect(formEncode('a b')).toBe('a+b');
    expect(formEncode('a~b-c_d.e')).toBe('a~b-c_d.e');
    expect(formEncode('*')).toBe('%2A');
    expect(formEncode('/')).toBe('%2F');
    expect(formEncode('é')).toBe('%C3%A9');
    expect(formEncode('Rp 10.000 & 5%+')).toBe('Rp+10.000+%26+5%25%2B');
    expect(formEncode('日')).toBe('%E6%97%A5');
  });

  it('renders integers, booleans, string arrays and arrays of objects as the documentation says', () => {
    expect(renderValue(42)).toBe('42');
    expect(renderValue(true)).toBe('true');
    expect(renderValue(false)).toBe('false');
    expect(renderValue(['a', 'b', 'c'])).toBe('a,b,c');
    expect(
      renderValue([
        { stream_path: 'https://x/s.m3u8', resolution: '720', download_path: 'https://x/d.mp4' },
        { resolution: '1080', download_path: 'https://x/e.mp4', stream_path: 'https://x/t.m3u8' },
      ]),
    ).toBe(
      'download_path:https://x/d.mp4,resolution:720,stream_path:https://x/s.m3u8,download_path:https://x/e.mp4,resolution:1080,stream_path:https://x/t.m3u8',
    );
    expect(() => renderValue(1.5)).toThrow(/string/);
    expect(stringToSign({ unique_ids: ['a b', 'c'], z: 1, a: false })).toBe('a=false&unique_ids=a+b%2Cc&z=1');
  });
});
