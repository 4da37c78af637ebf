import type { Page } from '../pagination';
import type { HostStatus, Run, RunCounts, RunHost, RunListQuery, RunStatus, StoredChunk } from '../runs/schema';

/**
 * Runs, their hosts and their output chunks. Writers race (the API cancels while the state machine
 * finalizes while the runner counts hosts), so every change is a single-item conditional write on
 * the item's status, and counters are atomic additions that never touch `version`. The one
 * exception is the runner's results (`writeResults`): a conditional write on the batch it holds
 * guards a BatchWrite of many hosts.
 */
export interface RunStore {
  /** Writes a new run; when one with this id exists (an idempotent replay) answers it instead, unchanged. */
  create(run: Run): Promise<{ created: boolean; run: Run }>;
  get(runId: string): Promise<Run | undefined>;
  /** Newest first. */
  list(projectId: string, query: RunListQuery): Promise<Page<Run>>;
  /** Runs not yet finished, in any project (for recovery after the local stack stopped mid-run). */
  listActive(): Promise<Run[]>;
  /**
   * Applies `patch` when the run's status is one of `from`; answers the updated run, or undefined
   * when the status had moved on (someone else won). Reaching a finished status drops the run from `listActive`.
   */
  transition(runId: string, from: readonly RunStatus[], patch: RunPatch): Promise<Run | undefined>;
  /** Records a cancel request once, while the run is queued or running; undefined otherwise. */
  requestCancel(runId: string, cancel: { by: string; at: string }): Promise<Run | undefined>;
  /** Atomic additions to the run's counts (negative to move a host out of a status). */
  addCounts(runId: string, delta: Partial<RunCounts>): Promise<RunCounts>;

  /** Writes hosts as planned (status `pending`); writing the same host again replaces it. */
  putHosts(hosts: readonly RunHost[]): Promise<void>;
  getHost(runId: string, targetId: string): Promise<RunHost | undefined>;
  /** In target id order. */
  listHosts(runId: string, query: { limit: number; cursor?: string | undefined; status?: HostStatus | undefined; batch?: number | undefined }): Promise<Page<RunHost>>;
  /**
   * Takes a batch for one runner attempt (`owner`): `claimed` (also when `owner` holds it already),
   * `taken` when another attempt holds it, `closed` once it was given up. Only its holder works a
   * batch's hosts, so no host runs twice even when two runners are started for one batch; the
   * hosts themselves are written when they run long enough to be seen running, and when they end.
   */
  claimBatch(runId: string, batch: number, owner: string): Promise<BatchClaimResult>;
  /** Gives a batch up (the runner is lost, or the run failed): from now on nobody can claim it. */
  closeBatch(runId: string, batch: number): Promise<void>;
  /**
   * What a runner looks at every second, in one read: the run (a cancel request, the counts) and its
   * batch's claim (closed: given up); undefined for what does not exist.
   */
  watchBatch(runId: string, batch: number): Promise<{ run: Run | undefined; claim: BatchClaim | undefined }>;
  /** The batches that were claimed or closed so far. */
  listBatches(runId: string): Promise<BatchClaim[]>;
  /** Applies `patch` when the host's status is one of `from`; answers whether it did. */
  updateHost(runId: string, targetId: string, from: readonly HostStatus[], patch: HostPatch): Promise<boolean>;
  /**
   * Writes finished hosts of a batch whole, for the runner that holds the batch (`owner`): first a
   * conditional write on the batch (refused once it was given up or is held by another: answers
   * false and writes no host), then the hosts in BatchWrites, without a condition each. One
   * request per few hosts instead of one per host. A result that passed the batch's condition just
   * before MarkBatchLost closed the batch may still land after it wrote the host `lost`: the host
   * then says what really happened, and Finalize counts the run's hosts from their items.
   */
  writeResults(runId: string, batch: number, owner: string, hosts: readonly RunHost[]): Promise<boolean>;

  /**
   * Stores chunks of any hosts of the run (one write for many hosts: the runner batches them). The
   * host's lastSeq and outputBytes move with its result (`updateHost`), not here.
   */
  appendOutput(runId: string, chunks: readonly (StoredChunk & { targetId: string })[]): Promise<void>;
  /** Chunks with seq > afterSeq, in order, until about maxBytes of data (at least one chunk when there is one). */
  readOutput(runId: string, targetId: string, afterSeq: number, maxBytes: number): Promise<StoredChunk[]>;
}

export type BatchClaimResult = 'claimed' | 'taken' | 'closed';
export interface BatchClaim {
  batch: number;
  owner?: string | undefined;
  closed: boolean;
}

/** `counts` replaces the run's counts whole (Finalize counts the hosts' items). */
export type RunPatch = Partial<Pick<Run, 'status' | 'startedAt' | 'finishedAt' | 'error' | 'concurrency' | 'maxErrors' | 'counts'>>;
export type HostPatch = Partial<Pick<RunHost, 'status' | 'steps' | 'exitCode' | 'errorCategory' | 'errorMessage' | 'startedAt' | 'finishedAt' | 'lastSeq' | 'outputBytes'>>;
