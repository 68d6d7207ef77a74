// Turns a SuiteQL (Oracle-flavoured) query into SQLite SQL: refuses what SuiteQL refuses (WITH,
// several statements), rewrites `BUILTIN.DF(col)` into display-text functions that know which table the
// column belongs to, and `SYSDATE` into a function. Everything else (TO_DATE, TO_CHAR, NVL, ...) runs as
// SQLite user functions registered by the engine (suiteql.ts). Used only by the SuiteQL engine.

export class SuiteqlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SuiteqlError';
  }
}

type TokenKind = 'space' | 'comment' | 'string' | 'quoted' | 'word' | 'number' | 'param' | 'symbol';
interface Token {
  kind: TokenKind;
  text: string;
}

const SYMBOLS = ['||', '<=', '>=', '<>', '!=', '(+)'];

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < sql.length) {
    const rest = sql.slice(at);
    const char = sql[at]!;
    const space = /^\s+/.exec(rest);
    const word = /^[A-Za-z_][A-Za-z0-9_$#]*/.exec(rest);
    const number = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(rest);
    if (space !== null) tokens.push({ kind: 'space', text: space[0] });
    else if (rest.startsWith('--')) {
      const end = rest.indexOf('\n');
      tokens.push({ kind: 'comment', text: end < 0 ? rest : rest.slice(0, end) });
    } else if (rest.startsWith('/*')) {
      const end = rest.indexOf('*/', 2);
      if (end < 0) throw new SuiteqlError('Unterminated comment.');
      tokens.push({ kind: 'comment', text: rest.slice(0, end + 2) });
    } else if (char === "'") {
      const literal = /^'(?:[^']|'')*'/.exec(rest);
      if (literal === null) throw new SuiteqlError('Unterminated string literal.');
      tokens.push({ kind: 'string', text: literal[0] });
    } else if (char === '"') {
      const quoted = /^"[^"]*"/.exec(rest);
      if (quoted === null) throw new SuiteqlError('Unterminated quoted identifier.');
      tokens.push({ kind: 'quoted', text: quoted[0] });
    } else if (word !== null) tokens.push({ kind: 'word', text: word[0] });
    else if (number !== null) tokens.push({ kind: 'number', text: number[0] });
    else if (char === '?') tokens.push({ kind: 'param', text: '?' });
    else {
      const symbol = SYMBOLS.find((candidate) => rest.startsWith(candidate)) ?? char;
      tokens.push({ kind: 'symbol', text: symbol });
    }
    at += tokens[tokens.length - 1]!.text.length;
  }
  return tokens;
}

const CLAUSE_WORDS = new Set([
  'WHERE',
  'JOIN',
  'INNER',
  'LEFT',
  'RIGHT',
  'FULL',
  'OUTER',
  'CROSS',
  'ON',
  'GROUP',
  'ORDER',
  'HAVING',
  'UNION',
  'MINUS',
  'INTERSECT',
  'EXCEPT',
  'LIMIT',
  'FETCH',
  'OFFSET',
  'CONNECT',
  'START',
  'USING',
  'NATURAL',
  'SELECT',
  'FROM',
]);

const SQLITE_ONLY_KEYWORDS = new Set([
  'transaction',
  'nothing',
  'isnull',
  'notnull',
  'autoincrement',
  'raise',
  'returning',
  'commit',
]);

export interface RewrittenQuery {
  sql: string;
  /** alias (lower case) -> table (lower case), tables included under their own names. */
  aliases: Map<string, string>;
  /** Number of `?` placeholders (SQLite would silently bind NULL to missing ones). */
  placeholders: number;
}

/** Columns of each SuiteQL table, to resolve an unqualified column in BUILTIN.DF. */
export type Catalog = (table: string) => string[];

/** What BUILTIN.DF shows for a column: a referenced record's name or an enum's text. */
function displayFunction(
  table: string,
  column: string,
  qualifier: string,
  argument: string,
): string | undefined {
  const refTargets: Record<string, string> = {
    entity: 'vendor',
    currency: 'currency',
    subsidiary: 'subsidiary',
    department: 'department',
    class: 'classification',
    location: 'location',
    expenseaccount: 'account',
    terms: 'term',
    previousdoc: 'transaction',
    nextdoc: 'transaction',
  };
  if (table === 'transaction' && column === 'status') return `ns_df_status(${qualifier}type, ${argument})`;
  if (table === 'transaction' && column === 'type') return `ns_df_enum('transactiontype', ${argument})`;
  if (table === 'transaction' && column === 'approvalstatus')
    return `ns_df_enum('approvalstatus', ${argument})`;
  if (table === 'account' && column === 'accttype') return `ns_df_enum('accttype', ${argument})`;
  if (table === 'transactionline' && column === 'transaction') return `ns_df_ref('transaction', ${argument})`;
  if (
    column === 'parent' &&
    ['account', 'department', 'classification', 'location', 'subsidiary'].includes(table)
  ) {
    return `ns_df_ref('${table}', ${argument})`;
  }
  if (table === 'currency' || table === 'subsidiary' || table === 'term') {
    if (column === 'id') return `ns_df_ref('${table}', ${argument})`;
  }
  // A custom segment column (`cseg_<id>` on transaction/transactionline) shows its value's name.
  if (column.startsWith('cseg_')) return `ns_df_ref('customSegmentValue', ${argument})`;
  const target = refTargets[column];
  return target === undefined ? undefined : `ns_df_ref('${target}', ${argument})`;
}

function meaningful(tokens: Token[]): Token[] {
  return tokens.filter((token) => token.kind !== 'space' && token.kind !== 'comment');
}

function collectAliases(tokens: Token[]): Map<string, string> {
  const aliases = new Map<string, string>();
  const words = meaningful(tokens);
  for (let index = 0; index < words.length; index++) {
    const token = words[index]!;
    if (token.kind !== 'word') continue;
    const upper = token.text.toUpperCase();
    if (upper !== 'FROM' && upper !== 'JOIN') continue;
    let cursor = index + 1;
    while (cursor < words.length) {
      const table = words[cursor];
      if (table === undefined || table.kind !== 'word' || CLAUSE_WORDS.has(table.text.toUpperCase())) break;
      const tableName = table.text.toLowerCase();
      aliases.set(tableName, tableName);
      cursor += 1;
      let next = words[cursor];
      if (next?.kind === 'word' && next.text.toUpperCase() === 'AS') {
        cursor += 1;
        next = words[cursor];
      }
      if (next?.kind === 'word' && !CLAUSE_WORDS.has(next.text.toUpperCase())) {
        aliases.set(next.text.toLowerCase(), tableName);
        cursor += 1;
        next = words[cursor];
      }
      if (upper === 'FROM' && next?.kind === 'symbol' && next.text === ',') {
        cursor += 1;
        continue;
      }
      break;
    }
  }
  return aliases;
}

/** Oracle allows at most 1000 expressions in an IN list (ORA-01795). */
function refuseLongInLists(words: Token[]): void {
  for (let index = 0; index + 1 < words.length; index++) {
    const word = words[index]!;
    if (word.kind !== 'word' || word.text.toUpperCase() !== 'IN' || words[index + 1]!.text !== '(') continue;
    const first = words[index + 2];
    if (first?.kind === 'word' && first.text.toUpperCase() === 'SELECT') continue;
    let depth = 0;
    let items = 1;
    for (let cursor = index + 1; cursor < words.length; cursor++) {
      const token = words[cursor]!;
      if (token.text === '(') depth += 1;
      else if (token.text === ')') {
        depth -= 1;
        if (depth === 0) break;
      } else if (token.text === ',' && depth === 1) items += 1;
    }
    if (items > 1000) throw new SuiteqlError('ORA-01795: maximum number of expressions in a list is 1000.');
  }
}

function findClosing(tokens: Token[], open: number): number {
  let depth = 0;
  for (let index = open; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token.kind !== 'symbol') continue;
    if (token.text === '(') depth += 1;
    if (token.text === ')') {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  throw new SuiteqlError('Unbalanced parentheses.');
}

function nextMeaningful(tokens: Token[], from: number): number {
  let index = from;
  while (index < tokens.length && (tokens[index]!.kind === 'space' || tokens[index]!.kind === 'comment'))
    index++;
  return index;
}

export function rewriteSuiteql(query: string, catalog: Catalog): RewrittenQuery {
  const tokens = tokenize(query);
  const words = meaningful(tokens);
  const first = words[0];
  if (first === undefined) throw new SuiteqlError('The query is empty.');
  const firstWord = first.kind === 'word' ? first.text.toUpperCase() : first.text;
  if (firstWord === 'WITH') throw new SuiteqlError('WITH clauses are not supported.');
  if (firstWord !== 'SELECT' && firstWord !== '(')
    throw new SuiteqlError('Only SELECT statements are supported.');
  if (words.some((token) => token.kind === 'symbol' && token.text === ';')) {
    throw new SuiteqlError('Invalid or unsupported search.');
  }
  if (words.some((token) => token.kind === 'symbol' && token.text === '(+)')) {
    throw new SuiteqlError('Oracle (+) outer joins are not supported; use ANSI joins.');
  }
  for (const token of words) {
    if (token.kind === 'word' && /^(sqlite_|pragma_)/i.test(token.text)) {
      throw new SuiteqlError(`Record '${token.text}' was not found.`);
    }
  }
  refuseLongInLists(words);
  const aliases = collectAliases(tokens);
  const placeholders = words.filter((token) => token.kind === 'param').length;
  return { sql: rewriteTokens(tokens, aliases, catalog), aliases, placeholders };
}

function rewriteTokens(tokens: Token[], aliases: Map<string, string>, catalog: Catalog): string {
  let out = '';
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token.kind === 'word') {
      const upper = token.text.toUpperCase();
      if (upper === 'SYSDATE' || upper === 'CURRENT_TIMESTAMP' || upper === 'SYSTIMESTAMP') {
        out += 'ns_sysdate()';
        continue;
      }
      if (upper === 'CURRENT_DATE') {
        out += 'ns_current_date()';
        continue;
      }
      if (upper === 'BUILTIN') {
        const dot = nextMeaningful(tokens, index + 1);
        const name = nextMeaningful(tokens, dot + 1);
        const open = nextMeaningful(tokens, name + 1);
        if (tokens[dot]?.text !== '.' || tokens[name]?.kind !== 'word' || tokens[open]?.text !== '(') {
          throw new SuiteqlError('Invalid or unsupported search.');
        }
        const functionName = tokens[name]!.text.toUpperCase();
        if (functionName !== 'DF') throw new SuiteqlError(`Unknown function BUILTIN.${functionName}.`);
        const close = findClosing(tokens, open);
        out += displayText(tokens.slice(open + 1, close), aliases, catalog);
        index = close;
        continue;
      }
    }
    // Words SQLite reserves but Oracle does not (TRANSACTION is SuiteQL's table) are quoted identifiers.
    out +=
      token.kind === 'word' && SQLITE_ONLY_KEYWORDS.has(token.text.toLowerCase())
        ? `"${token.text.toLowerCase()}"`
        : token.text;
  }
  return out;
}

function displayText(inner: Token[], aliases: Map<string, string>, catalog: Catalog): string {
  const words = meaningful(inner);
  const argument = rewriteTokens(inner, aliases, catalog).trim();
  let qualifier: string | undefined;
  let column: string | undefined;
  if (words.length === 1 && words[0]!.kind === 'word') column = words[0]!.text.toLowerCase();
  if (
    words.length === 3 &&
    words[0]!.kind === 'word' &&
    words[1]!.text === '.' &&
    words[2]!.kind === 'word'
  ) {
    qualifier = words[0]!.text;
    column = words[2]!.text.toLowerCase();
  }
  if (column === undefined) return `(${argument})`;
  let table: string | undefined;
  if (qualifier !== undefined) table = aliases.get(qualifier.toLowerCase());
  else table = [...new Set(aliases.values())].find((candidate) => catalog(candidate).includes(column));
  if (table === undefined) return `(${argument})`;
  return (
    displayFunction(table, column, qualifier === undefined ? '' : `${qualifier}.`, argument) ??
    `(${argument})`
  );
}
