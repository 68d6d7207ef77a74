// The `--json` output of every `apsync` command: one zod schema per command, validated before printing
// so the shape is stable for scripts. Exported for tests and for anyone scripting against the CLI.
import * as z from 'zod';
import type { PaidBillBackfillCounts } from '../../shared/payments/backfill-paid-bills.ts';
import type { PaymentBackfillCounts } from '../../shared/payments/backfill-payments.ts';
import {
  discrepancyKinds,
  type ReconciledDiscrepancy,
  type ReconcileReport,
  reconcileAreas,
  repairActions,
} from '../../shared/reconcile/model.ts';
import { recordKinds, syncStatuses } from '../../shared/state/model.ts';

const targetSchema = z.strictObject({ kind: z.enum(['local', 'aws']), label: z.string() });
const syncStatusSchema = z.enum(syncStatuses);
const recordKindSchema = z.enum(recordKinds);
const systemSchema = z.enum(['netsuite', 'procurify']);
const refSchema = z.strictObject({ system: systemSchema, kind: recordKindSchema, id: z.string() });
/** A record named both ways: in record syntax (`vendor:123`, `bill:<uuid>`) and as a reference. */
const recordNamed = { record: z.string(), ref: refSchema };

/**
 * A closed object of whole-number counts with these names; `satisfies z.ZodType<…>` where it is used ties
 * them to the domain's counts type.
 */
function countsSchema<const Name extends string>(names: readonly Name[]) {
  return z.strictObject(
    Object.fromEntries(names.map((name) => [name, z.number().int()])) as Record<Name, z.ZodNumber>,
  );
}

/** A list read from one target, `truncated` when it was cut at the command's limit. */
function targetList<const Key extends string, Item extends z.ZodType>(key: Key, item: Item) {
  const items = { [key]: z.array(item) } as Record<Key, z.ZodArray<Item>>;
  return z.strictObject({ target: targetSchema, ...items, truncated: z.boolean() });
}

/** Every failure with `--json`: printed on stdout, exit code not 0. */
export const errorOutputSchema = z.strictObject({
  error: z.strictObject({
    /**
     * The README's exit-code table: `failed` (1: the operation failed or was refused), `usage` (2),
     * `unreachable` (3: a service or the stack did not answer, or refused the credentials), `bug` (4).
     */
    class: z.enum(['failed', 'usage', 'unreachable', 'bug']),
    code: z.string().optional(),
    message: z.string(),
  }),
});

/** A reconcile run's totals (shared/reconcile/model.ts ReconcileReport). */
const reconcileTotalsSchema = countsSchema([
  'discrepancies',
  'repaired',
  'needsFix',
  'failed',
  'open',
]) satisfies z.ZodType<ReconcileReport['totals']>;

const queueDepthSchema = z.strictObject({
  visible: z.number().int(),
  inFlight: z.number().int(),
  delayed: z.number().int(),
});

const scheduleRunSchema = z.strictObject({
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  outcome: z.enum(['succeeded', 'failed']).optional(),
  error: z.string().optional(),
});

export const statusOutputSchema = z.strictObject({
  target: targetSchema,
  checkedAt: z.string(),
  paymentMode: z.strictObject({
    mode: z.enum(['push', 'pull']),
    source: z.enum(['default', 'operator']),
    changedAt: z.string().optional(),
    changedBy: z.string().optional(),
  }),
  flows: z.array(
    z.strictObject({
      /** Schedule key: netsuitePoll, procurifyPoll, paidBillPull. */
      flow: z.string(),
      function: z.string(),
      /** Seconds between runs (local); null when unknown (AWS: see the schedule). */
      rateSeconds: z.number().nullable(),
      /** Last run seen by the local scheduler since it started; null when unknown or none yet. */
      lastRun: scheduleRunSchema.nullable(),
      watermarks: z.array(
        z.strictObject({
          name: z.string(),
          value: z.string().nullable(),
          /** Seconds between the watermark and now, when the watermark is a time. */
          lagSeconds: z.number().nullable(),
        }),
      ),
    }),
  ),
  counts: z.array(
    z.strictObject({ kind: recordKindSchema, status: syncStatusSchema, count: z.number().int() }),
  ),
  queues: z.array(
    z.strictObject({
      queue: z.string(),
      depth: queueDepthSchema,
      deadLetter: queueDepthSchema.nullable(),
    }),
  ),
  workers: z
    .record(
      z.string(),
      z.strictObject({
        invocations: z.number(),
        records: z.number(),
        failures: z.number(),
        inFlight: z.number(),
      }),
    )
    .nullable(),
  /** The last reconciliation run (`apsync reconcile` or its schedule), null before the first. */
  lastReconcile: z
    .strictObject({
      reconciledAsOf: z.string(),
      finishedAt: z.string(),
      areas: z.array(z.string()),
      fix: z.boolean(),
      totals: reconcileTotalsSchema,
    })
    .nullable(),
  /** The initial load (`apsync backfill --bills`): the phase running with n of m, or when it was done. */
  initialLoad: z.strictObject({
    state: z.enum(['never', 'running', 'done']),
    phase: z.string().optional(),
    processed: z.number().int().optional(),
    total: z.number().int().optional(),
    detail: z.string().optional(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    line: z.string(),
  }),
});
export type StatusOutput = z.infer<typeof statusOutputSchema>;

const dlqMessageSchema = z.strictObject({
  /** The dead-letter queue's logical name: inbound, bill, payment, schedule. */
  queue: z.string(),
  messageId: z.string(),
  /** What the message is about, in record syntax (`vendor:123`, `bill:<uuid>`), when known. */
  record: z.string().nullable(),
  /** Deliveries to the worker before it was dead-lettered (from the failure log), else SQS's count. */
  receiveCount: z.number().int(),
  errorClass: z.string().nullable(),
  lastError: z.string().nullable(),
  firstFailureAt: z.string().nullable(),
  lastFailureAt: z.string().nullable(),
  sentAt: z.string().nullable(),
});

export const dlqListOutputSchema = targetList('messages', dlqMessageSchema);
export type DlqListOutput = z.infer<typeof dlqListOutputSchema>;

export const dlqShowOutputSchema = z.strictObject({
  message: dlqMessageSchema,
  body: z.unknown(),
  attributes: z.record(z.string(), z.string()),
});
export type DlqShowOutput = z.infer<typeof dlqShowOutputSchema>;

export const dlqRedriveOutputSchema = z.strictObject({
  mode: z.enum(['all', 'selected']),
  /** `--all`: one StartMessageMoveTask per dead-letter queue. */
  tasks: z.array(
    z.strictObject({
      queue: z.string(),
      taskHandle: z.string().nullable(),
      status: z.string(),
      messagesToMove: z.number().int().nullable(),
      messagesMoved: z.number().int().nullable(),
    }),
  ),
  /** Selected ids: sent back to the source queue, then deleted from the dead-letter queue. */
  redriven: z.array(z.strictObject({ queue: z.string(), messageId: z.string(), newMessageId: z.string() })),
  notFound: z.array(z.string()),
});
export type DlqRedriveOutput = z.infer<typeof dlqRedriveOutputSchema>;

const stateSchema = z.strictObject({
  ...recordNamed,
  status: syncStatusSchema,
  message: z.string().optional(),
  errorClass: z.string().optional(),
  waitingFor: z.array(z.string()).optional(),
  sourceModified: z.string().optional(),
  updatedAt: z.string(),
});

export const reviewListOutputSchema = targetList('records', stateSchema);
export type ReviewListOutput = z.infer<typeof reviewListOutputSchema>;

export const replayOutputSchema = z.strictObject({
  record: z.string(),
  /** What was done: the record was put on its queue again, or the use case's own outcome. */
  action: z.string(),
  messageId: z.string().optional(),
  detail: z.string().optional(),
});
export type ReplayOutput = z.infer<typeof replayOutputSchema>;

/** `review dismiss`: the record is out of the review list, its state `dismissed`. */
export const dismissOutputSchema = z.strictObject({
  record: z.string(),
  previousStatus: syncStatusSchema,
  previousMessage: z.string().optional(),
  status: z.literal('dismissed'),
  reason: z.string(),
  dismissedBy: z.string(),
  dismissedAt: z.string(),
});
export type DismissOutput = z.infer<typeof dismissOutputSchema>;

export const paymentResyncOutputSchema = z.strictObject({
  paymentId: z.string(),
  /** False when a re-sync of this payment was requested in the last 2 minutes (joined, not repeated). */
  requested: z.boolean(),
  detail: z.string(),
  messageId: z.string().optional(),
});
export type PaymentResyncOutput = z.infer<typeof paymentResyncOutputSchema>;

export const syncNowOutputSchema = z.strictObject({
  flow: z.string(),
  schedule: z.string(),
  function: z.string(),
  /** `started` when not waited for. */
  outcome: z.enum(['succeeded', 'failed', 'started']),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  result: z.unknown().optional(),
  error: z.string().optional(),
});
export type SyncNowOutput = z.infer<typeof syncNowOutputSchema>;

export const auditOutputSchema = z.strictObject({
  ...recordNamed,
  state: stateSchema.nullable(),
  link: z
    .strictObject({
      netsuiteId: z.string(),
      procurifyId: z.string(),
      origin: z.string(),
      linkedAt: z.string(),
    })
    .nullable(),
  /** Oldest first. */
  entries: z.array(
    z.strictObject({
      at: z.string(),
      step: z.string(),
      message: z.string().optional(),
      facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    }),
  ),
});
export type AuditOutput = z.infer<typeof auditOutputSchema>;

/** `apsync audit settings[:<name>]`: the setting changes, oldest first. */
export const settingsAuditOutputSchema = z.strictObject({
  record: z.string(),
  changes: z.array(
    z.strictObject({
      at: z.string(),
      name: z.string(),
      by: z.string(),
      /** `cli` or `console`. */
      via: z.string(),
      /** The value that applied before the change (null: none). */
      previous: z.unknown(),
      /** Where that value came from: an operator, cdk.json (`deployment`) or the default. */
      previousSource: z.enum(['operator', 'deployment', 'default']).optional(),
      value: z.unknown(),
    }),
  ),
});
export type SettingsAuditOutput = z.infer<typeof settingsAuditOutputSchema>;

export const modeGetOutputSchema = z.strictObject({
  mode: z.enum(['push', 'pull']),
  source: z.enum(['default', 'operator']),
  defaultMode: z.enum(['push', 'pull']),
  changedAt: z.string().optional(),
  changedBy: z.string().optional(),
});
export type ModeGetOutput = z.infer<typeof modeGetOutputSchema>;

export const modeSetOutputSchema = z.strictObject({
  previous: z.enum(['push', 'pull']),
  current: z.enum(['push', 'pull']),
  changed: z.boolean(),
});
export type ModeSetOutput = z.infer<typeof modeSetOutputSchema>;

export const secretsSetOutputSchema = z.strictObject({
  secret: z.enum(['netsuite', 'procurify', 'webhook']),
  name: z.string(),
  stored: z.literal(true),
  /** Webhook: whether an earlier current secret was kept as `previous`. */
  rotated: z.boolean().optional(),
  /** Webhook: the value to paste into NetSuite's API Secret (the base64 text after `whsec_`). */
  netsuiteApiSecretValue: z.string().optional(),
});
export type SecretsSetOutput = z.infer<typeof secretsSetOutputSchema>;

export const backfillOutputSchema = z.strictObject({
  since: z.string().nullable(),
  /** Messages enqueued per record type. */
  enqueued: z.record(z.string(), z.number().int()),
  total: z.number().int(),
  durationMs: z.number(),
  /** Push mode: the payments of the loaded bills (shared/payments/backfill-payments.ts). */
  payments: z
    .strictObject({
      /** --payments: the writable ones were pushed; otherwise listed. */
      pushed: z.boolean(),
      counts: countsSchema([
        'read',
        'alreadyLinked',
        'matched',
        'listed',
        'created',
        'skipped',
        'failed',
      ]) satisfies z.ZodType<PaymentBackfillCounts>,
      /** What pushing each listed payment would write (the first 300; problems: the first 200). */
      listed: z.array(
        z.strictObject({
          paymentId: z.string(),
          externalId: z.string(),
          netsuiteVendorId: z.string(),
          accountId: z.string(),
          tranDate: z.string(),
          currency: z.string(),
          amount: z.string(),
          bills: z.array(
            z.strictObject({ billUuid: z.string(), netsuiteBillId: z.string(), amount: z.string() }),
          ),
          upToDate: z.boolean(),
        }),
      ),
      problems: z.array(z.strictObject({ paymentId: z.string(), reason: z.string() })),
    })
    .optional(),
  /** Pull mode: the loaded bills paid in NetSuite before go-live (shared/payments/backfill-paid-bills.ts). */
  paidBills: z
    .strictObject({
      /** --mark-paid: they were marked paid in Procurify; otherwise listed. */
      marked: z.boolean(),
      counts: countsSchema([
        'read',
        'notLinked',
        'open',
        'paidInNetSuite',
        'marked',
        'listed',
        'partial',
        'notMarkable',
        'failed',
      ]) satisfies z.ZodType<PaidBillBackfillCounts>,
      /** The bills paid in NetSuite that were not marked (the first 1000; problems: the first 200). */
      listed: z.array(
        z.strictObject({ billUuid: z.string(), netsuiteBillId: z.string(), paymentDate: z.string() }),
      ),
      problems: z.array(
        z.strictObject({ billUuid: z.string(), netsuiteBillId: z.string().optional(), reason: z.string() }),
      ),
    })
    .optional(),
});
export type BackfillOutput = z.infer<typeof backfillOutputSchema>;

export const billLinkImportOutputSchema = z.strictObject({
  file: z.string(),
  imported: z.number().int(),
  alreadyLinked: z.number().int(),
  /** Refused lines (1-based), nothing of them written. */
  errors: z.array(z.strictObject({ line: z.number().int(), message: z.string() })),
});
export type BillLinkImportOutput = z.infer<typeof billLinkImportOutputSchema>;

export const billConfigOutputSchema = z.strictObject({
  /** The configuration with its defaults (shared/bills/bill-sync-settings.ts). */
  settings: z.record(z.string(), z.unknown()),
  /** Parked bills re-sent after a change. */
  resent: z.number().int(),
});
export type BillConfigOutput = z.infer<typeof billConfigOutputSchema>;

/** `apsync settings get [name]`: every setting of the catalog (shared/settings/catalog.ts) as it applies now. */
export const settingsGetOutputSchema = z.strictObject({
  settings: z.array(
    z.strictObject({
      name: z.string(),
      group: z.string(),
      meaning: z.string(),
      /** The value that applies now (null: none). */
      value: z.unknown(),
      /** operator: set with apsync settings / the console; deployment: cdk.json; default: neither. */
      source: z.enum(['operator', 'deployment', 'default']),
      default: z.string(),
      /** The cdk.json key (under `apsync`) the initial value comes from. */
      initialFrom: z.string().optional(),
      changedAt: z.string().optional(),
      changedBy: z.string().optional(),
    }),
  ),
});
export type SettingsGetOutput = z.infer<typeof settingsGetOutputSchema>;

const scopeRecordSchema = z.strictObject({
  kind: z.enum(['vendor', 'account', 'department']),
  id: z.string(),
});

/** `apsync settings set`: what changed, and what the change did. */
export const settingsSetOutputSchema = z.strictObject({
  changed: z.array(z.strictObject({ name: z.string(), previous: z.unknown(), value: z.unknown() })),
  /** Settings given with the value they already had: nothing stored. */
  unchanged: z.array(z.string()),
  resentBills: z.number().int(),
  resentDepartments: z.number().int(),
  /** After a scope change (netsuite.subsidiaries, netsuite.syncFlagField). */
  reevaluation: z
    .strictObject({
      /** Now in scope: queued for sync. */
      queued: z.array(scopeRecordSchema),
      /** Now out of scope: left as they are (never deleted). */
      outOfScope: z.array(
        scopeRecordSchema.extend({ procurifyId: z.string().optional(), reason: z.string() }).strict(),
      ),
    })
    .optional(),
});
export type SettingsSetOutput = z.infer<typeof settingsSetOutputSchema>;

export const billActionOutputSchema = z.strictObject({
  action: z.enum(['exclude', 'include', 'sync', 'unlink', 'excluded']),
  /** The bills acted on (or listed), by Procurify UUID. */
  bills: z.array(z.string()),
  message: z.string(),
});
export type BillActionOutput = z.infer<typeof billActionOutputSchema>;

export const previewOutputSchema = z.strictObject({
  ...recordNamed,
  /** What a sync would do now: create or update the other side, nothing (unchanged), or not write. */
  outcome: z.enum(['create', 'update', 'unchanged', 'skipped', 'review', 'invalid', 'deactivate']),
  reason: z.string().optional(),
  target: z
    .strictObject({
      system: systemSchema,
      kind: z.string(),
      id: z.string().nullable(),
      method: z.string(),
      path: z.string(),
    })
    .nullable(),
  /** The exact body that would be written. */
  payload: z.unknown(),
  validation: z.strictObject({ valid: z.boolean(), issues: z.array(z.string()) }),
  notes: z.array(z.string()),
});
export type PreviewOutput = z.infer<typeof previewOutputSchema>;

const reconcileAreaSchema = z.enum(reconcileAreas);
const discrepancyKindSchema = z.enum(discrepancyKinds);

/** A discrepancy of a reconcile run, with its repair (shared/reconcile/model.ts). */
const reconciledDiscrepancySchema = z.strictObject({
  area: reconcileAreaSchema,
  kind: discrepancyKindSchema,
  netsuiteId: z.string().nullable(),
  procurifyId: z.string().nullable(),
  field: z.string().optional(),
  netsuiteValue: z.string().nullable(),
  procurifyValue: z.string().nullable(),
  action: z.enum(repairActions),
  /** `apsync`: apsync repairs it; `hand-edit`: a person must (the message says what to do). */
  owner: z.enum(['apsync', 'hand-edit']),
  message: z.string(),
  relinkTo: z.string().optional(),
  /** A relink also writes this Procurify record's own link again (the wrong one had taken it over). */
  restoreLinkOf: z.string().optional(),
  repair: z.strictObject({ status: z.enum(['done', 'needs-fix', 'failed']), detail: z.string() }).optional(),
}) satisfies z.ZodType<ReconciledDiscrepancy>;

/** `apsync reconcile`: the report of shared/reconcile (model.ts), with the CSV file written. */
export const reconcileOutputSchema = z.strictObject({
  reconciledAsOf: z.string(),
  finishedAt: z.string(),
  areas: z.array(reconcileAreaSchema),
  fix: z.boolean(),
  checked: z.partialRecord(reconcileAreaSchema, z.number().int()),
  counts: z.partialRecord(reconcileAreaSchema, z.partialRecord(discrepancyKindSchema, z.number().int())),
  discrepancies: z.array(reconciledDiscrepancySchema),
  totals: reconcileTotalsSchema,
  requests: z
    .strictObject({ netsuite: z.number().int().optional(), procurify: z.number().int().optional() })
    .optional(),
  /** Where the CSV report was written (`--csv`), else null. */
  csvFile: z.string().nullable(),
});
export type ReconcileOutput = z.infer<typeof reconcileOutputSchema>;
