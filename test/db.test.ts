import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS, openDatabase, createBookingsRepo } from '../src/db/index.js';
import { tempDir } from './fixtures/helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const input = (over: Record<string, unknown> = {}) => ({
  bookingId: 'BK/1',
  orderDetailId: 1,
  fieldId: 50,
  date: '2025-04-10',
  startTime: '10:00:00',
  endTime: '12:00:00',
  status: 'success',
  fieldName: 'A',
  userName: 'U',
  userPhone: '08',
  bookingSource: 'reservation',
  startAt: '2025-04-10T03:00:00.000Z',
  endAt: '2025-04-10T05:00:00.000Z',
  rawJson: '{}',
  ...over,
});

describe('database', () => {
  it("creates the seed's bookings table with every column and its 4 indexes, in WAL mode", () => {
    const db = openDatabase(path.join(tmp.dir, 'sub', 'venue-recorder.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const cols = db.pragma('table_info(bookings)') as {
      name: string;
      type: string;
      notnull: number;
      pk: number;
      dflt_value: string | null;
    }[];
    const seed = cols.slice(0, 15).map((c) => [c.name, c.type]);
    expect(seed).toEqual([
      ['id', 'INTEGER'],
      ['booking_id', 'TEXT'],
      ['order_detail_id', 'INTEGER'],
      ['field_id', 'INTEGER'],
      ['date', 'TEXT'],
      ['start_time', 'TEXT'],
      ['end_time', 'TEXT'],
      ['status', 'TEXT'],
      ['field_name', 'TEXT'],
      ['user_name', 'TEXT'],
      ['user_phone', 'TEXT'],
      ['created_at', 'DATETIME'],
      ['updated_at', 'DATETIME'],
      ['raw_json', 'TEXT'],
      ['last_sync_at', 'DATETIME'],
    ]);
    expect(cols.find((c) => c.name === 'booking_id')!.notnull).toBe(1);
    expect(cols.find((c) => c.name === 'created_at')!.dflt_value).toBe('CURRENT_TIMESTAMP');
    const indexes = (db.pragma('index_list(bookings)') as { name: string }[]).map((i) => i.name);
    for (const name of [
      'idx_bookings_booking_id',
      'idx_bookings_date',
      'idx_bookings_status',
      'idx_bookings_field_id',
    ]) {
      expect(indexes).toContain(name);
    }
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    db.close();
  });

  it('applies pending migrations once, in one transaction, and rolls back a failing one whole', () => {
    const file = path.join(tmp.dir, 'm.db');
    openDatabase(file).close();
    const db = new Database(file);
    expect(migrate(db)).toEqual([]);
    const broken = [
      ...MIGRATIONS,
      { version: 90, name: 'ok', sql: 'CREATE TABLE t90 (x)' },
      { version: 91, name: 'bad', sql: 'CREATE TABLE nope (' },
    ];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 't90'").get()).toBeUndefined();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    db.close();
  });

  it('refuses a database written by a newer build', () => {
    const file = path.join(tmp.dir, 'n.db');
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.close();
    expect(() => openDatabase(file)).toThrow(/newer than this build/);
  });

  it("implements the seed's repository methods", () => {
    const db = openDatabase(path.join(tmp.dir, 'r.db'));
    const repo = createBookingsRepo(db);
    expect(repo.upsert(input(), '2025-04-10T00:00:00.000Z').outcome).toBe('created');
    expect(
      repo.upsert(input({ bookingId: 'BK/2', date: '2025-04-11', status: 'pending' }), '2025-04-10T00:00:00.000Z')
        .outcome,
    ).toBe('created');
    expect(repo.upsert(input(), '2025-04-10T00:01:00.000Z').outcome).toBe('unchanged');
    expect(repo.getById('BK/1')!.booking_id).toBe('BK/1');
    expect(repo.listByDate('2025-04-11').map((r) => r.booking_id)).toEqual(['BK/2']);
    expect(repo.listByStatus('pending').map((r) => r.booking_id)).toEqual(['BK/2']);
    expect(repo.updateStatus('BK/2', 'expired', '2025-04-10T00:02:00.000Z')).toBe(true);
    expect(repo.updateStatus('BK/2', 'expired', '2025-04-10T00:03:00.000Z')).toBe(false);
    expect(repo.getById('BK/2')).toMatchObject({ status: 'expired', updated_at: '2025-04-10T00:02:00.000Z' });
    expect(repo.deleteOlderThan('2025-04-11')).toBe(1);
    expect(repo.list({ limit: 10 }).map((r) => r.booking_id)).toEqual(['BK/2']);
    db.close();
  });
});
