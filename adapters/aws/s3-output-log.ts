import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  type CompletedPart,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { badRequest } from '../../core/errors';
import { idPattern } from '../../core/ids';
import type { OutputLog } from '../../core/ports/output-log';

/**
 * The full output of each host as one S3 object, `[<prefix>/]runs/<runId>/<targetId>.log`, written
 * by a multipart upload: appends are buffered and sent as 8 MiB parts (S3 wants at least 5 MiB
 * for every part but the last), `finish` sends the rest as the last part and completes the upload.
 * A log that never reaches a full part is sent by `finish` as one PutObject (also the empty log),
 * so small logs cost one request and leave no multipart upload behind. A failed upload is aborted.
 *
 * The state of each host's upload lives in this instance: one runner process writes a host, and at
 * most one part (8 MiB plus one append) is buffered per host. Parts carry CRC32 checksums that
 * S3 verifies; the bucket should still have a lifecycle rule that aborts incomplete multipart
 * uploads, for a runner that dies between two parts.
 */
export const PART_BYTES = 8 * 1024 * 1024;
const CONTENT_TYPE = 'text/plain; charset=utf-8';
const RUN_ID = idPattern('run');
const TARGET_ID = idPattern('tgt');

export interface S3OutputLogDeps {
  s3: S3Client;
  bucket: string;
  /** Key prefix, without or with a trailing slash; none by default. */
  prefix?: string;
}

/** One host's upload in progress. */
interface HostUpload {
  key: string;
  /** Appended bytes not yet sent, fewer than PART_BYTES between appends. */
  chunks: Buffer[];
  buffered: number;
  uploadId?: string;
  parts: CompletedPart[];
  /** Keeps the host's appends and its finish in call order. */
  queue: Promise<void>;
  /** Set when an append failed: the object would have a hole, so it is never completed. */
  failure?: unknown;
}

const checkIds = (runId: string, targetId: string): void => {
  if (!RUN_ID.test(runId)) throw badRequest('The run id is not a run id (run_…).');
  if (!TARGET_ID.test(targetId)) throw badRequest('The target id is not a target id (tgt_…).');
};

export const outputLogKey = (runId: string, targetId: string, prefix = ''): string =>
  `${prefix === '' ? '' : `${prefix.replace(/\/+$/, '')}/`}runs/${runId}/${targetId}.log`;

export const createS3OutputLog = ({ s3, bucket, prefix }: S3OutputLogDeps): OutputLog => {
  const uploads = new Map<string, HostUpload>();

  const failedEarlier = (runId: string, targetId: string, cause: unknown) =>
    new Error(`An earlier write to the output log of ${targetId} in ${runId} failed; the log is incomplete.`, { cause });

  const hostUpload = (runId: string, targetId: string): HostUpload => {
    const key = outputLogKey(runId, targetId, prefix);
    let upload = uploads.get(key);
    if (upload === undefined) {
      upload = { key, chunks: [], buffered: 0, parts: [], queue: Promise.resolve() };
      uploads.set(key, upload);
    }
    return upload;
  };

  /** Best effort: the upload is given up either way, and the error that caused it is the one worth reporting. */
  const abort = async (upload: HostUpload): Promise<void> => {
    if (upload.uploadId === undefined) return;
    const UploadId = upload.uploadId;
    delete upload.uploadId;
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.key, UploadId })).catch(() => undefined);
  };

  const uploadPart = async (upload: HostUpload, body: Buffer): Promise<void> => {
    if (upload.uploadId === undefined) {
      const created = await s3.send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: upload.key, ContentType: CONTENT_TYPE, ChecksumAlgorithm: 'CRC32' }),
      );
      if (created.UploadId === undefined) throw new Error(`S3 started no multipart upload for ${upload.key}.`);
      upload.uploadId = created.UploadId;
    }
    const PartNumber = upload.parts.length + 1;
    const sent = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: upload.key, UploadId: upload.uploadId, PartNumber, Body: body, ChecksumAlgorithm: 'CRC32' }),
    );
    if (sent.ETag === undefined) throw new Error(`S3 returned no ETag for part ${PartNumber} of ${upload.key}.`);
    upload.parts.push({ PartNumber, ETag: sent.ETag, ...(sent.ChecksumCRC32 === undefined ? {} : { ChecksumCRC32: sent.ChecksumCRC32 }) });
  };

  /** Sends every full part buffered; the remainder (under PART_BYTES) stays buffered. */
  const sendFullParts = async (upload: HostUpload): Promise<void> => {
    if (upload.buffered < PART_BYTES) return;
    const all = Buffer.concat(upload.chunks, upload.buffered);
    let offset = 0;
    for (; all.length - offset >= PART_BYTES; offset += PART_BYTES) await uploadPart(upload, all.subarray(offset, offset + PART_BYTES));
    // A copy of the remainder, so the memory of the parts sent is released.
    upload.chunks = offset === all.length ? [] : [Buffer.from(all.subarray(offset))];
    upload.buffered = all.length - offset;
  };

  const finishUpload = async (upload: HostUpload): Promise<void> => {
    const rest = Buffer.concat(upload.chunks, upload.buffered);
    if (upload.uploadId === undefined) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: upload.key, Body: rest, ContentType: CONTENT_TYPE }));
      return;
    }
    try {
      if (rest.length > 0) await uploadPart(upload, rest);
      await s3.send(
        new CompleteMultipartUploadCommand({ Bucket: bucket, Key: upload.key, UploadId: upload.uploadId, MultipartUpload: { Parts: upload.parts } }),
      );
    } catch (e) {
      await abort(upload);
      throw e;
    }
  };

  return {
    // Everything up to the first await runs at the call, so calls queue in the order they were made.
    append: async (runId, targetId, data) => {
      checkIds(runId, targetId);
      const upload = hostUpload(runId, targetId);
      // Copied now: it waits in the buffer across calls, and the caller may reuse its own.
      const bytes = Buffer.from(data);
      const next = upload.queue.then(async () => {
        if (upload.failure !== undefined) throw failedEarlier(runId, targetId, upload.failure);
        upload.chunks.push(bytes);
        upload.buffered += bytes.length;
        try {
          await sendFullParts(upload);
        } catch (e) {
          upload.failure = e;
          await abort(upload);
          throw e;
        }
      });
      upload.queue = next.catch(() => undefined);
      await next;
    },

    finish: async (runId, targetId) => {
      checkIds(runId, targetId);
      const upload = hostUpload(runId, targetId);
      uploads.delete(upload.key);
      await upload.queue;
      if (upload.failure !== undefined) throw failedEarlier(runId, targetId, upload.failure);
      await finishUpload(upload);
    },

    open: async (runId, targetId) => {
      checkIds(runId, targetId);
      let body: unknown;
      try {
        body = (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: outputLogKey(runId, targetId, prefix) }))).Body;
      } catch (e) {
        // S3 answers NoSuchKey only to a caller allowed s3:ListBucket; without it, AccessDenied.
        if (e instanceof NoSuchKey || (e instanceof Error && e.name === 'NoSuchKey')) return undefined;
        throw e;
      }
      // In Node the SDK's body is an http.IncomingMessage, a Readable.
      if (body instanceof Readable) return body;
      throw new Error(`S3 returned no readable body for ${outputLogKey(runId, targetId, prefix)}.`);
    },
  };
};
