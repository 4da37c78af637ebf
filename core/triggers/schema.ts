import { z } from 'zod';
import { InputMapping } from '../events/test-pattern';
import { idPattern } from '../ids';
import { JobId } from '../jobs/schema';
import { ProjectId } from '../projects/schema';

/**
 * Triggers: a job started when an event on the bus matches an EventBridge event pattern, with
 * parameters taken from the event by JSONPath (core/events/json-path.ts). A trigger may also accept
 * signed webhooks (`POST /v1/hooks/{triggerId}`), which become `Webhook Received` events its
 * pattern matches. See docs/triggers.md.
 */
export const TriggerId = z.string().regex(idPattern('trg'), 'must be a trigger id (trg_…)');

const Name = z
  .string()
  .min(1)
  .max(128)
  .refine((s) => s.trim() === s && !/\p{Cc}/u.test(s), 'must be printable without surrounding whitespace');

/** A pattern as JSON text (kept as given) or as an object; validated by core/events/pattern.ts when saved. */
const PatternInput = z.union([z.string().min(2).max(4096), z.record(z.string(), z.unknown())]);

const WebhookInput = z.strictObject({ enabled: z.boolean() });

export const TriggerInput = z.strictObject({
  name: Name,
  jobId: JobId,
  /** Optional only for webhook triggers: they default to their own `Webhook Received` events. */
  pattern: PatternInput.optional(),
  inputMapping: InputMapping.default({}),
  /** Fixed values; mapped values win over them. Secure parameters are refused, as for schedules. */
  parameters: z.record(z.string(), z.unknown()).default({}),
  enabled: z.boolean().default(true),
  confirmDangerous: z.boolean().default(false),
  webhook: WebhookInput.default({ enabled: false }),
});
export type TriggerInput = z.output<typeof TriggerInput>;

export const TriggerPatch = z
  .strictObject({
    name: Name.optional(),
    jobId: JobId.optional(),
    pattern: PatternInput.optional(),
    inputMapping: InputMapping.optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    enabled: z.boolean().optional(),
    confirmDangerous: z.boolean().optional(),
    webhook: WebhookInput.optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'name at least one field to change' });
export type TriggerPatch = z.output<typeof TriggerPatch>;

/** The trigger as stored. `webhook.sealedSecret` never leaves the service (see `triggerView`). */
export const Trigger = z.object({
  id: TriggerId,
  projectId: ProjectId,
  name: Name,
  jobId: JobId,
  /** The event pattern as JSON text. */
  pattern: z.string(),
  inputMapping: z.record(z.string(), z.string()),
  parameters: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  confirmDangerous: z.boolean(),
  webhook: z.object({
    enabled: z.boolean(),
    /** The HMAC secret sealed with the run sealer, context = the trigger id. */
    sealedSecret: z.string().optional(),
  }),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  version: z.number().int().positive(),
});
export type Trigger = z.infer<typeof Trigger>;

/** What the API shows: never the sealed secret, only whether there is one. */
export type TriggerView = Omit<Trigger, 'webhook'> & { webhook: { enabled: boolean; hasSecret: boolean; url: string } };

export const TriggerPath = z.strictObject({ projectId: ProjectId, triggerId: TriggerId });
export const HookPath = z.strictObject({ triggerId: z.string().min(1).max(64) });

export const TriggerTestInput = z.strictObject({
  event: z.union([z.string(), z.record(z.string(), z.unknown())]),
});
export type TriggerTestInput = z.output<typeof TriggerTestInput>;

export const triggerFailureReasons = ['job-missing', 'confirmation-required', 'invalid-parameters', 'no-targets', 'launch-failed'] as const;
export type TriggerFailureReason = (typeof triggerFailureReasons)[number];
