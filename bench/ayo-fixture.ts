// Realistic AYO `GET bookings` data for the benchmarks: varied ids, fields 1..8, times on the hour.

/** One booking object as AYO's bookings response lists it. */
export interface AyoBookingObject {
  order_detail_id: number;
  booking_id: string;
  field_id: number;
  date: string;
  start_time: string;
  end_time: string;
  booking_source: string;
  status: string;
  field_name: string;
  user_name: string;
  user_phone: string;
}

const FIRST = ['Budi', 'Siti', 'Agus', 'Dewi', 'Rizky', 'Putri', 'Andi', 'Rina', 'Fajar', 'Lestari', 'Hendra', 'Wulan'];
const LAST = ['Santoso', 'Wijaya', 'Pratama', 'Saputra', 'Hidayat', 'Kusuma', 'Nugroho', 'Lestari', 'Setiawan'];
const SOURCES = ['reservation', 'reservation', 'reservation', 'walk_in', 'membership'];
const STATUSES = ['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'PENDING', 'CANCELLED'];
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A deterministic pseudo-random generator (mulberry32), so every run benchmarks the same data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Adds `days` to a `YYYY-MM-DD` date. */
export function addDaysTo(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * `count` AYO booking objects spread evenly over `days` consecutive dates from `firstDate`, so that each date holds
 * about `count / days` bookings. Booking ids are unique; fields 1..8; start times on the hour from 06:00, 1 or 2 hours.
 */
export function makeAyoBookings(count: number, firstDate: string, days: number, seed = 42): AyoBookingObject[] {
  const rnd = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const out: AyoBookingObject[] = [];
  for (let i = 0; i < count; i++) {
    const date = addDaysTo(firstDate, i % days);
    const fieldId = 1 + Math.floor(rnd() * 8);
    const start = 6 + Math.floor(rnd() * 16); // 06..21
    const end = Math.min(start + 1 + Math.floor(rnd() * 2), 23);
    const venue = 40 + (i % 5);
    out.push({
      order_detail_id: 186_926 + i * 3 + Math.floor(rnd() * 3),
      booking_id: `MN/${pad(venue, 4)}/${date.slice(2).replaceAll('-', '')}/${pad(88 + i, 7)}`,
      field_id: fieldId,
      date,
      start_time: `${pad(start, 2)}:00:00`,
      end_time: `${pad(end, 2)}:00:00`,
      booking_source: pick(SOURCES),
      status: pick(STATUSES),
      field_name: `Lapangan ${String.fromCharCode(64 + fieldId)}`,
      user_name: `${pick(FIRST)} ${pick(LAST)}`,
      user_phone: `08${pad(Math.floor(rnd() * 10_000_000_000), 10)}`,
    });
  }
  return out;
}
