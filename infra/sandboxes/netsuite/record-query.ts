// The `q` filter of the record API's collection GET (`/vendor?q=isInactive IS false AND email START_WITH "a"`),
// the operators apsync may use: IS, IS_NOT, EQUAL, NOT_EQUAL, CONTAIN, START_WITH, END_WITH, EMPTY,
// EMPTY_NOT, GREATER(_OR_EQUAL), LESS(_OR_EQUAL), ON, BEFORE, AFTER, ON_OR_BEFORE, ON_OR_AFTER, ANY_OF,
// NONE_OF; conditions joined by AND / OR (AND binds tighter), no parentheses. Used by records.ts.
import { problems } from './problem.ts';
import { type FieldSpec, type RecordType, recordSpecs } from './record-types.ts';
import type { FieldValue, RecordStore, StoredRecord } from './store.ts';

interface Condition {
  field: string;
  spec: FieldSpec | { kind: 'id' } | { kind: 'custom' };
  operator: string;
  values: string[];
}

const OPERATORS = new Set([
  'IS',
  'IS_NOT',
  'EQUAL',
  'NOT_EQUAL',
  'CONTAIN',
  'DOES_NOT_CONTAIN',
  'START_WITH',
  'END_WITH',
  'EMPTY',
  'EMPTY_NOT',
  'GREATER',
  'GREATER_OR_EQUAL',
  'LESS',
  'LESS_OR_EQUAL',
  'ON',
  'BEFORE',
  'AFTER',
  'ON_OR_BEFORE',
  'ON_OR_AFTER',
  'ANY_OF',
  'NONE_OF',
]);

function tokenize(q: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*("(?:[^"\\]|\\.)*"|\[|\]|,|[^\s,[\]"]+)/y;
  let end = 0;
  for (let match = pattern.exec(q); match !== null; match = pattern.exec(q)) {
    tokens.push(match[1]!);
    end = pattern.lastIndex;
  }
  if (q.slice(end).trim() !== '') throw invalidQuery(q);
  return tokens;
}

function invalidQuery(q: string, why = 'it could not be parsed'): Error {
  return problems.invalidParameter(`Invalid query '${q}': ${why}.`, 'q');
}

const unquote = (token: string): string =>
  token.startsWith('"') ? token.slice(1, -1).replace(/\\(.)/g, '$1') : token;

/** Parses `q` into OR-groups of AND-ed conditions. */
export function parseRecordQuery(store: RecordStore, type: RecordType, q: string): Condition[][] {
  const tokens = tokenize(q);
  const spec = recordSpecs[type];
  const fieldNames = new Map(Object.keys(spec.fields).map((name) => [name.toLowerCase(), name]));
  const groups: Condition[][] = [[]];
  let at = 0;
  while (at < tokens.length) {
    const rawField = tokens[at++]!;
    const operator = (tokens[at++] ?? '').toUpperCase();
    if (!OPERATORS.has(operator)) throw invalidQuery(q, `unknown operator '${operator}'`);
    const lower = rawField.toLowerCase();
    const name =
      fieldNames.get(lower) ??
      (lower === 'id' ? 'id' : store.customFields(type).has(lower) ? lower : undefined);
    if (name === undefined) throw invalidQuery(q, `unknown field '${rawField}'`);
    const fieldSpec: Condition['spec'] =
      name === 'id' ? { kind: 'id' } : (spec.fields[name] ?? { kind: 'custom' });
    const values: string[] = [];
    if (operator !== 'EMPTY' && operator !== 'EMPTY_NOT') {
      if (tokens[at] === '[') {
        at++;
        while (at < tokens.length && tokens[at] !== ']') {
          if (tokens[at] !== ',') values.push(unquote(tokens[at]!));
          at++;
        }
        at++;
      } else {
        values.push(unquote(tokens[at++] ?? ''));
        while (tokens[at] === ',') {
          at++;
          values.push(unquote(tokens[at++] ?? ''));
        }
      }
      if (values.length === 0 || values.some((value) => value === '' && operator !== 'IS'))
        throw invalidQuery(q);
    }
    groups[groups.length - 1]!.push({ field: name, spec: fieldSpec, operator, values });
    const joiner = tokens[at]?.toUpperCase();
    if (joiner === undefined) break;
    at++;
    if (joiner === 'OR') groups.push([]);
    else if (joiner !== 'AND') throw invalidQuery(q, `expected AND or OR, got '${tokens[at - 1]}'`);
  }
  return groups;
}

/** M/D/YYYY, YYYY-MM-DD or an ISO timestamp -> epoch ms (dates at midnight UTC). */
function parseWhen(text: string): number | undefined {
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})\s*(am|pm)?)?$/i.exec(text);
  if (us !== null) {
    let hour = Number(us[4] ?? 0) % (us[6] ? 12 : 24);
    if (us[6]?.toLowerCase() === 'pm') hour += 12;
    return Date.UTC(Number(us[3]), Number(us[1]) - 1, Number(us[2]), hour, Number(us[5] ?? 0));
  }
  const parsed = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function fieldValue(record: StoredRecord, condition: Condition): FieldValue | undefined {
  if (condition.field === 'id') return record.id;
  if (condition.field === 'lastModifiedDate') return record.lastModifiedDate;
  if (condition.field === 'createdDate' || condition.field === 'dateCreated') return record.createdDate;
  return record.fields[condition.field];
}

function matches(record: StoredRecord, condition: Condition): boolean {
  const value = fieldValue(record, condition);
  const { operator, values } = condition;
  const empty =
    value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
  if (operator === 'EMPTY') return empty;
  if (operator === 'EMPTY_NOT') return !empty;
  const kind = condition.spec.kind;
  const first = values[0] ?? '';
  if (kind === 'boolean' || typeof value === 'boolean') {
    const wanted = first.toLowerCase() === 'true' || first === 'T';
    const actual = value === true;
    return operator === 'IS_NOT' || operator === 'NOT_EQUAL' ? actual !== wanted : actual === wanted;
  }
  if (kind === 'number' || kind === 'money') {
    const actual = typeof value === 'number' ? (kind === 'money' ? value / 100 : value) : undefined;
    if (actual === undefined) return operator === 'NOT_EQUAL';
    const wanted = Number(first);
    switch (operator) {
      case 'EQUAL':
      case 'IS':
        return actual === wanted;
      case 'NOT_EQUAL':
      case 'IS_NOT':
        return actual !== wanted;
      case 'GREATER':
        return actual > wanted;
      case 'GREATER_OR_EQUAL':
        return actual >= wanted;
      case 'LESS':
        return actual < wanted;
      case 'LESS_OR_EQUAL':
        return actual <= wanted;
      default:
        return false;
    }
  }
  if (kind === 'date' || kind === 'datetime') {
    const actual = typeof value === 'string' ? parseWhen(value) : undefined;
    const wanted = parseWhen(first);
    if (actual === undefined || wanted === undefined) return false;
    const day = (ms: number) => Math.floor(ms / 86_400_000);
    switch (operator) {
      case 'ON':
        return day(actual) === day(wanted);
      case 'BEFORE':
        return actual < wanted;
      case 'AFTER':
        return actual > wanted;
      case 'ON_OR_BEFORE':
        return kind === 'date' ? day(actual) <= day(wanted) : actual <= wanted;
      case 'ON_OR_AFTER':
        return actual >= wanted;
      default:
        return false;
    }
  }
  const actuals = Array.isArray(value)
    ? value.map(String)
    : value === undefined || value === null
      ? []
      : [String(value)];
  switch (operator) {
    case 'ANY_OF':
    case 'EQUAL':
      return actuals.some((actual) => values.includes(actual));
    case 'NONE_OF':
    case 'NOT_EQUAL':
      return !actuals.some((actual) => values.includes(actual));
    case 'IS':
      return actuals.some((actual) => actual.toLowerCase() === first.toLowerCase());
    case 'IS_NOT':
      return !actuals.some((actual) => actual.toLowerCase() === first.toLowerCase());
    case 'CONTAIN':
      return actuals.some((actual) => actual.toLowerCase().includes(first.toLowerCase()));
    case 'DOES_NOT_CONTAIN':
      return !actuals.some((actual) => actual.toLowerCase().includes(first.toLowerCase()));
    case 'START_WITH':
      return actuals.some((actual) => actual.toLowerCase().startsWith(first.toLowerCase()));
    case 'END_WITH':
      return actuals.some((actual) => actual.toLowerCase().endsWith(first.toLowerCase()));
    default:
      return false;
  }
}

export function recordMatches(record: StoredRecord, groups: Condition[][]): boolean {
  return groups.some((group) => group.every((condition) => matches(record, condition)));
}
