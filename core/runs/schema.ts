import { z } from 'zod';
import { idPattern } from '../ids';
import { TargetId } from '../inventory/target-schema';
import { JobId, TargetChoice } from '../jobs/schema';
import { ProjectId } from '../projects/schema';

/**
 * Runs: one execution of one version of a job on a set of hosts. A run is written `queued` by the
 * API, planned and driven by the job-run state machine, and its hosts are worked by the runner.
 * What a run stores never holds a secure parameter's value: those travel sealed (see RunSealer).
 */
export const RunId = z.string().regex(idPattern('run'), 'must be a run id (run_…)');

export const runStatuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out'] as const;
export const RunStatus = z.enum(runStatuses);
export type RunStatus = z.infer<typeof RunStatus>;
export const finishedRunStatuses: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled', 'timed_out'];

export const hostStatuses = ['pending', 'running', 'succeeded', 'failed', 'unreachable', 'cancelled', 'timed_out', 'skipped', 'lost'] as const;
export const HostStatus = z.enum(hostStatuses);
export type HostStatus = z.infer<typeof HostStatus>;
/** A host in one of these is done; the others may still change. */
export const finishedHostStatuses: readonly HostStatus[] = ['succeeded', 'failed', 'unreachable', 'cancelled', 'timed_out', 'skipped', 'lost'];
/** Hosts in these count against the job's max errors. */
export const errorHostStatuses: readonly HostStatus[] = ['failed', 'unreachable', 'timed_out', 'lost'];

/** How many hosts are in each status; always sums to `total`. */
export const RunCounts = z.object({ total: z.number().int(), ...Object.fromEntries(hostStatuses.map((s) => [s, z.number().int()])) } as {
  total: z.ZodNumber;
} & Record<HostStatus, z.ZodNumber>);
export type RunCounts = z.infer<typeof RunCounts>;

export const emptyCounts = (): RunCounts => ({ total: 0, ...(Object.fromEntries(hostStatuses.map((s) => [s, 0])) as Record<HostStatus, number>) });

/** A body of `POST …/jobs/{jobId}/runs`. */
export const StartRunInput = z.strictObject({
  parameters: z.record(z.string(), z.unknown()).default({}),
  /** Overrides the job's own targets for this run. */
  targets: TargetChoice.optional(),
  confirmDangerous: z.boolean().default(false),
});
export type StartRunInput = z.output<typeof StartRunInput>;

export const IdempotencyKey = z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export const Run = z.object({
  id: RunId,
  projectId: ProjectId,
  jobId: JobId,
  jobName: z.string(),
  /** The version of the job this run executes (versions are immutable). */
  jobVersion: z.number().int().positive(),
  status: RunStatus,
  /** Parameter values as the run used them; secure ones read `******`. */
  parameters: z.record(z.string(), z.string()),
  /** The secure values, sealed for the runner alone (absent when there are none). */
  sealedSecureParameters: z.string().optional(),
  /** What the run was asked to run on (the job's targets unless the request overrode them). */
  targets: z.object({ selector: z.string().optional(), targetIds: z.array(z.string()).optional() }),
  /** Resolved at planning, when the number of hosts is known. */
  concurrency: z.number().int().optional(),
  maxErrors: z.number().int().optional(),
  runTimeoutSeconds: z.number().int(),
  /** Present when the job had dangerous commands and an admin confirmed them for this run. */
  dangerousConfirmed: z.object({ by: z.string(), at: z.string(), ruleIds: z.array(z.string()) }).optional(),
  /** The run whose unsuccessful hosts this one retries. */
  retryOf: RunId.optional(),
  /** SHA-256 of the request that made the run, to tell a replay from a different request under the same key. */
  requestHash: z.string().optional(),
  counts: RunCounts,
  cancelRequested: z.object({ by: z.string(), at: z.string() }).optional(),
  /** Why the run ended as it did, when not every host succeeded. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  createdAt: z.string(),
  createdBy: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  updatedAt: z.string(),
  version: z.number().int().positive(),
});
export type Run = z.infer<typeof Run>;

export const StepOutcome = z.object({
  id: z.string(),
  status: z.enum(['succeeded', 'failed', 'timed_out', 'cancelled', 'skipped']),
  exitCode: z.number().int().optional(),
  signal: z.string().optional(),
  termination: z.enum(['graceful', 'killed', 'incomplete']).optional(),
  attempts: z.number().int(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});

export const RunHost = z.object({
  runId: RunId,
  targetId: TargetId,
  targetName: z.string(),
  address: z.string(),
  /** Which batch of the plan the host is in (the state machine's Map item). */
  batch: z.number().int().min(0),
  status: HostStatus,
  steps: z.array(StepOutcome).default([]),
  /** Exit code of the step that decided the host's status (the last one run). */
  exitCode: z.number().int().optional(),
  errorCategory: z.string().optional(),
  errorMessage: z.string().optional(),
  /** The highest output sequence number stored so far (0: none). */
  lastSeq: z.number().int().min(0).default(0),
  outputBytes: z.number().int().min(0).default(0),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});
export type RunHost = z.infer<typeof RunHost>;

/**
 * Output of one stream of one step attempt, in order: what the executor produces and the store
 * keeps. `data` is the exact bytes the host wrote (after redaction), never decoded: a chunk can end
 * in the middle of a UTF-8 character and the next one carries the rest, so a consumer decodes the
 * concatenation (or a streaming TextDecoder), never a chunk on its own.
 */
export interface StoredChunk {
  /** 1, 2, 3… per host run, across steps, attempts and both streams, without gaps. */
  seq: number;
  stream: 'stdout' | 'stderr';
  stepId: string;
  /** 1 for the first try of a step, 2 for its first retry… */
  attempt: number;
  /** When the first byte of the chunk arrived (ISO 8601 UTC). */
  at: string;
  /** At most the executor's `maxChunkBytes` (64 KiB by default). */
  data: Buffer;
}

export const RunPath = z.strictObject({ projectId: ProjectId, runId: RunId });
export const JobRunsPath = z.strictObject({ projectId: ProjectId, jobId: JobId });

export const RunListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(2048).optional(),
  jobId: JobId.optional(),
  status: RunStatus.optional(),
  /** ISO 8601 bounds on createdAt, inclusive. */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type RunListQuery = z.infer<typeof RunListQuery>;

export const HostListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(500),
  cursor: z.string().min(1).max(2048).optional(),
  status: HostStatus.optional(),
});

export const OutputQuery = z.strictObject({
  targetId: TargetId,
  /** The last sequence number the caller has (0 or absent: from the start). */
  cursor: z.string().regex(/^\d{1,10}$/, 'must be a sequence number').optional(),
  /** Upper bound on the bytes of output in one page. */
  maxBytes: z.coerce.number().int().min(1024).max(4 * 1024 * 1024).default(1024 * 1024),
});

/** `cursors=tgt_…:12,tgt_…:0`: several hosts' output in one request (the console's all-hosts view). */
export const OutputsQuery = z.strictObject({
  cursors: z
    .string()
    .max(100 * 40)
    .transform((text, ctx) => {
      const pairs = text.split(',').filter((p) => p !== '');
      const parsed: { targetId: string; afterSeq: number }[] = [];
      for (const [i, pair] of pairs.entries()) {
        const m = /^(tgt_[0-9A-HJKMNP-TV-Z]{26}):(\d{1,10})$/.exec(pair);
        if (!m?.[1] || m[2] === undefined) {
          ctx.addIssue({ code: 'custom', message: `item ${String(i + 1)} must be <targetId>:<sequence number>` });
          return z.NEVER;
        }
        parsed.push({ targetId: m[1], afterSeq: Number(m[2]) });
      }
      if (parsed.length === 0 || parsed.length > 100) {
        ctx.addIssue({ code: 'custom', message: 'must name 1 to 100 hosts' });
        return z.NEVER;
      }
      if (new Set(parsed.map((p) => p.targetId)).size !== parsed.length) {
        ctx.addIssue({ code: 'custom', message: 'must name each host once' });
        return z.NEVER;
      }
      return parsed;
    }),
  /** Upper bound on the bytes of output in the whole answer, shared among the hosts. */
  maxBytes: z.coerce.number().int().min(1024).max(4 * 1024 * 1024).default(1024 * 1024),
});
