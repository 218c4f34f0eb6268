// The object store on the S3 API (Cloudflare R2 in production, s3rver in tests): multipart uploads with bounded
// concurrency (@aws-sdk/lib-storage), sizes read back with HeadObject.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import {
  DeleteBucketLifecycleCommand,
  DeleteObjectCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  S3Client,
  type LifecycleRule,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Config } from '../config.js';
import { isRetryableStatus, isUnreachable, PermanentError, RetryableError } from '../errors.js';
import { retentionRuleIn, withRetentionRule } from './bucket-rules.js';
import type { ObjectStore } from './object-store.js';
import { throttledStream, type TokenBucket, type UploadPriority } from './rate-cap.js';

/** Parts of 8 MiB, up to 4 in flight per file. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;

/** Turns an SDK error into the service's retryable/permanent vocabulary, without the request's details. */
function classifyS3Error(e: unknown, what: string): Error {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; code?: string };
  const status = err.$metadata?.httpStatusCode;
  const reason = `${err.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}${err.code ? ` ${err.code}` : ''}`;
  if (err.name === 'AbortError') return new PermanentError(`${what} cancelled`, { code: 'cancelled' });
  if (status !== undefined && !isRetryableStatus(status))
    return new PermanentError(`${what} failed: ${reason}`, { cause: e, code: 'store-failed' });
  return new RetryableError(`${what} failed: ${reason}`, {
    cause: e,
    code: isUnreachable(e) ? 'unreachable' : 'store-failed',
  });
}

/**
 * The ETags S3 gives `file`: the MD5 of a single-part upload, and the multipart form (MD5 of the parts' MD5s,
 * `-<parts>`) for parts of `partSize`. Computed while reading the file once.
 */
async function localEtags(file: string, partSize: number): Promise<{ single: string; multipart: string }> {
  const whole = createHash('md5');
  const parts: Buffer[] = [];
  let part = createHash('md5');
  let inPart = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    whole.update(chunk as Buffer);
    let buf = chunk as Buffer;
    while (buf.length > 0) {
      const take = Math.min(buf.length, partSize - inPart);
      part.update(buf.subarray(0, take));
      inPart += take;
      buf = buf.subarray(take);
      if (inPart === partSize) {
        parts.push(part.digest());
        part = createHash('md5');
        inPart = 0;
      }
    }
  }
  if (inPart > 0 || parts.length === 0) parts.push(part.digest());
  return {
    single: whole.digest('hex'),
    multipart: `${createHash('md5').update(Buffer.concat(parts)).digest('hex')}-${parts.length}`,
  };
}

/** A request body as the SDK hands it to its HTTP handler. */
type Body = Uint8Array | string | AsyncIterable<Uint8Array | string> | null | undefined;

/**
 * Makes every request body of `client` take its bytes from `bucket` at `priority`, as the last step before the HTTP
 * handler (after signing and checksums, which saw the same bytes): parts of a multipart upload and single PUTs alike.
 */
function capRequestBodies(client: S3Client, bucket: TokenBucket, priority: UploadPriority): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const req = args.request as { body?: Body | Readable };
      const body = typeof req.body === 'string' ? Buffer.from(req.body) : req.body;
      // Requests without a body (HEAD, DELETE, creating or completing a multipart upload) are not held back.
      if (body && !(body instanceof Uint8Array && body.byteLength === 0))
        req.body = throttledStream(body, bucket, priority);
      return next(args);
    },
    { step: 'deserialize', priority: 'low', name: 'uploadRateCap' },
  );
}

/** What the store may be given besides its configuration. */
export interface S3StoreOptions {
  timeoutMs?: number;
  /** UPLOAD_MAX_MBPS's bucket, shared by every upload of this process; absent: no cap. */
  rateCap?: TokenBucket;
}

/** Creates the store. */
export function createS3Store(cfg: S3Config, opts: S3StoreOptions = {}): ObjectStore {
  const makeClient = (priority: UploadPriority) => {
    const c = new S3Client({
      endpoint: cfg.endpoint,
      region: cfg.region,
      forcePathStyle: cfg.forcePathStyle,
      credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey },
      maxAttempts: 1, // retries are the service's own (cockatiel), counted and logged
      requestHandler: { requestTimeout: opts.timeoutMs ?? 60_000, connectionTimeout: 10_000 },
    });
    if (opts.rateCap) capRequestBodies(c, opts.rateCap, priority);
    return c;
  };
  const client = makeClient('high');
  // The full MP4 after its announcement: its bodies wait while an announcement's wait for the same bucket.
  let lowClient: S3Client | undefined;
  const clientFor = (priority: UploadPriority | undefined) =>
    priority === 'low' && opts.rateCap ? (lowClient ??= makeClient('low')) : client;
  return {
    async put(key, file, contentType, signal, putOpts) {
      const client = clientFor(putOpts?.priority);
      const size = fs.statSync(file).size;
      try {
        if (size < PART_SIZE) {
          // One request, without lib-storage's chunking: the body is read into memory (under 8 MiB).
          const body = fs.readFileSync(file);
          const out = await client.send(
            new PutObjectCommand({
              Bucket: cfg.bucket,
              Key: key,
              Body: body,
              ContentType: contentType,
              ContentLength: size,
            }),
            { abortSignal: signal },
          );
          const etag = out.ETag?.replace(/"/g, '').toLowerCase();
          return { size, verified: etag === createHash('md5').update(body).digest('hex') };
        }
        const upload = new Upload({
          client,
          queueSize: QUEUE_SIZE,
          partSize: PART_SIZE,
          leavePartsOnError: false,
          params: {
            Bucket: cfg.bucket,
            Key: key,
            Body: fs.createReadStream(file),
            ContentType: contentType,
            ContentLength: size,
          },
        });
        const onAbort = () => void upload.abort();
        signal?.addEventListener('abort', onAbort, { once: true });
        let etag: string | undefined;
        try {
          etag = (await upload.done()).ETag?.replace(/"/g, '').toLowerCase();
        } finally {
          signal?.removeEventListener('abort', onAbort);
        }
        const expected = await localEtags(file, PART_SIZE);
        return { size, verified: etag === expected.single || etag === expected.multipart };
      } catch (e) {
        throw classifyS3Error(e, `upload of ${key}`);
      }
    },
    async size(key, signal) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: cfg.bucket, Key: key }), {
          abortSignal: signal,
        });
        return head.ContentLength;
      } catch (e) {
        const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 || (e as { name?: string }).name === 'NotFound') return undefined;
        throw classifyS3Error(e, `size of ${key}`);
      }
    },
    async remove(key, signal) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: cfg.bucket, Key: key }), { abortSignal: signal });
      } catch (e) {
        throw classifyS3Error(e, `delete of ${key}`);
      }
    },
    async download(key, file, signal) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: cfg.bucket, Key: key }), { abortSignal: signal });
        fs.mkdirSync(path.dirname(file), { recursive: true });
        await pipeline(out.Body as Readable, fs.createWriteStream(`${file}.part`), { signal });
        fs.renameSync(`${file}.part`, file);
      } catch (e) {
        fs.rmSync(`${file}.part`, { force: true });
        throw classifyS3Error(e, `download of ${key}`);
      }
    },
    async list(prefix, signal) {
      const keys: string[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await client.send(
            new ListObjectsV2Command({ Bucket: cfg.bucket, Prefix: prefix, ContinuationToken: token }),
            { abortSignal: signal },
          );
          for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
      } catch (e) {
        throw classifyS3Error(e, `listing of ${prefix || 'the bucket'}`);
      }
      return keys;
    },
    publicUrl(key) {
      return `${cfg.publicBaseUrl}/${key.split('/').map(encodeURIComponent).join('/')}`;
    },
    expiry: {
      async set(prefix, days, signal) {
        const rules = withRetentionRule(await lifecycleRules(signal), prefix, days);
        try {
          await client.send(
            rules.length > 0
              ? new PutBucketLifecycleConfigurationCommand({
                  Bucket: cfg.bucket,
                  LifecycleConfiguration: { Rules: rules },
                })
              : new DeleteBucketLifecycleCommand({ Bucket: cfg.bucket }),
            { abortSignal: signal },
          );
        } catch (e) {
          throw classifyS3Error(e, 'writing the bucket lifecycle rules');
        }
      },
      async get(signal) {
        return retentionRuleIn(await lifecycleRules(signal));
      },
    },
  };

  /** The bucket's lifecycle rules (none when it has no configuration). */
  async function lifecycleRules(signal?: AbortSignal): Promise<LifecycleRule[]> {
    try {
      const out = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: cfg.bucket }), {
        abortSignal: signal,
      });
      return out.Rules ?? [];
    } catch (e) {
      if ((e as { name?: string }).name === 'NoSuchLifecycleConfiguration') return [];
      throw classifyS3Error(e, 'reading the bucket lifecycle rules');
    }
  }
}
