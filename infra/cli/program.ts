// The `apsync` operator CLI: commands, options, target resolution, `--json` output and exit codes.
// `runCli(argv, io)` runs one command and resolves with the exit code; bin/apsync.js calls it with the
// real terminal, tests call it in-process. Exit codes and the `--json` error classes (README: Operator
// CLI): 0 done; 1 `failed` — the operation failed or was refused (data: an unknown message or record,
// invalid credentials, a failed run); 2 `usage` — bad option, argument, record syntax or a file that
// cannot be read; 3 `unreachable` — a service or the stack itself did not answer or refused our
// credentials (transient, auth, no local stack, no such deployed stack); 4 `bug` — unexpected.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type * as z from 'zod';
import { BugError, classOf, DataError, SyncError } from '../../shared/errors.ts';
import type { PaymentMode } from '../../shared/payment-mode.ts';
import { settingNamesList } from '../../shared/settings/catalog.ts';
import type { RecordKind, RecordRef } from '../../shared/state/model.ts';
import { resolveDataDir } from '../local/manifest.ts';
import {
  auditRecord,
  auditSettings,
  renderAudit,
  renderSettingsAudit,
  settingsAuditName,
} from './commands/audit.ts';
import { renderBackfill, runBackfill } from './commands/backfill.ts';
import {
  excludeBills,
  excludedBills,
  getBillConfig,
  importLinks,
  includeBills,
  renderBillAction,
  renderBillConfig,
  renderImportLinks,
  setBillConfig,
  syncBills,
  unlinkBills,
} from './commands/bills.ts';
import {
  deadLetterQueueNames,
  listDeadLetters,
  redriveDeadLetters,
  renderDlqList,
  renderDlqRedrive,
  renderDlqShow,
  showDeadLetter,
} from './commands/dlq.ts';
import { getMode, renderModeGet, renderModeSet, setMode } from './commands/mode.ts';
import { operatorName, renderPaymentResync, resyncPayment } from './commands/payment.ts';
import { previewRecord, renderPreview } from './commands/preview.ts';
import {
  dismissFromReview,
  listReview,
  renderDismiss,
  renderReplay,
  renderReviewList,
  replayRecord,
  reviewStatuses,
} from './commands/review.ts';
import { renderSecretsSet, type SecretKind, secretKinds, setSecret } from './commands/secrets.ts';
import {
  getSettings,
  renderSettingsGet,
  renderSettingsSet,
  setSetting,
  setSettingsFromFile,
} from './commands/settings.ts';
import { readStatus, renderStatus } from './commands/status.ts';
import { renderSyncNow, type SyncFlow, syncFlows, syncNow } from './commands/sync-now.ts';
import * as schemas from './output-schemas.ts';
import { parsePaymentId, parseRecord, recordKinds, recordSyntaxHelp } from './record-syntax.ts';
import { CliServices } from './services.ts';
import { awsTarget, localTarget } from './target.ts';
import { type CliIo, processIo } from './terminal.ts';

export const exitCodes = { ok: 0, failed: 1, usage: 2, unreachable: 3, bug: 4 } as const;

/** The `--json` error class of each exit code but 0 (README: Operator CLI). */
export type CliErrorClass = 'failed' | 'usage' | 'unreachable' | 'bug';

/** DataError codes that mean the command line itself was wrong. */
const usageCodes = new Set(['usage', 'bad-record', 'bad-queue', 'bad-file', 'bad-setting']);

/** DataError codes that mean the stack itself cannot be reached: no local stack, no such deployed one. */
const unreachableCodes = new Set(['no-local-stack', 'bad-local-manifest', 'no-stack']);

/** The version printed by `apsync --version`: package.json's. */
const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

interface GlobalOptions {
  dataDir?: string;
  stack?: string;
  region?: string;
  json: boolean;
}

interface RunState {
  exitCode: number;
  services?: CliServices;
}

export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const state: RunState = { exitCode: exitCodes.ok };
  const program = buildProgram(io, state);
  const json = argv.includes('--json');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return exitCodes.ok;
      }
      if (json)
        writeJson(io, schemas.errorOutputSchema, {
          error: { class: 'usage', code: error.code, message: error.message.replace(/^error: /, '') },
        });
      return exitCodes.usage;
    }
    return report(io, error, json);
  } finally {
    state.services?.destroy();
  }
}

function report(io: CliIo, thrown: unknown, json: boolean): number {
  const error = unreadableFile(thrown) ?? thrown;
  const hint = credentialHint(error);
  const cliClass = hint === undefined ? cliErrorClass(error) : 'unreachable';
  const code = error instanceof SyncError ? error.code : undefined;
  const message = hint ?? (error instanceof Error ? error.message : String(error));
  if (json) {
    writeJson(io, schemas.errorOutputSchema, {
      error: { class: cliClass, ...(code === undefined ? {} : { code }), message },
    });
  } else {
    io.stderr(`error: ${message}\n`);
    if (cliClass === 'bug' && error instanceof Error && error.stack !== undefined && io.env.APSYNC_DEBUG) {
      io.stderr(`${error.stack}\n`);
    }
  }
  return exitCodes[cliClass];
}

/** The README's class of an error, from apsync's error class and, for data errors, its code. */
export function cliErrorClass(error: unknown): CliErrorClass {
  const errorClass = classOf(error);
  const code = error instanceof SyncError ? error.code : undefined;
  if (errorClass === 'data') {
    if (code !== undefined && usageCodes.has(code)) return 'usage';
    if (code !== undefined && unreachableCodes.has(code)) return 'unreachable';
    return 'failed';
  }
  if (errorClass === 'transient' || errorClass === 'auth') return 'unreachable';
  return 'bug';
}

/** A file named on the command line that cannot be read (`--file`, `import-links <file>`): usage. */
function unreadableFile(error: unknown): DataError | undefined {
  const e = error as { code?: unknown; path?: unknown; syscall?: unknown } | undefined;
  if (
    typeof e?.path !== 'string' ||
    !['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EPERM'].includes(String(e.code)) ||
    !['open', 'read', 'stat'].includes(String(e.syscall))
  ) {
    return undefined;
  }
  const why: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'it is a directory',
    ENOTDIR: 'not a file path',
  };
  return new DataError(`cannot read ${e.path}: ${why[String(e.code)]}`, {
    source: 'apsync-cli',
    code: 'bad-file',
    cause: error,
  });
}

/** AWS credential problems, said in the operator's words. */
function credentialHint(error: unknown): string | undefined {
  const cause = error instanceof SyncError ? ((error as { cause?: unknown }).cause ?? error) : error;
  const name = (cause as { name?: string } | undefined)?.name ?? '';
  if (
    /CredentialsProviderError|ExpiredToken|UnrecognizedClient|InvalidClientTokenId|AccessDenied/.test(name)
  ) {
    return `AWS refused the request (${name}): check your AWS credentials and region (AWS_PROFILE, AWS_REGION, --region)`;
  }
  return undefined;
}

function writeJson<T>(io: CliIo, schema: z.ZodType<T>, value: T): void {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new BugError(
      `apsync CLI: --json output does not match its schema: ${parsed.error.issues[0]?.message}`,
    );
  }
  io.stdout(`${JSON.stringify(parsed.data, null, 2)}\n`);
}

function buildProgram(io: CliIo, state: RunState): Command {
  const program = new Command('apsync')
    .description('Operate apsync: a local stack (npm start) or a deployed one (--stack).')
    .option('--data-dir <dir>', 'local stack data directory (default: $APSYNC_HOME or .apsync)')
    .option(
      '--stack <name>',
      'a deployed stack: <prefix>-service (or <prefix>), read with your AWS credentials',
    )
    .option('--region <region>', 'AWS region of --stack (default: the AWS SDK chain)')
    .option('--json', 'print JSON (stable shapes: infra/cli/output-schemas.ts)', false)
    .version(version, '-V, --version', 'print the apsync version')
    .helpOption('-h, --help', 'show help for the command')
    // Every command's help lists the options above too (they go before or after the command).
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError("(add --help for the command's usage; apsync --help lists the commands)")
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout(text), writeErr: (text) => io.stderr(text) });

  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  const services = async (): Promise<CliServices> => {
    if (state.services !== undefined) return state.services;
    const options = globals();
    if (options.stack !== undefined && options.dataDir !== undefined) {
      throw new DataError('--stack and --data-dir exclude each other', {
        source: 'apsync-cli',
        code: 'usage',
      });
    }
    const target =
      options.stack === undefined
        ? await localTarget(resolveDataDir(options.dataDir, io.env, io.cwd), io.cwd)
        : await awsTarget(options.stack, options.region ?? io.env.AWS_REGION);
    state.services = new CliServices(target);
    return state.services;
  };
  /** Prints the result as JSON (validated) or text (tables wrapped to the terminal's width). */
  const emit = <T>(schema: z.ZodType<T>, value: T, render: (value: T, width?: number) => string) => {
    if (globals().json) writeJson(io, schema, value);
    else io.stdout(render(value, io.columns));
  };
  /** Reads what a command shows through the target's services and prints it. */
  const emitRead = async <T>(
    schema: z.ZodType<T>,
    render: (value: T, width?: number) => string,
    read: (services: CliServices) => Promise<T>,
  ) => emit(schema, await read(await services()), render);
  /** Makes a change as the operator (named in the audit trail: operatorName) and prints what it did. */
  const emitChange = <T>(
    schema: z.ZodType<T>,
    render: (value: T, width?: number) => string,
    change: (services: CliServices, operator: string) => Promise<T>,
  ) => emitRead(schema, render, (cli) => change(cli, operatorName(io.env)));
  const recordText = new Argument('<record>', recordSyntaxHelp);
  /** A record argument, parsed before the action runs: a malformed one fails before any service is asked. */
  const record = new Argument('<record>', recordSyntaxHelp).argParser(parseRecord);
  const kinds = new Option('--kind <kind>', 'only this kind').choices(recordKinds);

  program
    .command('status')
    .description(
      "payment mode, each flow's last run, watermark and lag, counts by state, queue and DLQ depths",
    )
    .action(() => emitRead(schemas.statusOutputSchema, renderStatus, (cli) => readStatus(cli)));

  const dlq = program.command('dlq').description('dead-letter queues: list, show, redrive');
  const queueOption = () =>
    new Option('--queue <queue>', 'only this dead-letter queue (schedule: deployed stacks only)').choices(
      deadLetterQueueNames as string[],
    );
  dlq
    .command('list')
    .description(
      'messages with their last error, receive count, first and last failure (peeked, not consumed)',
    )
    .addOption(queueOption())
    .addOption(new Option('--limit <n>', 'at most this many per queue').argParser(positiveInt).default(100))
    .action(async (options: { queue?: string; limit: number }) =>
      emit(schemas.dlqListOutputSchema, await listDeadLetters(await services(), options), renderDlqList),
    );
  dlq
    .command('show')
    .description('one message: body, attributes, last error')
    .argument('<message-id>', 'as dlq list shows it')
    .addOption(queueOption())
    .action(async (id: string, options: { queue?: string }) =>
      emit(schemas.dlqShowOutputSchema, await showDeadLetter(await services(), id, options), renderDlqShow),
    );
  dlq
    .command('redrive')
    .description('back to the source queue: --all (StartMessageMoveTask) or the given message ids')
    .argument('[message-ids...]', 'as dlq list shows them (or --all)')
    .addOption(queueOption())
    .option('--all', 'every message of the dead-letter queue(s)', false)
    .option('--wait', 'with --all, wait until the move tasks finish', false)
    .action(async (ids: string[], options: { queue?: string; all: boolean; wait: boolean }) => {
      const output = await redriveDeadLetters(await services(), { ...options, ids });
      emit(schemas.dlqRedriveOutputSchema, output, renderDlqRedrive);
      if (output.notFound.length > 0 || output.tasks.some((task) => task.status === 'FAILED')) {
        state.exitCode = exitCodes.failed;
      }
    });

  const review = program
    .command('review')
    .description('records parked for review or failed with a data error: list, replay, dismiss');
  review
    .command('list')
    .description('each with the whole message a person can act on (wrapped to the terminal)')
    .addOption(kinds)
    .addOption(new Option('--status <status>', 'only this state').choices(reviewStatuses))
    .addOption(new Option('--limit <n>', 'at most this many').argParser(positiveInt).default(200))
    .action(async (options: { kind?: RecordKind; status?: 'review' | 'failed'; limit: number }) =>
      emit(schemas.reviewListOutputSchema, await listReview(await services(), options), renderReviewList),
    );
  review
    .command('replay')
    .description(
      'sync a record again once its data is fixed (refused for a record neither apsync nor its source system has)',
    )
    .addArgument(record)
    .action(async (ref: RecordRef) => {
      await emitChange(schemas.replayOutputSchema, renderReplay, (cli, by) => replayRecord(cli, ref, by));
    });

  review
    .command('dismiss')
    .description(
      'take a record in review or failed off the review list, with the reason (audited; a later change syncs it again)',
    )
    .addArgument(record)
    .requiredOption('--reason <text>', 'why it is not fixed (kept in its state and audit trail)')
    .action(async (ref: RecordRef, options: { reason: string }) => {
      await emitChange(schemas.dismissOutputSchema, renderDismiss, (cli, by) =>
        dismissFromReview(cli, ref, options.reason, by),
      );
    });

  program
    .command('payment')
    .description('payments')
    .command('resync')
    .description('push a Procurify payment to NetSuite again (requests within 2 minutes are one)')
    .argument('<payment>', 'payment:<id> (Procurify), or the id alone')
    .action(async (text: string) => {
      const id = parsePaymentId(text);
      await emitChange(schemas.paymentResyncOutputSchema, renderPaymentResync, (cli, by) =>
        resyncPayment(cli, id, by),
      );
    });

  program
    .command('sync')
    .description('scheduled flows')
    .command('now')
    .description('run a scheduled flow now (bills and payments share the Procurify poll)')
    .addArgument(new Argument('<flow>', 'the flow to run').choices(Object.keys(syncFlows)))
    .option('--no-wait', 'start it and return at once')
    .action(async (flow: SyncFlow, options: { wait: boolean }) => {
      const output = await syncNow(await services(), flow, options.wait);
      emit(schemas.syncNowOutputSchema, output, renderSyncNow);
      if (output.outcome === 'failed') state.exitCode = exitCodes.failed;
    });

  program
    .command('audit')
    .description(
      "a record's audit trail, oldest first, with its sync state and link; `settings[:<name>]`: the setting changes (who, when, old and new value)",
    )
    .addArgument(recordText)
    .action(async (text: string) => {
      const settingsAudit = settingsAuditName(text);
      if (settingsAudit !== undefined) {
        const output = await auditSettings(await services(), settingsAudit.name);
        emit(schemas.settingsAuditOutputSchema, output, renderSettingsAudit);
        return;
      }
      const ref = parseRecord(text);
      emit(schemas.auditOutputSchema, await auditRecord(await services(), ref), renderAudit);
    });

  const mode = program.command('mode').description('payment mode: push (Procurify → NetSuite) or pull');
  mode
    .command('get')
    .description('the payment mode, and who set it when')
    .action(() => emitRead(schemas.modeGetOutputSchema, renderModeGet, getMode));
  mode
    .command('set')
    .description('change the payment mode (recorded in the audit trail)')
    .addArgument(
      new Argument(
        '<mode>',
        'push: Procurify payments → NetSuite; pull: NetSuite paid bills → Procurify',
      ).choices(['push', 'pull']),
    )
    .action((value: PaymentMode) =>
      emitChange(schemas.modeSetOutputSchema, renderModeSet, (cli, by) => setMode(cli, value, by)),
    );

  program
    .command('secrets')
    .description('credentials in Secrets Manager')
    .command('set')
    .description('store credentials read from --file or stdin (JSON; webhook: whsec_… or --generate)')
    .addArgument(new Argument('<secret>', 'which credentials').choices(secretKinds))
    .option('--file <path>', 'read the value from this file instead of stdin')
    .option('--generate', 'webhook: make a new random secret (the old one is kept as previous)', false)
    .option('--drop-previous', 'webhook: forget the previous secret (end of a rotation)', false)
    .action(
      async (secret: SecretKind, options: { file?: string; generate: boolean; dropPrevious: boolean }) => {
        const needsValue = !(secret === 'webhook' && (options.generate || options.dropPrevious));
        let text: string | undefined;
        if (options.file !== undefined) text = await readFile(options.file, 'utf8');
        else if (needsValue) {
          if (io.stdinIsTTY) {
            throw new DataError(
              `pipe the ${secret} secret on stdin or give --file (it is never typed or echoed)`,
              {
                source: 'apsync-cli',
                code: 'usage',
              },
            );
          }
          text = await io.readStdin();
        }
        const target = await services();
        const output = await setSecret(target, secret, {
          ...(text === undefined ? {} : { text }),
          generate: options.generate,
          dropPrevious: options.dropPrevious,
        });
        const local = target.target.local?.manifest;
        emit(schemas.secretsSetOutputSchema, output, (value) =>
          renderSecretsSet(
            value,
            local === undefined
              ? undefined
              : {
                  sandbox:
                    value.secret === 'procurify'
                      ? local.services.procurify.mode === 'sandbox'
                      : local.services.netsuite.mode === 'sandbox',
                },
          ),
        );
      },
    );

  const settings = program
    .command('settings')
    .description('runtime settings kept in the state table (README: Configuration), validated and audited');
  settings
    .command('get')
    .description('every setting (or one) with its meaning, value and where the value comes from')
    .argument('[name]', `a setting: ${settingNamesList.join(', ')}`)
    .action(async (name: string | undefined) =>
      emit(schemas.settingsGetOutputSchema, await getSettings(await services(), name), renderSettingsGet),
    );
  settings
    .command('set')
    .description(
      'change a setting: validated, checked against NetSuite/Procurify, recorded with who and when; a scope change queues records now in scope and lists those now out of scope',
    )
    .argument('[name]', 'the setting (settings get lists them)')
    .argument(
      '[value]',
      'its value: text (e.g. pull, 1,3, on) or JSON for the bills.* objects; empty or null = none',
    )
    .option('--file <file>', 'a JSON object of settings, {"<name>": <value>, …}, checked and stored together')
    .action(async (name: string | undefined, value: string | undefined, options: { file?: string }) => {
      const user = operatorName(io.env);
      let output: schemas.SettingsSetOutput;
      if (options.file !== undefined) {
        if (name !== undefined) {
          throw new DataError('give either --file or <name> <value>, not both', {
            source: 'apsync-cli',
            code: 'usage',
          });
        }
        output = await setSettingsFromFile(await services(), options.file, user);
      } else {
        if (name === undefined || value === undefined) {
          throw new DataError('give <name> <value> or --file <file> (apsync settings get lists the names)', {
            source: 'apsync-cli',
            code: 'usage',
          });
        }
        output = await setSetting(await services(), name, value, user);
      }
      emit(schemas.settingsSetOutputSchema, output, renderSettingsSet);
    });

  const bills = program
    .command('bills')
    .description('bills: configuration and links of an older integration');
  const billConfig = bills
    .command('config')
    .description('the bill-sync configuration (README: Bill settings)');
  billConfig
    .command('get')
    .description('show the configuration with its defaults')
    .action(() => emitRead(schemas.billConfigOutputSchema, renderBillConfig, getBillConfig));
  billConfig
    .command('set')
    .description('check a JSON configuration against NetSuite, store it and re-send parked bills')
    .requiredOption('--file <file>', 'the configuration (JSON)')
    .action((options: { file: string }) =>
      emitChange(schemas.billConfigOutputSchema, renderBillConfig, (cli, by) =>
        setBillConfig(cli, options.file, by),
      ),
    );
  /** A change to bills, made as the operator; a bill is its Procurify UUID or bill:<uuid> (billUuidOf). */
  const emitBillAction = (run: (cli: CliServices, by: string) => Promise<schemas.BillActionOutput>) =>
    emitChange(schemas.billActionOutputSchema, renderBillAction, run);
  const bill = new Argument('<bill>', 'Procurify bill UUID (or bill:<uuid>)');
  bills
    .command('exclude')
    .description('keep a bill and its payments out of the sync (a bill keyed by hand, a card-paid bill)')
    .addArgument(bill)
    .requiredOption('--reason <text>', 'why (recorded and shown)')
    .action((uuid: string, options: { reason: string }) =>
      emitBillAction((cli, by) => excludeBills(cli, uuid, options.reason, by)),
    );
  bills
    .command('include')
    .description('undo an exclusion; the bill is queued')
    .addArgument(bill)
    .action((uuid: string) => emitBillAction((cli, by) => includeBills(cli, uuid, by)));
  bills
    .command('sync')
    .description('select bills for sync (bill sync mode manual) and queue them')
    .argument('<bills...>', 'Procurify bill UUIDs (or bill:<uuid>)')
    .action((uuids: string[]) => emitBillAction((cli, by) => syncBills(cli, uuids, by)));
  bills
    .command('unlink')
    .description("remove a bill's link to its NetSuite Vendor Bill (neither bill changes)")
    .addArgument(bill)
    .action((uuid: string) => emitBillAction((cli, by) => unlinkBills(cli, uuid, by)));
  bills
    .command('excluded')
    .description('list excluded bills with who, when and why')
    .action(() => emitRead(schemas.billActionOutputSchema, renderBillAction, excludedBills));
  bills
    .command('import-links')
    .description('link Vendor Bills of an older integration: CSV procurify_bill_uuid,netsuite_bill_id')
    .argument('<file>')
    .action(async (file: string) => {
      const output = await importLinks(await services(), file);
      emit(schemas.billLinkImportOutputSchema, output, renderImportLinks);
      if (output.errors.length > 0) state.exitCode = exitCodes.failed;
    });

  program
    .command('backfill')
    .description(
      'initial load: queue every NetSuite vendor, GL account and department; with --bills the Procurify bills, then their payments',
    )
    .option('--since <date>', 'only records modified since YYYY-MM-DD or an ISO date-time')
    .option(
      '--bills',
      'then the approved Procurify bills of the last 12 months (or --since), matched in NetSuite first',
    )
    .option('--history', 'with --bills: also the bills modified before that')
    .option(
      '--payments',
      'push mode: push the payments of the loaded bills that are not in NetSuite yet (without it they are listed)',
    )
    .option(
      '--mark-paid',
      'pull mode: mark paid in Procurify the loaded bills paid in full in NetSuite before go-live (without it they are listed)',
    )
    .action(
      async (options: {
        since?: string;
        bills?: boolean;
        history?: boolean;
        payments?: boolean;
        markPaid?: boolean;
      }) => {
        const json = globals().json;
        const bars =
          !json && io.stderrIsTTY
            ? new cliProgress.MultiBar(
                {
                  format: '{recordType} [{bar}] {value}{of} {unit}{detail} ETA {eta_formatted}{state}',
                  hideCursor: true,
                  clearOnComplete: false,
                },
                cliProgress.Presets.shades_classic,
              )
            : undefined;
        const byType = new Map<string, cliProgress.SingleBar>();
        try {
          const output = await runBackfill(await services(), options, (progress) => {
            if (bars === undefined) {
              if (!json && progress.done) {
                io.stderr(
                  `${progress.recordType}: ${progress.enqueued}${progress.total === undefined ? ' enqueued' : ` of ${progress.total}`}${progress.detail === undefined ? '' : ` (${progress.detail})`}\n`,
                );
              }
              return;
            }
            let bar = byType.get(progress.recordType);
            if (bar === undefined) {
              bar = bars.create(1, 0, {
                recordType: progress.recordType.padEnd(18),
                state: '',
                of: '',
                unit: '',
                detail: '',
              });
              byType.set(progress.recordType, bar);
            }
            // Without a known total, the bar fills when the type is read to its end.
            bar.setTotal(
              progress.total ?? (progress.done ? Math.max(progress.enqueued, 1) : progress.enqueued + 100),
            );
            bar.update(progress.enqueued, {
              state: progress.done ? ' (done)' : '',
              of: progress.total === undefined ? '' : ` of ${progress.total}`,
              unit: progress.total === undefined ? 'enqueued' : 'handled',
              detail: progress.detail === undefined ? '' : ` — ${progress.detail}`,
            });
          });
          bars?.stop();
          emit(schemas.backfillOutputSchema, output, renderBackfill);
          if ((output.payments?.counts.failed ?? 0) + (output.paidBills?.counts.failed ?? 0) > 0) {
            state.exitCode = exitCodes.failed;
          }
        } catch (error) {
          // Stopped once only: a second stop redraws and moves the cursor over what follows.
          bars?.stop();
          throw error;
        }
      },
    );

  program
    .command('preview')
    .description(
      'dry run: the exact payload a sync would write for a record and its validation, writing nothing',
    )
    .addArgument(record)
    .action(async (ref: RecordRef) =>
      emit(schemas.previewOutputSchema, await previewRecord(await services(), ref), renderPreview),
    );

  program
    .command('reconcile')
    .description(
      'compare NetSuite and Procurify (master data, bills, payments, paid status): report every discrepancy, repair what apsync owns',
    )
    .addOption(
      new Option('--kind <kind>', 'only this comparison').choices([
        'vendor',
        'account',
        'department',
        'bill',
        'payment',
        'paid',
      ]),
    )
    .option('--fix', 'also repair bills, payments and paid status (master data is always repaired)', false)
    .option('--csv <file>', 'write the reconciliation report (CSV) to this file')
    .addOption(
      new Option('--grace <minutes>', 'leave changes younger than this to the syncs in flight')
        .argParser((value: string) => (value === '0' ? 0 : positiveInt(value)))
        .default(10),
    )
    .action(
      async (options: {
        kind?: 'vendor' | 'account' | 'department' | 'bill' | 'payment' | 'paid';
        fix: boolean;
        csv?: string;
        grace: number;
      }) => {
        // Loaded on use: the reconciler and its adapters are not needed by the other commands.
        const { renderReconcile, runReconcile } = await import('./commands/reconcile.ts');
        const output = await runReconcile(await services(), options);
        emit(schemas.reconcileOutputSchema, output, renderReconcile);
        if (output.totals.failed > 0) state.exitCode = exitCodes.failed;
      },
    );

  return program;
}

function positiveInt(value: string): number {
  if (!/^[1-9]\d{0,5}$/.test(value))
    throw new InvalidArgumentError(`must be a positive integer, got ${value}`);
  return Number(value);
}
