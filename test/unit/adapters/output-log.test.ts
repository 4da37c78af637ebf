import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createS3OutputLog, PART_BYTES } from '../../../adapters/aws/s3-output-log';
import { createFileOutputLog, SPILL_BYTES } from '../../../adapters/local/file-output-log';

const RUN = 'run_01JD0000000000000000000001';
const TARGET = 'tgt_01JD0000000000000000000001';
const OTHER_TARGET = 'tgt_01JD0000000000000000000002';
const KiB = 1024;
const MiB = 1024 * KiB;
const meta = { $metadata: {} };

const badIds: [string, string][] = [
  ['../../etc', TARGET],
  [`${RUN}/..`, TARGET],
  ['run_01jd0000000000000000000001', TARGET],
  [RUN, '../tgt_01JD0000000000000000000001'],
  [RUN, `${TARGET}.part`],
  [RUN, ''],
];

const readAll = async (stream: Readable | undefined): Promise<Buffer> => {
  if (stream === undefined) throw new Error('no log');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('file output log', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'opsc-output-log-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps 50 MiB appended in 64 KiB pieces byte-exact, readable only once finished', async () => {
    const log = createFileOutputLog(dir);
    const written = createHash('sha256');
    for (let i = 0; i < 800; i++) {
      const piece = randomBytes(64 * KiB);
      written.update(piece);
      await log.append(RUN, TARGET, piece);
    }
    const runDir = path.join(dir, 'runs', RUN);

    expect(await log.open(RUN, TARGET)).toBeUndefined();
    expect((await stat(path.join(runDir, `${TARGET}.log.part`))).mode & 0o777).toBe(0o600);

    await log.finish(RUN, TARGET);

    const read = createHash('sha256');
    let size = 0;
    for await (const chunk of (await log.open(RUN, TARGET)) ?? Readable.from([])) {
      read.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    expect(size).toBe(50 * MiB);
    expect(read.digest('hex')).toBe(written.digest('hex'));
    expect(await readdir(runDir)).toEqual([`${TARGET}.log`]);
    expect((await stat(path.join(runDir, `${TARGET}.log`))).mode & 0o777).toBe(0o600);
    expect((await stat(runDir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(dir, 'runs'))).mode & 0o777).toBe(0o700);
  });

  it('keeps a small log in memory until finish: nothing on disk before, the whole log after', async () => {
    const log = createFileOutputLog(dir);

    await log.append(RUN, TARGET, Buffer.from('Linux\n'));
    await log.append(RUN, TARGET, Buffer.from('done\n'));

    expect(await readdir(dir)).toEqual([]);
    await log.finish(RUN, TARGET);
    expect((await readAll(await log.open(RUN, TARGET))).toString()).toBe('Linux\ndone\n');
    expect(await readdir(path.join(dir, 'runs', RUN))).toEqual([`${TARGET}.log`]);
    expect((await stat(path.join(dir, 'runs', RUN, `${TARGET}.log`))).mode & 0o777).toBe(0o600);
  });

  it('writes appends in call order even when they are not awaited one by one, and copies what it is given', async () => {
    const log = createFileOutputLog(dir);
    const reused = Buffer.alloc(4);
    const pieces = Array.from({ length: 200 }, (_, i) => Buffer.from(`line ${i}\n`));

    await Promise.all(
      pieces.flatMap((p, i) => {
        reused.write(`<${String(i % 10)}>\n`);
        return [log.append(RUN, TARGET, p), log.append(RUN, OTHER_TARGET, reused)];
      }),
    );
    await log.finish(RUN, TARGET);
    await log.finish(RUN, OTHER_TARGET);

    expect((await readAll(await log.open(RUN, TARGET))).toString()).toBe(pieces.join(''));
    expect((await readAll(await log.open(RUN, OTHER_TARGET))).toString()).toBe(pieces.map((_, i) => `<${String(i % 10)}>\n`).join(''));
  });

  it('finishes a host that wrote nothing as an empty log, takes a second finish as a no-op, and refuses appends after', async () => {
    const log = createFileOutputLog(dir);

    await log.finish(RUN, TARGET);
    await log.finish(RUN, TARGET);

    expect(await readAll(await log.open(RUN, TARGET))).toEqual(Buffer.alloc(0));
    // A small append waits in memory; the finish that would write it refuses.
    await log.append(RUN, TARGET, Buffer.from('late'));
    await expect(log.finish(RUN, TARGET)).rejects.toThrow('already finished');
    // One that spills to disk is refused at once.
    await expect(log.append(RUN, TARGET, Buffer.alloc(SPILL_BYTES + 1))).rejects.toThrow('already finished');
    await expect(log.finish(RUN, TARGET)).rejects.toThrow('incomplete');
    expect(await readdir(path.join(dir, 'runs', RUN))).toEqual([`${TARGET}.log`]);
    expect(await readAll(await log.open(RUN, TARGET))).toEqual(Buffer.alloc(0));
    expect(await log.open(RUN, OTHER_TARGET)).toBeUndefined();
  });

  it('lets a new instance finish what an earlier one left appended (a restarted process)', async () => {
    await mkdir(path.join(dir, 'runs', RUN), { recursive: true });
    await writeFile(path.join(dir, 'runs', RUN, `${TARGET}.log.part`), 'before restart\n');

    await createFileOutputLog(dir).finish(RUN, TARGET);

    expect((await readAll(await createFileOutputLog(dir).open(RUN, TARGET))).toString()).toBe('before restart\n');
  });

  it.each(badIds)('refuses run id %j with target id %j before touching the disk', async (runId, targetId) => {
    const log = createFileOutputLog(dir);

    await expect(log.append(runId, targetId, Buffer.from('x'))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(log.finish(runId, targetId)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(log.open(runId, targetId)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await readdir(dir)).toEqual([]);
  });
});

type Failure = (command: object) => Error | undefined;

/**
 * S3 as far as the output log sees it: it records every command, keeps multipart uploads part by
 * part and assembles them on Complete when the part numbers and ETags match, and fails a command
 * when `fail` says so.
 */
const fakeS3 = (fail: Failure = () => undefined) => {
  const sent: object[] = [];
  const objects = new Map<string, Buffer>();
  const uploads = new Map<string, { key: string; parts: Map<number, { etag: string; body: Buffer }> }>();
  let counter = 0;
  const send = (command: object): Promise<unknown> => {
    sent.push(command);
    const failure = fail(command);
    if (failure !== undefined) return Promise.reject(failure);
    if (command instanceof CreateMultipartUploadCommand) {
      const UploadId = `upload-${String(++counter)}`;
      uploads.set(UploadId, { key: command.input.Key ?? '', parts: new Map() });
      return Promise.resolve({ UploadId, ...meta });
    }
    if (command instanceof UploadPartCommand) {
      const { UploadId = '', PartNumber = 0, Body } = command.input;
      const upload = uploads.get(UploadId);
      if (upload === undefined || !Buffer.isBuffer(Body)) return Promise.reject(new Error('NoSuchUpload'));
      const etag = `"etag-${String(++counter)}"`;
      upload.parts.set(PartNumber, { etag, body: Body });
      return Promise.resolve({ ETag: etag, ChecksumCRC32: `crc-${String(PartNumber)}`, ...meta });
    }
    if (command instanceof CompleteMultipartUploadCommand) {
      const upload = uploads.get(command.input.UploadId ?? '');
      const parts = command.input.MultipartUpload?.Parts ?? [];
      if (upload === undefined) return Promise.reject(new Error('NoSuchUpload'));
      const bodies = parts.map((p) => {
        const part = upload.parts.get(p.PartNumber ?? 0);
        if (part === undefined || part.etag !== p.ETag) throw new Error('InvalidPart');
        return part.body;
      });
      objects.set(upload.key, Buffer.concat(bodies));
      uploads.delete(command.input.UploadId ?? '');
      return Promise.resolve(meta);
    }
    if (command instanceof AbortMultipartUploadCommand) {
      uploads.delete(command.input.UploadId ?? '');
      return Promise.resolve(meta);
    }
    if (command instanceof PutObjectCommand) {
      const { Key = '', Body } = command.input;
      if (!Buffer.isBuffer(Body)) return Promise.reject(new Error('expected a Buffer body'));
      objects.set(Key, Buffer.from(Body));
      return Promise.resolve(meta);
    }
    if (command instanceof GetObjectCommand) {
      const object = objects.get(command.input.Key ?? '');
      if (object === undefined) return Promise.reject(new NoSuchKey({ message: 'The specified key does not exist.', ...meta }));
      return Promise.resolve({ Body: Readable.from([object]), ...meta });
    }
    return Promise.reject(new Error('unexpected command'));
  };
  const of = <T>(type: abstract new (...args: never[]) => T): T[] => sent.filter((c): c is T & object => c instanceof type);
  return { client: { send } as unknown as S3Client, sent, objects, uploads, of };
};

const BUCKET = 'opsc-output';
const KEY = `runs/${RUN}/${TARGET}.log`;

describe('S3 output log', () => {
  it('uploads 20 MiB of 64 KiB appends as 8 MiB parts and a last part, and completes them in order', async () => {
    const s3 = fakeS3();
    const log = createS3OutputLog({ s3: s3.client, bucket: BUCKET });
    const data = randomBytes(20 * MiB);
    const piece = 64 * KiB;
    for (let offset = 0; offset < data.length; offset += piece) {
      await log.append(RUN, TARGET, data.subarray(offset, offset + piece));
      if (offset + piece < PART_BYTES) expect(s3.sent).toEqual([]);
    }

    await log.finish(RUN, TARGET);

    expect(s3.sent.map((c) => c.constructor.name)).toEqual([
      'CreateMultipartUploadCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'CompleteMultipartUploadCommand',
    ]);
    const [create] = s3.of(CreateMultipartUploadCommand);
    expect(create?.input).toMatchObject({ Bucket: BUCKET, Key: KEY, ChecksumAlgorithm: 'CRC32' });
    const parts = s3.of(UploadPartCommand).map((c) => c.input);
    expect(parts.map((p) => [p.PartNumber, (p.Body as Buffer).length])).toEqual([
      [1, 8 * MiB],
      [2, 8 * MiB],
      [3, 4 * MiB],
    ]);
    expect(parts.every((p) => p.Bucket === BUCKET && p.Key === KEY && p.UploadId === 'upload-1' && p.ChecksumAlgorithm === 'CRC32')).toBe(true);
    const [complete] = s3.of(CompleteMultipartUploadCommand);
    expect(complete?.input).toEqual({
      Bucket: BUCKET,
      Key: KEY,
      UploadId: 'upload-1',
      MultipartUpload: {
        Parts: [
          { PartNumber: 1, ETag: '"etag-2"', ChecksumCRC32: 'crc-1' },
          { PartNumber: 2, ETag: '"etag-3"', ChecksumCRC32: 'crc-2' },
          { PartNumber: 3, ETag: '"etag-4"', ChecksumCRC32: 'crc-3' },
        ],
      },
    });
    expect(sha256(Buffer.concat(parts.map((p) => p.Body as Buffer)))).toBe(sha256(data));
    expect(sha256(await readAll(await log.open(RUN, TARGET)))).toBe(sha256(data));
  });

  it('cuts a large append into full parts, and sends no empty last part when the log ends on a part boundary', async () => {
    const s3 = fakeS3();
    const log = createS3OutputLog({ s3: s3.client, bucket: BUCKET });
    const data = randomBytes(16 * MiB);

    await log.append(RUN, TARGET, data.subarray(0, 17 * MiB - 9 * MiB));
    await log.append(RUN, TARGET, data.subarray(8 * MiB));
    await log.finish(RUN, TARGET);

    expect(s3.of(UploadPartCommand).map((c) => (c.input.Body as Buffer).length)).toEqual([8 * MiB, 8 * MiB]);
    expect(s3.of(CompleteMultipartUploadCommand)[0]?.input.MultipartUpload?.Parts?.map((p) => p.PartNumber)).toEqual([1, 2]);
    expect((await readAll(await log.open(RUN, TARGET))).equals(data)).toBe(true);

    const big = randomBytes(17 * MiB + 5);
    await log.append(RUN, OTHER_TARGET, big);
    await log.finish(RUN, OTHER_TARGET);
    expect(s3.of(UploadPartCommand).slice(2).map((c) => (c.input.Body as Buffer).length)).toEqual([8 * MiB, 8 * MiB, 1 * MiB + 5]);
    expect((await readAll(await log.open(RUN, OTHER_TARGET))).equals(big)).toBe(true);
  });

  it('puts a log smaller than a part as one object, an empty one too, with no multipart upload', async () => {
    const s3 = fakeS3();
    const log = createS3OutputLog({ s3: s3.client, bucket: BUCKET, prefix: 'output/' });

    await log.append(RUN, TARGET, Buffer.from('hello '));
    await log.append(RUN, TARGET, Buffer.from('world\n'));
    await log.finish(RUN, TARGET);
    await log.finish(RUN, OTHER_TARGET);

    expect(s3.sent.map((c) => c.constructor.name)).toEqual(['PutObjectCommand', 'PutObjectCommand']);
    expect(s3.of(PutObjectCommand).map((c) => [c.input.Bucket, c.input.Key])).toEqual([
      [BUCKET, `output/runs/${RUN}/${TARGET}.log`],
      [BUCKET, `output/runs/${RUN}/${OTHER_TARGET}.log`],
    ]);
    expect((await readAll(await log.open(RUN, TARGET))).toString()).toBe('hello world\n');
    expect(await readAll(await log.open(RUN, OTHER_TARGET))).toEqual(Buffer.alloc(0));
  });

  it('answers undefined for a log that is not there, and nothing before it is finished', async () => {
    const s3 = fakeS3();
    const log = createS3OutputLog({ s3: s3.client, bucket: BUCKET });

    await log.append(RUN, TARGET, Buffer.from('not finished'));

    expect(await log.open(RUN, TARGET)).toBeUndefined();
    expect(s3.of(GetObjectCommand)[0]?.input).toEqual({ Bucket: BUCKET, Key: KEY });
  });

  it('aborts the upload when completing it fails', async () => {
    const s3 = fakeS3((c) => (c instanceof CompleteMultipartUploadCommand ? new Error('InternalError') : undefined));
    const log = createS3OutputLog({ s3: s3.client, bucket: BUCKET });

    await log.append(RUN, TARGET, randomBytes(9 * MiB));
    await expect(log.finish(RUN, TARGET)).rejects.toThrow('InternalError');

    expect(s3.of(AbortMultipartUploadCommand).map((c) => c.input)).toEqual([{ Bucket: BUCKET, Key: KEY, UploadId: 'upload-1' }]);
    expect(s3.uploads.size).toBe(0);
    expect(await log.open(RUN, TARGET)).toBeUndefined();
  });

  it('aborts the upload when the last part fails, and reports the part error even if the abort fails too', async () => {
    const s3 = fakeS3((c) =>
      (c instanceof UploadPartCommand && c.input.PartNumber === 2) || c instanceof AbortMultipartUploadCommand ? new Error('SlowDown') : undefined,
    );
    const log = createS3OutputLog({ s3: s3.client, bucket: BUCKET });

    await log.append(RUN, TARGET, randomBytes(9 * MiB));
    await expect(log.finish(RUN, TARGET)).rejects.toThrow('SlowDown');

    expect(s3.of(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(s3.of(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  it('gives up a log whose part upload failed during an append: aborts it, refuses later appends, never completes it', async () => {
    const s3 = fakeS3((c) => (c instanceof UploadPartCommand && c.input.PartNumber === 2 ? new Error('RequestTimeout') : undefined));
    const log = createS3OutputLog({ s3: s3.client, bucket: BUCKET });

    await log.append(RUN, TARGET, randomBytes(8 * MiB));
    await expect(log.append(RUN, TARGET, randomBytes(8 * MiB))).rejects.toThrow('RequestTimeout');
    await expect(log.append(RUN, TARGET, Buffer.from('more'))).rejects.toThrow('incomplete');
    await expect(log.finish(RUN, TARGET)).rejects.toThrow('incomplete');

    expect(s3.of(AbortMultipartUploadCommand).map((c) => c.input.UploadId)).toEqual(['upload-1']);
    expect(s3.of(CompleteMultipartUploadCommand)).toHaveLength(0);
    expect(s3.uploads.size).toBe(0);
    // The failed state went with finish: the host can be written afresh (a retried run of the host).
    await log.append(RUN, TARGET, Buffer.from('retry'));
    await log.finish(RUN, TARGET);
    expect((await readAll(await log.open(RUN, TARGET))).toString()).toBe('retry');
  });

  it.each(badIds)('refuses run id %j with target id %j without calling S3', async (runId, targetId) => {
    const s3 = fakeS3();
    const log = createS3OutputLog({ s3: s3.client, bucket: BUCKET });

    await expect(log.append(runId, targetId, Buffer.from('x'))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(log.finish(runId, targetId)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(log.open(runId, targetId)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(s3.sent).toEqual([]);
  });
});
