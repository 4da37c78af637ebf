/**
 * How a run's hosts are cut for the state machine. Each batch is one runner task (a Fargate task
 * on AWS) working up to MAX_BATCH_HOSTS hosts with its own pool; batches run side by side and the
 * job's concurrency is shared out among them, so the hosts running at once never exceed it.
 */
export const MAX_BATCH_HOSTS = 250;

/** A count or share of `total` ("25%"): shares of concurrency round up, shares of max errors down. */
export const resolveCount = (spec: number | string, total: number, round: 'up' | 'down'): number => {
  if (typeof spec === 'number') return spec;
  const share = (Number(spec.slice(0, -1)) * total) / 100;
  return round === 'up' ? Math.ceil(share) : Math.floor(share);
};

export interface BatchCut {
  /** Hosts per batch, in order. */
  sizes: number[];
  /** The pool size of each batch. */
  concurrency: number[];
  /** How many batches run at once (the Map state's MaxConcurrency). */
  mapConcurrency: number;
}

export const cutBatches = (hosts: number, concurrency: number): BatchCut => {
  if (hosts === 0) return { sizes: [], concurrency: [], mapConcurrency: 1 };
  const limit = Math.max(1, concurrency);
  const count = Math.ceil(hosts / MAX_BATCH_HOSTS);
  const base = Math.floor(hosts / count);
  const sizes = Array.from({ length: count }, (_, i) => base + (i < hosts % count ? 1 : 0));
  const mapConcurrency = Math.min(count, limit);
  // Batches running at once share the limit; a batch never needs more than its own size.
  const share = Math.floor(limit / mapConcurrency);
  return { sizes, concurrency: sizes.map((s) => Math.max(1, Math.min(s, share))), mapConcurrency };
};
