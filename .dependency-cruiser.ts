// The architecture as import rules, checked by `npm run check` (dependency-cruiser): which folder may use which.
import type { IConfiguration } from 'dependency-cruiser';

/** The use-case folders of shared/: they reach AWS only through ports and adapters (shared/aws, shared/state). */
const useCases = '^shared/(bills|master-data|payments|netsuite-poll|procurify-poll|poll|ingest)/';

const config: IConfiguration = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment:
        'No two files import each other, directly or through others: a change to one must not loop back.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment:
        'Folders are layered too: no folder imports one that imports it back (e.g. local mode and the CLI, ' +
        'the AWS adapters and the settings).',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-is-the-core',
      severity: 'error',
      comment:
        'shared/ is the code every function runs: it never imports the functions, the deployment and local ' +
        'tooling (infra/) or the tests.',
      from: { path: '^shared/' },
      to: { path: '^(functions|infra|test)/' },
    },
    {
      name: 'functions-use-shared-only',
      severity: 'error',
      comment:
        'A function (functions/<name>/: handler, composition root, entry) is built from shared/ alone: never ' +
        'from infra/ (CDK, local mode, CLI, sandboxes) or the tests, and never from another function.',
      from: { path: '^functions/([^/]+)/' },
      to: { path: '^(infra|test|functions)/', pathNot: '^functions/$1/' },
    },
    {
      name: 'tests-are-leaves',
      severity: 'error',
      comment: 'Only tests import test/ (its support code included).',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
    {
      name: 'sandboxes-play-the-services',
      severity: 'error',
      comment:
        'The NetSuite and Procurify sandboxes stand in for the real services, so they share nothing with ' +
        "apsync's code but the wire format a real service speaks: the notice NetSuite's user-event script " +
        'posts (shared/events/record-event-notice.ts).',
      from: { path: '^infra/sandboxes/' },
      to: { path: '^(shared|functions)/', pathNot: '^shared/events/record-event-notice[.]ts$' },
    },
    {
      name: 'stacks-do-not-know-the-cli',
      severity: 'error',
      comment:
        'The CLI operates a stack (deployed: infra/cdk/stack-outputs.ts; local: infra/local/manifest.ts and ' +
        'control.ts); the stacks and the sandboxes never import the CLI.',
      from: { path: '^infra/(cdk|local|sandboxes)/' },
      to: { path: '^infra/cli/' },
    },
    {
      name: 'deployment-is-not-local-mode',
      severity: 'error',
      comment: 'The CDK app deploys functions/ and shared/ only: nothing of local mode or the sandboxes.',
      from: { path: '^infra/cdk/' },
      to: { path: '^infra/(local|sandboxes)/' },
    },
    {
      name: 'use-cases-without-aws-sdk',
      severity: 'error',
      comment:
        'Use cases (bills, master data, payments, the polls, ingest) never import an AWS SDK client: DynamoDB, ' +
        'SQS and Secrets Manager are reached through the ports that shared/state and shared/aws implement.',
      from: { path: useCases },
      to: { path: '(^|/)node_modules/@aws-sdk/' },
    },
    {
      name: 'use-cases-see-procurify-ports-only',
      severity: 'error',
      comment:
        'Use cases reach Procurify through the ports of shared/procurify/ports.ts (and the bodies they write, ' +
        'writes.ts), never through the HTTP client, its transport, its endpoint classes or its wire schemas.',
      from: { path: useCases },
      to: { path: '^shared/procurify/', pathNot: '^shared/procurify/(ports|writes)[.]ts$' },
    },
    {
      name: 'use-cases-read-netsuite-through-ports',
      severity: 'error',
      comment:
        'The bill, payment and preview use cases (the initial load, the paid-bill backfill, the preview of a ' +
        "bill's or a payment's write) read NetSuite through ports (shared/payments/ports.ts, BillLookups) " +
        'handed to them by their composition roots, never by calling the SuiteQL adapters ' +
        '(shared/bills/netsuite-bill-lookups.ts, shared/payments/netsuite-payment-facts.ts, ' +
        'netsuite-payment-applications.ts, shared/netsuite/suiteql.ts) themselves. The adapters (netsuite-*.ts, ' +
        "which may compose one another) and the bills' index.ts (what other features import) build them. " +
        'The ports and the rows they answer are declared in the ports files (shared/bills/ports.ts, ' +
        'shared/payments/ports.ts), not in the adapters.',
      from: {
        path: '^shared/(payments|bills|preview)/',
        pathNot: '^shared/(payments|bills|preview)/(netsuite-[^/]+|index)[.]ts$',
      },
      to: {
        path: '^shared/(bills/netsuite-bill-lookups|payments/netsuite-payment-(facts|applications)|netsuite/suiteql)[.]ts$',
      },
    },
    {
      name: 'planners-take-domain-records',
      severity: 'error',
      comment:
        'Planners, use cases and what renders their decisions (preview, reconcile, review, settings) read ' +
        "Procurify's records as domain records (shared/ap/: AP bills, payments, vendors, account codes, " +
        'departments, locations, currencies) through the ports; the wire schemas (shared/procurify/schemas.ts: ' +
        'snake_case answers as Procurify sends them) stay inside the adapter, which maps them to domain ' +
        'records at the boundary (shared/procurify/ap-records.ts, master-records.ts).',
      from: { path: `${useCases}|^shared/(preview|reconcile|review|digest|settings|ap)/` },
      to: { path: '^shared/procurify/schemas[.]ts$' },
    },
    {
      name: 'ports-speak-domain-records',
      severity: 'error',
      comment:
        'What use cases import from the Procurify adapter (its ports and the bodies they write) names no wire ' +
        'type: a wire record re-exported there would reach the planners past the rule above.',
      from: { path: '^shared/procurify/(ports|writes)[.]ts$' },
      to: { path: '^shared/procurify/schemas[.]ts$' },
    },
    {
      name: 'domain-records-are-plain',
      severity: 'error',
      comment:
        'The domain records (shared/ap/) are plain data and the rules on it: they import nothing, no ' +
        'adapter, no use case, no package.',
      from: { path: '^shared/ap/' },
      to: { pathNot: '^shared/ap/' },
    },
    {
      name: 'lambdas-bundle-dependencies-only',
      severity: 'error',
      comment:
        'What a Lambda bundles (functions/, shared/) uses packages from `dependencies`, never from ' +
        '`devDependencies` (type-only imports aside: they leave nothing in the bundle).',
      from: { path: '^(functions|shared)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'Every import names a file or package that exists (so no rule above is passed by a typo).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript API, so dependency-cruiser parses with swc; type-only imports count too.
    parser: 'swc',
    doNotFollow: { path: '(^|/)node_modules/' },
    exclude: { path: '^(cdk[.]out|[.]apsync|coverage)/' },
    moduleSystems: ['es6', 'cjs'],
    // Packages are resolved through their `exports` maps, as Node does (`@aws-lambda-powertools/idempotency/dynamodb`).
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

export default config;
