// The `--json` output of every `apsync` command: one zod schema per command, validated before printing
// so the shape is stable for scripts. Exported for tests and for anyone scripting against the CLI.
import { z } from 'zod';
import {
  discrepancyKinds,
  type ReconciledDiscrepancy,
  type ReconcileReport,
  reconcileAreas,
  repairActions,
} from '../../shared/reconcile/model.ts';
import { recordKinds, syncStatuses } from '../../shared/state/model.ts';

const targetSchema = z.object({ kind: z.enum(['local', 'aws']), label: z.string() }).strict();
const syncStatusSchema = z.enum(syncStatuses);
const recordKindSchema = z.enum(recordKinds);
const systemSchema = z.enum(['netsuite', 'procurify']);
const refSchema = z.object({ system: systemSchema, kind: recordKindSchema, id: z.string() }).strict();

/** Every failure with `--json`: printed on stdout, exit code not 0. */
export const errorOutputSchema = z
  .object({
    error: z
      .object({
        /**
         * The README's exit-code table: `failed` (1: the operation failed or was refused), `usage` (2),
         * `unreachable` (3: a service or the stack did not answer, or refused the credentials), `bug` (4).
         */
        class: z.enum(['failed', 'usage', 'unreachable', 'bug']),
        code: z.string().optional(),
        message: z.string(),
      })
      .strict(),
  })
  .strict();

/** A reconcile run's totals (shared/reconcile/model.ts ReconcileReport). */
const reconcileTotalsSchema = z
  .object({
    discrepancies: z.number().int(),
    repaired: z.number().int(),
    needsFix: z.number().int(),
    failed: z.number().int(),
    open: z.number().int(),
  })
  .strict() satisfies z.ZodType<ReconcileReport['totals']>;

const queueDepthSchema = z
  .object({ visible: z.number().int(), inFlight: z.number().int(), delayed: z.number().int() })
  .strict();

const scheduleRunSchema = z
  .object({
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    outcome: z.enum(['succeeded', 'failed']).optional(),
    error: z.string().optional(),
  })
  .strict();

export const statusOutputSchema = z
  .object({
    target: targetSchema,
    checkedAt: z.string(),
    paymentMode: z
      .object({
        mode: z.enum(['push', 'pull']),
        source: z.enum(['default', 'operator']),
        changedAt: z.string().optional(),
        changedBy: z.string().optional(),
      })
      .strict(),
    flows: z.array(
      z
        .object({
          /** Schedule key: netsuitePoll, procurifyPoll, paidBillPull. */
          flow: z.string(),
          function: z.string(),
          /** Seconds between runs (local); null when unknown (AWS: see the schedule). */
          rateSeconds: z.number().nullable(),
          /** Last run seen by the local scheduler since it started; null when unknown or none yet. */
          lastRun: scheduleRunSchema.nullable(),
          watermarks: z.array(
            z
              .object({
                name: z.string(),
                value: z.string().nullable(),
                /** Seconds between the watermark and now, when the watermark is a time. */
                lagSeconds: z.number().nullable(),
              })
              .strict(),
          ),
        })
        .strict(),
    ),
    counts: z.array(
      z.object({ kind: recordKindSchema, status: syncStatusSchema, count: z.number().int() }).strict(),
    ),
    queues: z.array(
      z
        .object({
          queue: z.string(),
          depth: queueDepthSchema,
          deadLetter: queueDepthSchema.nullable(),
        })
        .strict(),
    ),
    workers: z
      .record(
        z.string(),
        z
          .object({
            invocations: z.number(),
            records: z.number(),
            failures: z.number(),
            inFlight: z.number(),
          })
          .strict(),
      )
      .nullable(),
    /** The last reconciliation run (`apsync reconcile` or its schedule), null before the first. */
    lastReconcile: z
      .object({
        reconciledAsOf: z.string(),
        finishedAt: z.string(),
        areas: z.array(z.string()),
        fix: z.boolean(),
        totals: reconcileTotalsSchema,
      })
      .strict()
      .nullable(),
    /** The initial load (`apsync backfill --bills`): the phase running with n of m, or when it was done. */
    initialLoad: z
      .object({
        state: z.enum(['never', 'running', 'done']),
        phase: z.string().optional(),
        processed: z.number().int().optional(),
        total: z.number().int().optional(),
        detail: z.string().optional(),
        startedAt: z.string().optional(),
        finishedAt: z.string().optional(),
        line: z.string(),
      })
      .strict(),
  })
  .strict();
export type StatusOutput = z.infer<typeof statusOutputSchema>;

const dlqMessageSchema = z
  .object({
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
  })
  .strict();

export const dlqListOutputSchema = z
  .object({ target: targetSchema, messages: z.array(dlqMessageSchema), truncated: z.boolean() })
  .strict();
export type DlqListOutput = z.infer<typeof dlqListOutputSchema>;

export const dlqShowOutputSchema = z
  .object({
    message: dlqMessageSchema,
    body: z.unknown(),
    attributes: z.record(z.string(), z.string()),
  })
  .strict();
export type DlqShowOutput = z.infer<typeof dlqShowOutputSchema>;

export const dlqRedriveOutputSchema = z
  .object({
    mode: z.enum(['all', 'selected']),
    /** `--all`: one StartMessageMoveTask per dead-letter queue. */
    tasks: z.array(
      z
        .object({
          queue: z.string(),
          taskHandle: z.string().nullable(),
          status: z.string(),
          messagesToMove: z.number().int().nullable(),
          messagesMoved: z.number().int().nullable(),
        })
        .strict(),
    ),
    /** Selected ids: sent back to the source queue, then deleted from the dead-letter queue. */
    redriven: z.array(
      z.object({ queue: z.string(), messageId: z.string(), newMessageId: z.string() }).strict(),
    ),
    notFound: z.array(z.string()),
  })
  .strict();
export type DlqRedriveOutput = z.infer<typeof dlqRedriveOutputSchema>;

const stateSchema = z
  .object({
    record: z.string(),
    ref: refSchema,
    status: syncStatusSchema,
    message: z.string().optional(),
    errorClass: z.string().optional(),
    waitingFor: z.array(z.string()).optional(),
    sourceModified: z.string().optional(),
    updatedAt: z.string(),
  })
  .strict();

export const reviewListOutputSchema = z
  .object({ target: targetSchema, records: z.array(stateSchema), truncated: z.boolean() })
  .strict();
export type ReviewListOutput = z.infer<typeof reviewListOutputSchema>;

export const replayOutputSchema = z
  .object({
    record: z.string(),
    /** What was done: the record was put on its queue again, or the use case's own outcome. */
    action: z.string(),
    messageId: z.string().optional(),
    detail: z.string().optional(),
  })
  .strict();
export type ReplayOutput = z.infer<typeof replayOutputSchema>;

/** `review dismiss`: the record is out of the review list, its state `dismissed`. */
export const dismissOutputSchema = z
  .object({
    record: z.string(),
    previousStatus: syncStatusSchema,
    previousMessage: z.string().optional(),
    status: z.literal('dismissed'),
    reason: z.string(),
    dismissedBy: z.string(),
    dismissedAt: z.string(),
  })
  .strict();
export type DismissOutput = z.infer<typeof dismissOutputSchema>;

export const paymentResyncOutputSchema = z
  .object({
    paymentId: z.string(),
    /** False when a re-sync of this payment was requested in the last 2 minutes (joined, not repeated). */
    requested: z.boolean(),
    detail: z.string(),
    messageId: z.string().optional(),
  })
  .strict();
export type PaymentResyncOutput = z.infer<typeof paymentResyncOutputSchema>;

export const syncNowOutputSchema = z
  .object({
    flow: z.string(),
    schedule: z.string(),
    function: z.string(),
    /** `started` when not waited for. */
    outcome: z.enum(['succeeded', 'failed', 'started']),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    result: z.unknown().optional(),
    error: z.string().optional(),
  })
  .strict();
export type SyncNowOutput = z.infer<typeof syncNowOutputSchema>;

export const auditOutputSchema = z
  .object({
    record: z.string(),
    ref: refSchema,
    state: stateSchema.nullable(),
    link: z
      .object({
        netsuiteId: z.string(),
        procurifyId: z.string(),
        origin: z.string(),
        linkedAt: z.string(),
      })
      .strict()
      .nullable(),
    /** Oldest first. */
    entries: z.array(
      z
        .object({
          at: z.string(),
          step: z.string(),
          message: z.string().optional(),
          facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
        })
        .strict(),
    ),
  })
  .strict();
export type AuditOutput = z.infer<typeof auditOutputSchema>;

/** `apsync audit settings[:<name>]`: the setting changes, oldest first. */
export const settingsAuditOutputSchema = z
  .object({
    record: z.string(),
    changes: z.array(
      z
        .object({
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
        })
        .strict(),
    ),
  })
  .strict();
export type SettingsAuditOutput = z.infer<typeof settingsAuditOutputSchema>;

export const modeGetOutputSchema = z
  .object({
    mode: z.enum(['push', 'pull']),
    source: z.enum(['default', 'operator']),
    defaultMode: z.enum(['push', 'pull']),
    changedAt: z.string().optional(),
    changedBy: z.string().optional(),
  })
  .strict();
export type ModeGetOutput = z.infer<typeof modeGetOutputSchema>;

export const modeSetOutputSchema = z
  .object({ previous: z.enum(['push', 'pull']), current: z.enum(['push', 'pull']), changed: z.boolean() })
  .strict();
export type ModeSetOutput = z.infer<typeof modeSetOutputSchema>;

export const secretsSetOutputSchema = z
  .object({
    secret: z.enum(['netsuite', 'procurify', 'webhook']),
    name: z.string(),
    stored: z.literal(true),
    /** Webhook: whether an earlier current secret was kept as `previous`. */
    rotated: z.boolean().optional(),
    /** Webhook: the value to paste into NetSuite's API Secret (the base64 text after `whsec_`). */
    netsuiteApiSecretValue: z.string().optional(),
  })
  .strict();
export type SecretsSetOutput = z.infer<typeof secretsSetOutputSchema>;

export const backfillOutputSchema = z
  .object({
    since: z.string().nullable(),
    /** Messages enqueued per record type. */
    enqueued: z.record(z.string(), z.number().int()),
    total: z.number().int(),
    durationMs: z.number(),
    /** Push mode: the payments of the loaded bills (shared/payments/backfill-payments.ts). */
    payments: z
      .object({
        /** --payments: the writable ones were pushed; otherwise listed. */
        pushed: z.boolean(),
        counts: z
          .object({
            read: z.number().int(),
            alreadyLinked: z.number().int(),
            matched: z.number().int(),
            listed: z.number().int(),
            created: z.number().int(),
            skipped: z.number().int(),
            failed: z.number().int(),
          })
          .strict(),
        /** What pushing each listed payment would write (the first 300; problems: the first 200). */
        listed: z.array(
          z
            .object({
              paymentId: z.string(),
              externalId: z.string(),
              netsuiteVendorId: z.string(),
              accountId: z.string(),
              tranDate: z.string(),
              currency: z.string(),
              amount: z.string(),
              bills: z.array(
                z.object({ billUuid: z.string(), netsuiteBillId: z.string(), amount: z.string() }).strict(),
              ),
              upToDate: z.boolean(),
            })
            .strict(),
        ),
        problems: z.array(z.object({ paymentId: z.string(), reason: z.string() }).strict()),
      })
      .strict()
      .optional(),
    /** Pull mode: the loaded bills paid in NetSuite before go-live (shared/payments/backfill-paid-bills.ts). */
    paidBills: z
      .object({
        /** --mark-paid: they were marked paid in Procurify; otherwise listed. */
        marked: z.boolean(),
        counts: z
          .object({
            read: z.number().int(),
            notLinked: z.number().int(),
            open: z.number().int(),
            paidInNetSuite: z.number().int(),
            marked: z.number().int(),
            listed: z.number().int(),
            partial: z.number().int(),
            notMarkable: z.number().int(),
            failed: z.number().int(),
          })
          .strict(),
        /** The bills paid in NetSuite that were not marked (the first 1000; problems: the first 200). */
        listed: z.array(
          z.object({ billUuid: z.string(), netsuiteBillId: z.string(), paymentDate: z.string() }).strict(),
        ),
        problems: z.array(
          z
            .object({ billUuid: z.string(), netsuiteBillId: z.string().optional(), reason: z.string() })
            .strict(),
        ),
      })
      .strict()
      .optional(),
  })
  .strict();
export type BackfillOutput = z.infer<typeof backfillOutputSchema>;

export const billLinkImportOutputSchema = z
  .object({
    file: z.string(),
    imported: z.number().int(),
    alreadyLinked: z.number().int(),
    /** Refused lines (1-based), nothing of them written. */
    errors: z.array(z.object({ line: z.number().int(), message: z.string() }).strict()),
  })
  .strict();
export type BillLinkImportOutput = z.infer<typeof billLinkImportOutputSchema>;

export const billConfigOutputSchema = z
  .object({
    /** The configuration with its defaults (shared/bills/bill-sync-settings.ts). */
    settings: z.record(z.string(), z.unknown()),
    /** Parked bills re-sent after a change. */
    resent: z.number().int(),
  })
  .strict();
export type BillConfigOutput = z.infer<typeof billConfigOutputSchema>;

/** `apsync settings get [name]`: every setting of the catalog (shared/settings/catalog.ts) as it applies now. */
export const settingsGetOutputSchema = z
  .object({
    settings: z.array(
      z
        .object({
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
        })
        .strict(),
    ),
  })
  .strict();
export type SettingsGetOutput = z.infer<typeof settingsGetOutputSchema>;

const scopeRecordSchema = z
  .object({ kind: z.enum(['vendor', 'account', 'department']), id: z.string() })
  .strict();

/** `apsync settings set`: what changed, and what the change did. */
export const settingsSetOutputSchema = z
  .object({
    changed: z.array(z.object({ name: z.string(), previous: z.unknown(), value: z.unknown() }).strict()),
    /** Settings given with the value they already had: nothing stored. */
    unchanged: z.array(z.string()),
    resentBills: z.number().int(),
    resentDepartments: z.number().int(),
    /** After a scope change (netsuite.subsidiaries, netsuite.syncFlagField). */
    reevaluation: z
      .object({
        /** Now in scope: queued for sync. */
        queued: z.array(scopeRecordSchema),
        /** Now out of scope: left as they are (never deleted). */
        outOfScope: z.array(
          scopeRecordSchema.extend({ procurifyId: z.string().optional(), reason: z.string() }).strict(),
        ),
      })
      .strict()
      .optional(),
  })
  .strict();
export type SettingsSetOutput = z.infer<typeof settingsSetOutputSchema>;

export const billActionOutputSchema = z
  .object({
    action: z.enum(['exclude', 'include', 'sync', 'unlink', 'excluded']),
    /** The bills acted on (or listed), by Procurify UUID. */
    bills: z.array(z.string()),
    message: z.string(),
  })
  .strict();
export type BillActionOutput = z.infer<typeof billActionOutputSchema>;

export const previewOutputSchema = z
  .object({
    record: z.string(),
    ref: refSchema,
    /** What a sync would do now: create or update the other side, nothing (unchanged), or not write. */
    outcome: z.enum(['create', 'update', 'unchanged', 'skipped', 'review', 'invalid', 'deactivate']),
    reason: z.string().optional(),
    target: z
      .object({
        system: systemSchema,
        kind: z.string(),
        id: z.string().nullable(),
        method: z.string(),
        path: z.string(),
      })
      .strict()
      .nullable(),
    /** The exact body that would be written. */
    payload: z.unknown(),
    validation: z.object({ valid: z.boolean(), issues: z.array(z.string()) }).strict(),
    notes: z.array(z.string()),
  })
  .strict();
export type PreviewOutput = z.infer<typeof previewOutputSchema>;

const reconcileAreaSchema = z.enum(reconcileAreas);
const discrepancyKindSchema = z.enum(discrepancyKinds);

/** A discrepancy of a reconcile run, with its repair (shared/reconcile/model.ts). */
const reconciledDiscrepancySchema = z
  .object({
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
    repair: z
      .object({ status: z.enum(['done', 'needs-fix', 'failed']), detail: z.string() })
      .strict()
      .optional(),
  })
  .strict() satisfies z.ZodType<ReconciledDiscrepancy>;

/** `apsync reconcile`: the report of shared/reconcile (model.ts), with the CSV file written. */
export const reconcileOutputSchema = z
  .object({
    reconciledAsOf: z.string(),
    finishedAt: z.string(),
    areas: z.array(reconcileAreaSchema),
    fix: z.boolean(),
    checked: z.partialRecord(reconcileAreaSchema, z.number().int()),
    counts: z.partialRecord(reconcileAreaSchema, z.partialRecord(discrepancyKindSchema, z.number().int())),
    discrepancies: z.array(reconciledDiscrepancySchema),
    totals: reconcileTotalsSchema,
    requests: z
      .object({ netsuite: z.number().int().optional(), procurify: z.number().int().optional() })
      .strict()
      .optional(),
    /** Where the CSV report was written (`--csv`), else null. */
    csvFile: z.string().nullable(),
  })
  .strict();
export type ReconcileOutput = z.infer<typeof reconcileOutputSchema>;
